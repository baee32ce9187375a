"""Reads of who-may-do-what: finding a unit by what a person types, people and their roles (人员与角色)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from shigongtu.lib.errors import FieldError, InputRejected
from shigongtu.orgs.models import Membership, OrgUnit


def unit_path_names(unit: OrgUnit, names: dict[int, str] | None = None) -> str:
    """The unit's chain of names from the top, ``长春市/净月高新区/项目服务中心``."""
    ids = unit.ancestor_ids
    if names is None:
        names = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return "/".join(names.get(i, "?") for i in ids)


def find_unit(text: str, field_name: str = "unit") -> OrgUnit:
    """The unit a person named: its name, or its chain of names (``净月高新区/项目服务中心``) where two
    units share a name. Unknown or ambiguous → InputRejected naming the field."""
    text = (text or "").strip().strip("/")
    parts = [p.strip() for p in text.split("/") if p.strip()]
    candidates = list(OrgUnit.objects.filter(name=parts[-1])) if parts else []
    if len(parts) > 1:
        candidates = [u for u in candidates if unit_path_names(u).endswith("/".join(parts))]
    if not candidates:
        raise InputRejected(FieldError(f"未找到单位：{text}", field=field_name, value=text,
                                       message_en=f"No such unit: {text}"))
    if len(candidates) > 1:
        paths = "、".join(unit_path_names(u) for u in candidates)
        raise InputRejected(FieldError(f"有多个单位名为“{text}”，请写出上级单位：{paths}", field=field_name,
                                       value=text, message_en=f"More than one unit is named {text}: {paths}"))
    return candidates[0]


@dataclass
class Person:
    """A person and the roles they hold (within the units asked about)."""

    pk: int
    username: str
    full_name: str
    is_active: bool
    roles: list[Membership] = field(default_factory=list)


def people(within: OrgUnit | QuerySet[OrgUnit] | None = None) -> list[Person]:
    """People holding a role within ``within`` (a unit and everything below it, or a set of units),
    with those roles; None: everyone, including people with no role yet. Two queries."""
    memberships = Membership.objects.select_related("unit").order_by("unit__path", "role")
    User = get_user_model()
    users: Any = User.objects.order_by("username")
    if isinstance(within, OrgUnit):
        memberships = memberships.filter(unit__path__startswith=within.path)
    elif within is not None:
        memberships = memberships.filter(unit__in=within)
    if within is not None:
        users = users.filter(pk__in=memberships.values("user_id"))
    users = users.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="shown_roles"))
    return [Person(u.pk, u.get_username(), u.get_full_name() or u.first_name, u.is_active, list(u.shown_roles))
            for u in users]


def people_document(persons: list[Person]) -> dict[str, Any]:
    """The contract's ``users list --json`` shape: ``{"users": [{"username", "roles": [{"unit", "role"}]}]}``."""
    return {"users": [{"username": p.username, "active": p.is_active,
                       "roles": [{"unit": m.unit.name, "role": m.role} for m in p.roles]} for p in persons]}


def admins_left(unit: OrgUnit) -> int:
    """Active admins who reach ``unit`` (on it or above)."""
    return Membership.objects.filter(role=Membership.Role.ADMIN, unit_id__in=unit.ancestor_ids,
                                     user__is_active=True).count()
