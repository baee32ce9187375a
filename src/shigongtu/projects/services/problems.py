"""Writes to a project's problems (存在问题): what holds it back, who is to solve it, by when,
up to its resolution (已解决)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected
from shigongtu.lib.periods import parse_period
from shigongtu.orgs.access import REPORT
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.services import actor_name, find_unit
from shigongtu.projects.fields import optional_date
from shigongtu.projects.models import Project, ProjectProblem
from shigongtu.projects.models.project import PROBLEM_KINDS, PROBLEM_STATUSES
from shigongtu.projects.services.access import lock, open_plan, require_project
from shigongtu.projects.services.projects import label

PROBLEM_FIELDS = ("title", "kind", "needs_coordination", "responsible_unit_id", "deadline", "status", "resolution",
                  "resolved_on", "raised_period")


@transaction.atomic
def save_problem(project: Project, data: Mapping[str, Any], user: Any = None, item: ProjectProblem | None = None,
                 expected_version: int | None = None, *, today: dt.date | None = None) -> ProjectProblem:
    """Record (``item`` None) or update a problem holding the project back, up to its resolution (已解决)."""
    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, REPORT)
    open_plan(project.plan)
    if item is not None:
        item = ProjectProblem.objects.select_for_update().get(pk=item.pk, project=project)
        if expected_version is not None and item.version != expected_version:
            raise Conflict("问题记录", item.version)
    clean = _clean_problem(project, data, item, today)
    created = item is None
    old = None if created else {f: getattr(item, f) for f in PROBLEM_FIELDS}
    item = item or ProjectProblem(project=project)
    for key, value in clean.items():
        setattr(item, key, value)
    if item.status == "已解决" and item.resolved_on is None:
        item.resolved_on = today
    if item.status != "已解决":
        item.resolved_on = None
    audit.save_tracked(item, PROBLEM_FIELDS, old, object_type="problem", actor=actor_name(user),
                       label=f"{label(project)} · {item.title[:40]}", plan_code=project.plan.code)
    return item


def _clean_problem(project: Project, data: Mapping[str, Any], item: ProjectProblem | None,
                   today: dt.date) -> dict[str, Any]:
    """A problem record's clean values; every problem with the input is named at once (InputRejected)."""
    problems: list[FieldError] = []
    clean: dict[str, Any] = {}
    if "title" in data or item is None:
        clean["title"] = str(data.get("title") or "").strip()
        if not clean["title"] or len(clean["title"]) > 300:
            problems.append(FieldError("问题描述不能为空，最长300个字符", field="title", value=data.get("title")))
    for key, choices in (("kind", PROBLEM_KINDS), ("status", PROBLEM_STATUSES)):
        if key in data and data[key] is not None:
            clean[key] = str(data[key]).strip()
            if clean[key] not in choices:
                problems.append(FieldError(f"应为{'、'.join(choices)}之一", field=key, value=data[key]))
    if "needs_coordination" in data:
        clean["needs_coordination"] = bool(data["needs_coordination"])
    if "resolution" in data:
        clean["resolution"] = str(data["resolution"] or "").strip()
    _problem_dates(data, clean, problems)
    if "responsible_unit" in data:
        clean["responsible_unit_id"] = _responsible_unit(project, data["responsible_unit"], problems)
    if clean.get("resolved_on") and clean["resolved_on"] > today:
        problems.append(FieldError("解决日期在今天之后", field="resolved_on", value=str(clean["resolved_on"])))
    if problems:
        raise InputRejected(problems)
    return clean


def _problem_dates(data: Mapping[str, Any], clean: dict[str, Any], problems: list[FieldError]) -> None:
    """Deadline (办结时限), resolution date and the month the problem was raised."""
    for key in ("deadline", "resolved_on"):
        if key in data:
            clean[key] = optional_date(data, key, problems)
    if data.get("raised_period"):
        try:
            clean["raised_period"] = parse_period(data["raised_period"]).key
        except ValueError as exc:
            problems.append(FieldError(str(exc), field="raised_period", value=data["raised_period"]))


def _responsible_unit(project: Project, raw: Any, problems: list[FieldError]) -> int | None:
    """The responsible unit (责任单位) by name within the plan's zone, or an OrgUnit given directly."""
    unit = raw
    if isinstance(unit, str) and unit.strip():
        unit = find_unit(unit, project.plan.unit)
        if unit is None:
            problems.append(FieldError(f"单位「{raw}」不存在", field="responsible_unit", value=raw))
    return unit.pk if isinstance(unit, OrgUnit) else None
