"""Scoped access in one place.

Every page, endpoint, export and import asks this module what a user may touch.
A membership reaches its unit and everything below it; a unit's members can also
*see* the plans of the units above them (a department takes part in its zone's plan).

Actions:
- ``view``: read a plan, its nodes, reports and projects.
- ``report``: file and edit reports for nodes (or projects) whose lead unit is within a
  reporter's unit; coordinators may report for anything in their plans.
- ``manage``: build the plan, review (approve/return) reports, import ledgers, issue bulletins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

VIEW, REPORT, MANAGE = "view", "report", "manage"
ACTIONS = (VIEW, REPORT, MANAGE)
MANAGING_ROLES = frozenset({"admin", "coordinator"})
REPORTING_ROLES = frozenset({"admin", "coordinator", "reporter"})


@dataclass(frozen=True)
class Grant:
    unit_id: int
    path: str
    role: str

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


@dataclass
class Scope:
    """What one user may reach, computed once per request (one query)."""

    superuser: bool
    grants: list[Grant] = field(default_factory=list)
    authenticated: bool = True

    @classmethod
    def of(cls, user: AbstractBaseUser | AnonymousUser | None) -> Scope:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(superuser=False, authenticated=False)
        cached = getattr(user, "_shigongtu_scope", None)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        from shigongtu.orgs.models import Membership

        grants = [
            Grant(unit_id, path, role)
            for unit_id, path, role in Membership.objects.filter(user_id=int(user.pk or 0)).values_list(
                "unit_id", "unit__path", "role"
            )
        ]
        scope = cls(superuser=bool(getattr(user, "is_superuser", False)), grants=grants)
        user._shigongtu_scope = scope  # type: ignore[union-attr]
        return scope

    # -- unit reach -------------------------------------------------------------
    def _within(self, prefix: str, roles: frozenset[str] | None) -> Q:
        q = Q(pk__in=[])
        for g in self.grants:
            if roles is None or g.role in roles:
                q |= Q(**{f"{prefix}path__startswith": g.path})
        return q

    def plan_q(self, action: str, prefix: str = "") -> Q:
        """A filter on Plan (or on a model reaching it through ``prefix``, e.g. ``plan__``)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.superuser:
            return Q()
        if not self.authenticated:
            return Q(pk__in=[])
        unit = f"{prefix}unit__"
        if action == MANAGE:
            return self._within(unit, MANAGING_ROLES)
        q = self._within(unit, None)
        above: set[int] = set()
        for g in self.grants:
            above.update(g.ancestor_ids)
        if above:
            q |= Q(**{f"{prefix}unit_id__in": sorted(above)})
        return q

    def node_q(self, action: str, prefix: str = "") -> Q:
        """A filter on Node (or a model reaching it through ``prefix``, e.g. ``node__``)."""
        if self.superuser:
            return Q()
        plan = f"{prefix}plan__"
        if action != REPORT:
            return self.plan_q(action, plan)
        q = self.plan_q(MANAGE, plan)
        for g in self.grants:
            if g.role == "reporter":
                q |= Q(**{f"{prefix}lead_unit__path__startswith": g.path}) & self.plan_q(VIEW, plan)
        return q

    def can_manage_unit(self, unit_path: str) -> bool:
        return self.superuser or any(g.role in MANAGING_ROLES and unit_path.startswith(g.path) for g in self.grants)


def scope_of(user: Any) -> Scope:
    return Scope.of(user)


def get_scoped(queryset: Any, user: Any, action: str, **lookup: Any) -> Any:
    """Fetch one object the user may see; 404 when out of sight, 403 when seen but not allowed.

    ``queryset`` must have ``for_user(user, action)``.
    """
    obj = queryset.for_user(user, "view").filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != "view" and not queryset.for_user(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
