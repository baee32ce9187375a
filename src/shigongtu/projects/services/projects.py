"""Writes to a project itself: 重点项目入库 and 信息维护 (save), removal, and its lifecycle (项目阶段).

The helpers above the verbs (:func:`label`, :func:`snapshot`, :func:`assign`,
:func:`stage_entry`) are what the ledger's bulk writer shares with them, so a project written
from a ledger row gets the same values, stage history and change history as one saved here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError, InputRejected
from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_unit
from shigongtu.projects import totals
from shigongtu.projects.fields import AUDITED, MODEL_FIELDS, clean_project, derive_year_kind
from shigongtu.projects.models import Project, StageChange
from shigongtu.projects.rules.approvals import stage_flags
from shigongtu.projects.rules.stages import (
    COMPLETED,
    CONSTRUCTION,
    NOT_STARTED,
    OPERATING,
    REMOVED,
    STARTED,
    read_stage,
    transition_problem,
)
from shigongtu.projects.services.access import lock, lock_open_plan, open_plan, require_project

OBJECT = "project"
ASSIGNED = (*MODEL_FIELDS, "lng", "lat", "crs")  # what a clean row sets on the model


def label(project: Project) -> str:
    """How the change history names a project: its code and name."""
    return f"{project.code} {project.name}"


def snapshot(project: Project, node_codes: Iterable[str] | None = None) -> dict[str, Any]:
    """The project's audited values (and its node links, when given) for an old → new diff."""
    data = {name: getattr(project, name) for name in AUDITED}
    if node_codes is not None:
        data["nodes"] = ",".join(sorted(node_codes))
    return data


def node_codes(project: Project) -> list[str]:
    """The codes of the plan nodes the project serves (服务节点), sorted; none for an unsaved one."""
    if project.pk is None:
        return []
    return sorted(project.nodes.values_list("code", flat=True))


def assigned_values(clean: Mapping[str, Any], plan: Plan, *, create_units: bool = True) -> dict[str, Any]:
    """The model attributes a clean row sets, ``lead_unit_id`` for its unit. A unit the ledger
    asked to create (``--create-units``) is created here, or (``create_units=False``, for a
    preview) left as its name."""
    values = {name: clean[name] for name in ASSIGNED if name in clean}
    if "lead_unit" in clean:
        unit = clean["lead_unit"]
        if isinstance(unit, str):
            values["lead_unit_id"] = ensure_unit(unit, plan.unit).pk if create_units else unit
        else:
            values["lead_unit_id"] = unit.pk if unit is not None else None
    return values


def assign(project: Project, clean: Mapping[str, Any], plan: Plan) -> list[str] | None:
    """Copy clean values onto the (unsaved) project; returns the node codes to link, if given."""
    for name, value in assigned_values(clean, plan).items():
        setattr(project, name, value)
    derived = project.pk is None or {"actual_start", "planned_start", "nature"} & clean.keys()
    if not clean.get("year_kind") and derived and project.year_kind != "复工":  # 复工 is only ever said explicitly
        project.year_kind = derive_year_kind(project, plan.year)
    return clean.get("nodes")


def stage_entry(project: Project, old: str, effective: dt.date, note: str, user: Any) -> StageChange:
    """Record the project's move from ``old`` to its current stage in its stage history,
    flagged when it starts construction without every required approval."""
    flags = []
    if project.stage == CONSTRUCTION and old in NOT_STARTED:
        flags = stage_flags(project.stage, old, list(project.approvals.values_list("kind", "required", "status")))
    return StageChange.objects.create(project=project, from_stage=old, to_stage=project.stage, effective=effective,
                                      note=note, flags=flags, by=user if getattr(user, "pk", None) else None)


def _write(plan: Plan, project: Project, clean: Mapping[str, Any], user: Any, today: dt.date) -> dict[str, Any]:
    """Save one project from clean values; returns its audit item (None-free) or {} when unchanged."""
    created = project.pk is None
    old_codes = node_codes(project)
    old = None if created else snapshot(project, old_codes)
    old_stage = "" if created else project.stage
    codes = assign(project, clean, plan)
    new = snapshot(project, old_codes if codes is None else codes)
    changes = audit.diff(old, new)
    if not changes:
        return {}
    if not created:
        project.version += 1
    project.save()
    if codes is not None and codes != old_codes:
        project.nodes.set(Node.objects.filter(plan=plan, code__in=codes))
    if REMOVED in (project.stage, old_stage) and project.stage != old_stage:
        totals.invalidate_year(plan.pk, plan.year)  # its reports leave or rejoin the plan's sums
    if project.stage != old_stage:
        effective = project.actual_start if project.stage == CONSTRUCTION and project.actual_start else today
        stage_entry(project, old_stage, min(effective, today), "", user)
    return {"action": "create" if created else "update", "object_type": OBJECT, "object_id": project.pk,
            "label": label(project), "plan_code": plan.code, "changes": changes}


@transaction.atomic
def save_project(plan: Plan, data: Mapping[str, Any], user: Any = None, project: Project | None = None,
                 expected_version: int | None = None, *, today: dt.date | None = None) -> Project:
    """Create a project on the plan (``project`` None) or update one (重点项目入库 / 信息维护).

    ``data`` holds fields by API name (see :data:`shigongtu.projects.fields.PROJECT_FIELDS`);
    raw strings are read like ledger cells. Needs the manage right on the plan. Raises
    InputRejected naming every field at fault (nothing is written), Conflict for a stale
    ``expected_version``.
    """
    today = today or timezone.localdate()
    plan = lock_open_plan(plan, user, MANAGE)
    if project is not None:
        project = lock(project, expected_version)
        if project.plan_id != plan.pk:
            raise InputRejected("项目不属于该施工图", field="plan", value=plan.code)
    clean, problems = clean_project(plan, data, project, today=today)
    renamed = "code" in clean and (project is None or clean["code"] != project.code)
    if renamed and Project.objects.filter(plan=plan, code=clean["code"]).exists():
        problems.append(FieldError(f"项目编号 {clean['code']} 已存在", field="code", column="项目编号",
                                value=clean["code"]))
    if problems:
        raise InputRejected(problems)
    project = project or Project(plan=plan)
    item = _write(plan, project, clean, user, today)
    if item:
        audit.record_many([item], actor_name(user))
        bump_revision(plan, projects=[project.pk] if project.pk else True)
    return project


@transaction.atomic
def delete_project(project: Project, user: Any = None) -> None:
    """Remove a project entered by mistake; one with monthly reports is moved to 调出 instead."""
    project = lock(project)
    require_project(user, project, MANAGE)
    if project.reports.exists():
        raise InputRejected("该项目已有月度投资，不能删除；请改为调出", field="code", value=project.code)
    audit.record("delete", OBJECT, project.pk, {"code": [project.code, None]}, actor_name(user), label(project),
                 project.plan.code)
    plan = project.plan
    pk = project.pk
    project.delete()
    bump_revision(plan, projects=[pk])


@transaction.atomic
def change_stage(project: Project, stage: str, user: Any = None, on: dt.date | None = None, note: str = "",
                 expected_version: int | None = None) -> StageChange:
    """Move a project through its lifecycle (谋划 → 前期 → 具备开工条件 → 在建 → 竣工/投产, 停缓建, 调出, 终止).

    Needs the report right (the lead unit reports its project's start). Entering 在建 sets the
    actual start to ``on`` (default today) when none is recorded, entering 竣工/投产 the actual
    completion. Starting without every required approval is allowed but flagged on the entry.
    """
    today = timezone.localdate()
    project = lock(project, expected_version)
    require_project(user, project, REPORT)
    open_plan(project.plan)
    on = on or today
    target = read_stage(stage) or str(stage)
    problems = []
    why = transition_problem(project.stage, target)
    if why:
        problems.append(FieldError(why, field="stage", value=stage))
    if on > today:
        problems.append(FieldError(f"生效日期{on}在今天之后", field="on", value=str(on)))
    if target == project.stage and not why:
        problems.append(FieldError(f"项目已处于「{target}」阶段", field="stage", value=stage))
    if problems:
        raise InputRejected(problems)
    old = snapshot(project)
    old_stage = project.stage
    project.stage = target
    if target in STARTED and project.actual_start is None:
        project.actual_start = on
        project.year_kind = project.year_kind or derive_year_kind(project, project.plan.year)
    if target in (COMPLETED, OPERATING) and project.actual_completion is None:
        project.actual_completion = max(on, project.actual_start or on)
    project.version += 1
    project.save()
    entry = stage_entry(project, old_stage, on, note.strip(), user)
    if REMOVED in (old_stage, target):
        totals.invalidate_year(project.plan_id, project.plan.year)
    changes = audit.diff(old, snapshot(project))
    if entry.flags:
        changes["flags"] = [None, [f["message"] for f in entry.flags]]
    audit.record("stage", OBJECT, project.pk, changes, actor_name(user), label(project), project.plan.code)
    bump_revision(project.plan, projects=[project.pk])
    return entry

