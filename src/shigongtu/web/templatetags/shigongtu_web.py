"""Small template filters of the pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """A user's display name (full name, else the login name); a dash for nobody (system imports)."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())
