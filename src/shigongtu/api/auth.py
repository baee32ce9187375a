"""API authentication: the browser session (with CSRF) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from shigongtu.orgs.models import ApiToken
from shigongtu.orgs.services import digest


class _Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
        now = timezone.now()
        if row is None or not row.user.is_active or not row.is_usable(now):
            return None  # unknown, expired or revoked: 401
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionOrToken:
    """Tried in order by django-ninja when given as a list."""

    def __new__(cls) -> Any:
        return [_Bearer(), SessionAuth(csrf=True)]
