"""API authentication: the browser session (with CSRF) or a bearer token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from shigongtu.orgs.models import ApiToken
from shigongtu.orgs.services import digest

# A token's "last used" (最近使用) is written at most this often: a busy client's requests do not
# each pay an UPDATE, and the figure shown to the user stays right to the minute.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class _Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=digest(token)).first()
        now = timezone.now()
        if row is None or not row.user.is_active or not row.is_usable(now):
            return None  # unknown, expired or revoked: 401
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionOrToken:
    """Tried in order by django-ninja when given as a list."""

    def __new__(cls) -> Any:
        return [_Bearer(), SessionAuth(csrf=True)]
