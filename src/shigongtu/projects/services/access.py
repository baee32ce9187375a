"""The locks a project write takes, and the scope re-checked inside every transaction
(through the one access path, ``orgs.access.require``)."""

from __future__ import annotations

from typing import Any

from shigongtu.lib.errors import Conflict
from shigongtu.orgs.access import locked, require
from shigongtu.plans.models import Plan
from shigongtu.plans.services import ensure_open
from shigongtu.projects.models import Project


def require_plan(user: Any, plan: Plan, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the plan."""
    require(user, plan, action)


def require_project(user: Any, project: Project, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the project."""
    require(user, project, action)


def lock(project: Project, expected_version: int | None = None) -> Project:
    """The project row, locked for this transaction; Conflict when its version moved on."""
    fresh = Project.objects.select_for_update().select_related("plan", "plan__unit").get(pk=project.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(f"项目 {fresh.code} ", fresh.version)
    return fresh


def lock_open_plan(plan: Plan, user: Any, action: str) -> Plan:
    """The plan (with its unit) locked for this transaction, with ``user``'s ``action`` re-checked
    in the same query; InputRejected when it is closed (已关闭) to changes."""
    return ensure_open(locked(Plan, user, action, plan.pk, ("unit",)))


def open_plan(plan: Plan) -> Plan:
    """The plan, fresh from the database; InputRejected when it is closed (已关闭) to changes."""
    return ensure_open(Plan.objects.select_related("unit").get(pk=plan.pk))
