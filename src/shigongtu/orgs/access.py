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
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from shigongtu.lib.errors import NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

VIEW, REPORT, MANAGE = "view", "report", "manage"
ACTIONS = (VIEW, REPORT, MANAGE)
MANAGING_ROLES = frozenset({"admin", "coordinator"})
ADMIN_ROLES = frozenset({"admin"})  # who may manage units, people and roles (单位、人员与角色)
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
            return cached
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

    def unit_q(self, action: str) -> Q:
        """A filter on OrgUnit: ``view`` reaches the units within any role, ``manage`` those within an admin role."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.superuser:
            return Q()
        if not self.authenticated:
            return Q(pk__in=[])
        return self._within("", ADMIN_ROLES if action == MANAGE else None)

    def can_admin_unit(self, unit_path: str) -> bool:
        """True when the user may manage the people and roles of the unit at ``unit_path`` (and below)."""
        return self.superuser or any(g.role in ADMIN_ROLES and unit_path.startswith(g.path) for g in self.grants)

    def can_manage_unit(self, unit_path: str) -> bool:
        return self.superuser or any(g.role in MANAGING_ROLES and unit_path.startswith(g.path) for g in self.grants)

    def allows_plan(self, unit_id: int, unit_path: str, action: str) -> bool:
        """:meth:`plan_q` decided for one plan whose unit is known (no query): the same rule."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if self.superuser:
            return True
        if not self.authenticated:
            return False
        if action == MANAGE:
            return self.can_manage_unit(unit_path)
        return any(unit_path.startswith(g.path) or unit_id in g.ancestor_ids for g in self.grants)


def scope_of(user: Any) -> Scope:
    return Scope.of(user)


M = TypeVar("M", bound=Model)


def _visible(source: type[M] | QuerySet[M], user: Any, action: str) -> QuerySet[M]:
    """``source`` narrowed to what ``user`` may do ``action`` on (its queryset's ``for_user``)."""
    qs: Any = source._default_manager.all() if isinstance(source, type) else source
    return qs.for_user(user, action)


def scoped(source: type[M] | QuerySet[M], user: Any, action: str, **lookup: Any) -> M:
    """The one object matching ``lookup`` that ``user`` may reach, for a page, endpoint, export or import.

    Out of sight (no such object, or not visible to the user): ``Http404``, so an outsider cannot
    tell a plan exists. Visible but ``action`` not allowed (a viewer asking to write):
    ``NotAllowed``, which every face answers with 403. ``source`` is a model or a queryset
    (``select_related`` kept) whose queryset has ``for_user(user, action)``.
    """
    obj = _visible(source, user, VIEW).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != VIEW and not _allowed(obj, user, action):
        raise NotAllowed(f"no {action} right on {_label(obj)}")
    return obj


def require(user: Any, obj: Model, action: str) -> None:
    """Re-check inside a transaction that ``user`` may do ``action`` on ``obj``; ``NotAllowed`` if not.

    ``user`` None is a system job (the demo, a command run without ``--user``) acting with full rights.
    """
    if user is None:
        return
    if not _visible(type(obj), user, action).filter(pk=obj.pk).exists():
        raise NotAllowed(f"no {action} right on {_label(obj)}")


def locked(model: type[M], user: Any, action: str, pk: Any, related: tuple[str, ...] = ()) -> M:
    """Inside a transaction: the row ``pk`` of ``model``, locked (``SELECT … FOR UPDATE`` of that row
    alone; ``related`` rows read along, unlocked), re-checked in the same statement that ``user`` may
    do ``action`` on it — :func:`require` and the lock in one query. ``NotAllowed`` if not;
    ``user`` None is a system job (full rights)."""
    rows: Any = model._default_manager.select_for_update(of=("self",)).select_related(*related)
    if user is None:
        return rows.get(pk=pk)
    obj = rows.for_user(user, action).filter(pk=pk).first()
    if obj is None:
        raise NotAllowed(f"no {action} right on {model._meta.model_name} {pk}")
    return obj


def _allowed(obj: Model, user: Any, action: str) -> bool:
    """May ``user`` do ``action`` on ``obj`` just read by :func:`scoped`: for a plan read with its unit
    (``select_related``) decided from the same row and the user's grants (read once per request) by
    :meth:`Scope.allows_plan`, else asked of the database through the model's ``for_user``."""
    unit = _loaded_unit(obj)
    if unit is not None:
        return Scope.of(user).allows_plan(unit.pk, unit.path, action)
    return _visible(type(obj), user, action).filter(pk=obj.pk).exists()


def _loaded_unit(obj: Model) -> Any:
    """The loaded unit of a model whose ``for_user`` is :meth:`Scope.plan_q` on its ``unit``
    (it says so with ``scope_by_plan_unit = True``: the plan), else None."""
    if getattr(type(obj), "scope_by_plan_unit", False) and "unit" in obj._state.fields_cache:
        return obj.unit  # type: ignore[attr-defined]
    return None


def _label(obj: Model) -> str:
    code = getattr(obj, "code", None)
    return f"{obj._meta.model_name} {code if code is not None else obj.pk}"
