"""The history's key (``SHIGONGTU_AUDIT_KEY``): read from the settings, never stored in the database."""

from __future__ import annotations

from django.conf import settings


def audit_key() -> bytes:
    """The key of the history's fingerprints (HMAC-SHA-256)."""
    return str(settings.AUDIT_KEY).encode("utf-8")
