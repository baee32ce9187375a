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


@register.filter
def administers(user: Any) -> bool:
    """True when the user may manage units, people and roles somewhere (the 人员与单位 menu entry)."""
    from shigongtu.orgs.access import ADMIN_ROLES, Scope

    if not getattr(user, "is_authenticated", False):
        return False
    scope = Scope.of(user)  # computed once per request and kept on the user
    return scope.superuser or any(g.role in ADMIN_ROLES for g in scope.grants)
