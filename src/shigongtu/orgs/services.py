"""Writes to who-may-do-what: API tokens (the CLI, the pages and the API all issue them here)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from shigongtu.orgs.models import ApiToken


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, so a leaked table reveals no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: Any, name: str = "cli") -> str:
    """Create an API token (接口令牌) for ``user``; the plain token is shown once and never stored."""
    token = "sgt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=digest(token))
    return token
