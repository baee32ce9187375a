"""Writes to the project library: projects, their lifecycle, approvals checklist and problems.

Every function runs in one transaction, validates everything before writing, re-checks the
user's scope inside the transaction, refuses stale versions (Conflict), records each change
with its old → new values in the change history and bumps the plan's revision.

The ledger engine imports projects through :func:`validate_project_row` /
:func:`validate_project_rows` (check, write nothing) and :func:`apply_project_rows` (write
the checked rows); investment rows go through the functions re-exported from
:mod:`shigongtu.projects.investment`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected
from shigongtu.orgs.access import MANAGE, REPORT, require
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_open
from shigongtu.projects import rules, totals
from shigongtu.projects.fields import AUDITED, clean_project, derive_year_kind
from shigongtu.projects.models import ApprovalItem, InvestmentReport, Project, ProjectProblem, StageChange

OBJECT = "project"


# -- access and bookkeeping ---------------------------------------------------------------

def require_plan(user: Any, plan: Plan, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the plan."""
    require(user, plan, action)


def require_project(user: Any, project: Project, action: str) -> None:
    require(user, project, action)


def lock(project: Project, expected_version: int | None = None) -> Project:
    """The project row, locked for this transaction; Conflict when its version moved on."""
    fresh = Project.objects.select_for_update().select_related("plan", "plan__unit").get(pk=project.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(f"项目 {fresh.code} ", fresh.version)
    return fresh


def open_plan(plan: Plan) -> Plan:
    plan = Plan.objects.select_related("unit").get(pk=plan.pk)
    return ensure_open(plan)


def label(project: Project) -> str:
    return f"{project.code} {project.name}"


def snapshot(project: Project, node_codes: Iterable[str] | None = None) -> dict[str, Any]:
    data = {name: getattr(project, name) for name in AUDITED}
    if node_codes is not None:
        data["nodes"] = ",".join(sorted(node_codes))
    return data


def node_codes(project: Project) -> list[str]:
    if project.pk is None:
        return []
    return sorted(project.nodes.values_list("code", flat=True))


def refresh_totals(project_ids: Iterable[int]) -> None:
    """Recompute the projects' year-to-date figures (本年累计) from their counting reports: per
    few thousand projects, one UPDATE from the grouped sums and one for those left with none."""
    ids = sorted(set(project_ids))
    project, report = Project._meta, InvestmentReport._meta
    q = connection.ops.quote_name
    counting = list(InvestmentReport.COUNTING)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        marks = ", ".join(["%s"] * len(chunk))
        # Names come from the models; every value is a parameter.
        sql = (f"UPDATE {q(project.db_table)} SET ytd_investment = t.a, ytd_stats_investment = t.s, "  # noqa: S608
               f"last_period = t.last FROM (SELECT project_id, COALESCE(SUM(amount), 0) AS a, "
               f"COALESCE(SUM(stats_amount), 0) AS s, MAX(period) AS last FROM {q(report.db_table)} "
               f"WHERE status IN (%s, %s, %s) AND project_id IN ({marks}) GROUP BY project_id) AS t "
               f"WHERE {q(project.db_table)}.id = t.project_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*counting, *chunk])
        reported = InvestmentReport.objects.filter(project=OuterRef("pk"), status__in=counting)
        Project.objects.filter(pk__in=chunk).filter(~Exists(reported)).update(
            ytd_investment=Decimal(0), ytd_stats_investment=Decimal(0), last_period="")


# -- projects -----------------------------------------------------------------------------

def _assign(project: Project, clean: Mapping[str, Any], plan: Plan) -> list[str] | None:
    """Copy clean values onto the (unsaved) project; returns the node codes to link, if given."""
    for name, value in assigned_values(clean, plan).items():
        setattr(project, name, value)
    derived = project.pk is None or {"actual_start", "planned_start", "nature"} & clean.keys()
    if not clean.get("year_kind") and derived and project.year_kind != "复工":  # 复工 is only ever said explicitly
        project.year_kind = derive_year_kind(project, plan.year)
    return clean.get("nodes")


def _stage_entry(project: Project, old: str, effective: dt.date, note: str, user: Any) -> StageChange:
    flags = []
    if project.stage == rules.CONSTRUCTION and old in rules.NOT_STARTED:
        flags = stage_flags(project.stage, old, list(project.approvals.values_list("kind", "required", "status")))
    return StageChange.objects.create(project=project, from_stage=old, to_stage=project.stage, effective=effective,
                                      note=note, flags=flags, by=user if getattr(user, "pk", None) else None)


def _write(plan: Plan, project: Project, clean: Mapping[str, Any], user: Any, today: dt.date) -> dict[str, Any]:
    """Save one project from clean values; returns its audit item (None-free) or {} when unchanged."""
    created = project.pk is None
    old_codes = node_codes(project)
    old = None if created else snapshot(project, old_codes)
    old_stage = "" if created else project.stage
    codes = _assign(project, clean, plan)
    new = snapshot(project, old_codes if codes is None else codes)
    changes = audit.diff(old, new)
    if not changes:
        return {}
    if not created:
        project.version += 1
    project.save()
    if codes is not None and codes != old_codes:
        project.nodes.set(Node.objects.filter(plan=plan, code__in=codes))
    if rules.REMOVED in (project.stage, old_stage) and project.stage != old_stage:
        totals.invalidate_year(plan.pk, plan.year)  # its reports leave or rejoin the plan's sums
    if project.stage != old_stage:
        effective = project.actual_start if project.stage == rules.CONSTRUCTION and project.actual_start else today
        _stage_entry(project, old_stage, min(effective, today), "", user)
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
    plan = open_plan(Plan.objects.select_for_update().get(pk=plan.pk))
    require_plan(user, plan, MANAGE)
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
        bump_revision(plan)
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
    project.delete()
    bump_revision(plan)


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
    target = rules.read_stage(stage) or str(stage)
    problems = []
    why = rules.transition_problem(project.stage, target)
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
    if target in rules.STARTED and project.actual_start is None:
        project.actual_start = on
        project.year_kind = project.year_kind or derive_year_kind(project, project.plan.year)
    if target in (rules.COMPLETED, rules.OPERATING) and project.actual_completion is None:
        project.actual_completion = max(on, project.actual_start or on)
    project.version += 1
    project.save()
    entry = _stage_entry(project, old_stage, on, note.strip(), user)
    if rules.REMOVED in (old_stage, target):
        totals.invalidate_year(project.plan_id, project.plan.year)
    changes = audit.diff(old, snapshot(project))
    if entry.flags:
        changes["flags"] = [None, [f["message"] for f in entry.flags]]
    audit.record("stage", OBJECT, project.pk, changes, actor_name(user), label(project), project.plan.code)
    bump_revision(project.plan)
    return entry


# -- approvals checklist (前期手续) -----------------------------------------------------------

APPROVAL_FIELDS = ("kind", "required", "status", "doc_no", "issued_on", "valid_until", "planned_by", "handling_unit")


def _date(data: Mapping[str, Any], key: str, problems: list[FieldError]) -> dt.date | None:
    from shigongtu.lib.periods import parse_date

    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        problems.append(FieldError(str(exc), field=key, value=str(raw)))
        return None


@transaction.atomic
def ensure_checklist(project: Project, user: Any = None) -> int:
    """Give a project the default approvals checklist (domain §2.2) if it has none; returns items added."""
    if project.approvals.exists():
        return 0
    items = [ApprovalItem(project=project, kind=kind, required=required, sort=i)
             for i, (kind, required) in enumerate(rules.DEFAULT_CHECKLIST)]
    ApprovalItem.objects.bulk_create(items)
    audit.record("checklist", OBJECT, project.pk, {"approvals": [None, [i.kind for i in items]]}, actor_name(user),
                 label(project), project.plan.code)
    return len(items)


@transaction.atomic
def save_approval(project: Project, data: Mapping[str, Any], user: Any = None, item: ApprovalItem | None = None,
                  expected_version: int | None = None, *, today: dt.date | None = None) -> ApprovalItem:
    """Add (``item`` None) or update a line of the approvals checklist.

    When the last required item is obtained (或无需办理), a project in 谋划/前期 becomes
    具备开工条件 on its own.
    """
    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, REPORT)
    open_plan(project.plan)
    if item is not None:
        item = ApprovalItem.objects.select_for_update().get(pk=item.pk, project=project)
        if expected_version is not None and item.version != expected_version:
            raise Conflict(f"手续「{item.kind}」", item.version)
    problems: list[FieldError] = []
    clean: dict[str, Any] = {}
    if "kind" in data or item is None:
        kind = str(data.get("kind") or "").strip()
        if not kind or len(kind) > 30:
            problems.append(FieldError("手续类型不能为空，最长30个字符", field="kind", value=kind))
        elif project.approvals.filter(kind=kind).exclude(pk=item.pk if item is not None else 0).exists():
            problems.append(FieldError(f"已有「{kind}」这一项", field="kind", value=kind))
        clean["kind"] = kind
    if "status" in data:
        status = str(data["status"] or "").strip()
        if status not in rules.APPROVAL_STATUSES:
            problems.append(FieldError(f"办理状态应为{'、'.join(rules.APPROVAL_STATUSES)}之一", field="status",
                                    value=status))
        clean["status"] = status
    if "required" in data:
        clean["required"] = bool(data["required"])
    for key in ("doc_no", "handling_unit"):
        if key in data:
            clean[key] = str(data[key] or "").strip()[:100]
    for key in ("issued_on", "valid_until", "planned_by"):
        if key in data:
            clean[key] = _date(data, key, problems)
    issued = clean.get("issued_on", getattr(item, "issued_on", None))
    valid = clean.get("valid_until", getattr(item, "valid_until", None))
    if issued and issued > today:
        problems.append(FieldError(f"批复日期{issued}在今天之后", field="issued_on", value=str(issued)))
    if issued and valid and valid < issued:
        problems.append(FieldError(f"有效期至{valid}早于批复日期{issued}", field="valid_until", value=str(valid)))
    if problems:
        raise InputRejected(problems)
    created = item is None
    old = None if created else {f: getattr(item, f) for f in APPROVAL_FIELDS}
    if item is None:
        last = project.approvals.aggregate(m=Max("sort"))["m"]
        item = ApprovalItem(project=project, sort=(last or 0) + 1)
    for key, value in clean.items():
        setattr(item, key, value)
    if not audit.save_tracked(item, APPROVAL_FIELDS, old, object_type="approval", actor=actor_name(user),
                              label=f"{label(project)} · {item.kind}", plan_code=project.plan.code):
        return item
    _advance_when_ready(project, user, today)
    bump_revision(project.plan)
    return item


def _advance_when_ready(project: Project, user: Any, today: dt.date) -> None:
    if project.stage not in (rules.PLANNING, rules.PREPARATION):
        return
    if not rules.ready_to_start(project.approvals.values_list("kind", "required", "status")):
        return
    old = project.stage
    project.stage = rules.READY
    project.version += 1
    project.save(update_fields=["stage", "version", "updated_at"])
    _stage_entry(project, old, today, "前期手续已全部办结", user)
    audit.record("stage", OBJECT, project.pk, {"stage": [old, rules.READY]}, actor_name(user), label(project),
                 project.plan.code)


@transaction.atomic
def delete_approval(item: ApprovalItem, user: Any = None) -> None:
    """Remove a line of the checklist that does not apply to this project."""
    project = lock(item.project)
    require_project(user, project, REPORT)
    audit.record("delete", "approval", item.pk, {"kind": [item.kind, None]}, actor_name(user),
                 f"{label(project)} · {item.kind}", project.plan.code)
    item.delete()
    bump_revision(project.plan)


# -- problems (存在问题) ---------------------------------------------------------------------

PROBLEM_FIELDS = ("title", "kind", "needs_coordination", "responsible_unit_id", "deadline", "status", "resolution",
                  "resolved_on", "raised_period")


@transaction.atomic
def save_problem(project: Project, data: Mapping[str, Any], user: Any = None, item: ProjectProblem | None = None,
                 expected_version: int | None = None, *, today: dt.date | None = None) -> ProjectProblem:
    """Record (``item`` None) or update a problem holding the project back, up to its resolution (已解决)."""
    from shigongtu.lib.periods import parse_period
    from shigongtu.projects.models.project import PROBLEM_KINDS, PROBLEM_STATUSES

    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, REPORT)
    open_plan(project.plan)
    if item is not None:
        item = ProjectProblem.objects.select_for_update().get(pk=item.pk, project=project)
        if expected_version is not None and item.version != expected_version:
            raise Conflict("问题记录", item.version)
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
    for key in ("deadline", "resolved_on"):
        if key in data:
            clean[key] = _date(data, key, problems)
    if data.get("raised_period"):
        try:
            clean["raised_period"] = parse_period(data["raised_period"]).key
        except ValueError as exc:
            problems.append(FieldError(str(exc), field="raised_period", value=data["raised_period"]))
    if "responsible_unit" in data:
        unit = data["responsible_unit"]
        if isinstance(unit, str) and unit.strip():
            from shigongtu.plans.services import find_unit

            unit = find_unit(unit, project.plan.unit)
            if unit is None:
                problems.append(FieldError(f"单位「{data['responsible_unit']}」不存在", field="responsible_unit",
                                        value=data["responsible_unit"]))
        clean["responsible_unit_id"] = unit.pk if isinstance(unit, OrgUnit) else None
    if clean.get("resolved_on") and clean["resolved_on"] > today:
        problems.append(FieldError("解决日期在今天之后", field="resolved_on", value=str(clean["resolved_on"])))
    if problems:
        raise InputRejected(problems)
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


# The ledgers' row functions live with their bulk writers; the ledger engine finds every row
# function here.
from shigongtu.projects.bulk.investment import (  # noqa: E402
    apply_investment_rows,
    validate_investment_row,
    validate_investment_rows,
)
from shigongtu.projects.bulk.projects import (  # noqa: E402
    apply_project_rows,
    assigned_values,
    stage_flags,
    validate_project_row,
    validate_project_rows,
)

__all__ = [
    "apply_investment_rows",
    "apply_project_rows",
    "change_stage",
    "save_approval",
    "save_problem",
    "save_project",
    "validate_investment_row",
    "validate_investment_rows",
    "validate_project_row",
    "validate_project_rows",
]
