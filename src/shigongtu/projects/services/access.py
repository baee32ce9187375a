"""Who may write, and the locks a write takes: the scope re-checked inside every transaction."""

from __future__ import annotations

from typing import Any

from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.plans.models import Plan
from shigongtu.projects.models import Project


def require_plan(user: Any, plan: Plan, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the plan."""
    if user is not None and not Plan.objects.for_user(user, action).filter(pk=plan.pk).exists():
        raise NotAllowed(f"no {action} right on plan {plan.code}")


def require_project(user: Any, project: Project, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the project."""
    if user is not None and not Project.objects.for_user(user, action).filter(pk=project.pk).exists():
        raise NotAllowed(f"no {action} right on project {project.code}")


def lock(project: Project, expected_version: int | None = None) -> Project:
    """The project row, locked for this transaction; Conflict when its version moved on."""
    fresh = Project.objects.select_for_update().select_related("plan", "plan__unit").get(pk=project.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(f"项目 {fresh.code} ", fresh.version)
    return fresh


def open_plan(plan: Plan) -> Plan:
    """The plan, fresh from the database; InputRejected when it is closed (已关闭) to changes."""
    plan = Plan.objects.select_related("unit").get(pk=plan.pk)
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能修改", field="plan", value=plan.code)
    return plan

