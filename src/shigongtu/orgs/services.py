"""Writes to who-may-do-what: API tokens (the CLI, the pages and the API all issue them here)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone

from shigongtu.orgs.models import ApiToken

log = logging.getLogger(__name__)


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, so a leaked table reveals no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: Any, name: str = "cli", days: int | None = None) -> str:
    """Create an API token (接口令牌) for ``user``; the plain token is shown once and never stored.

    It expires after ``days`` (default: the ``API_TOKEN_DAYS`` setting, 90).
    """
    token = "sgt_" + secrets.token_urlsafe(32)
    days = settings.API_TOKEN_DAYS if days is None else days
    ApiToken.objects.create(user=user, name=name[:100], digest=digest(token),
                            expires_at=timezone.now() + dt.timedelta(days=days))
    return token


def revoke_token(token: ApiToken, by: Any = None) -> ApiToken:
    """Revoke a token (吊销) at once; it answers 401 from then on. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.info("API token %s (%s) of %s revoked by %s", token.pk, token.name, token.user,
                 getattr(by, "username", "") or "the command line")
    return token


def token_rows(tokens: Any) -> list[dict[str, Any]]:
    """Tokens as the CLI's ``--json`` and the account page list them (never the token itself)."""
    now = timezone.now()
    return [{"id": t.pk, "user": t.user.username, "name": t.name, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "expires_at": t.expires_at.isoformat() if t.expires_at else None,
             "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
             "active": t.is_usable(now)} for t in tokens]
