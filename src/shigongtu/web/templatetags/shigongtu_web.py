"""Small template filters of the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from shigongtu.lib.amounts import wan_to_yi

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


@register.filter
def yi(wan: Any) -> str:
    """An amount in 万元 shown in 亿元 with two decimals (1,234,5 万元 → 12.35)."""
    if wan is None or wan == "":
        return "—"
    return f"{wan_to_yi(Decimal(str(wan))):.2f}"


@register.filter
def pct(fraction: Any) -> str:
    """A share (0.251) as percent points with one decimal (25.1); a dash when unknown."""
    if fraction is None or fraction == "":
        return "—"
    return f"{Decimal(str(fraction)) * 100:.1f}"


@register.filter
def when(moment: Any) -> str:
    """A moment in local time as the notices show it: 2023年6月10日 09:30 / 10 Jun 2023 09:30; a dash for none."""
    from shigongtu.notifications.selectors import when as shown

    return shown(moment) or "—"
