"""Writes to the blueprint: plans, nodes, indicators and the monthly report workflow.

Every function runs in one transaction, validates everything before writing,
re-checks the user's scope inside the transaction and appends to the change history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed, ValueProblem
from shigongtu.orgs.access import MANAGE, REPORT, Scope, locked, require
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import fields
from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue, RollupDelta, StatisticValue
from shigongtu.plans.readmodel import ASPECTS, INVESTMENT, SIDES

PLAN_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")
NODE_FIELDS = ("title", "lead_unit_id", "leader", "start", "due", "weight", "cancelled", "notes", "progress_source")
REPORT_FIELDS = ("progress", "narrative", "problems", "next_steps", "status")


def actor_name(user: Any) -> str:
    return getattr(user, "username", None) or "system"


def bump_revision(plan: Plan, node_id: int | None = None, *, projects: bool | Collection[int] = False,
                  aspect: str = "") -> None:
    """Mark the plan changed and journal what changed, so the read model refreshes only what it
    touches: ``node_id`` — that leaf's reports; ``projects`` — only the project library's data
    (True: any project; ids: those projects), with ``aspect="investment"`` only their monthly
    investment reports; ``aspect`` one of ``readmodel.SIDES`` alone — only that record type;
    none of these — anything (a full rebuild).

    The revision is added to and read back in one statement (``UPDATE … RETURNING``; the row stays
    locked to the end of the transaction, so concurrent writers get consecutive numbers); on
    PostgreSQL the journal entry goes in the same statement too."""
    if aspect not in ASPECTS or (aspect == INVESTMENT and not projects) or (aspect in SIDES and (
            projects or node_id is not None)):
        raise ValueError(f"bump_revision: aspect {aspect!r} does not fit node {node_id} / projects {projects!r}")
    ids = set(projects) if not isinstance(projects, bool) else set()
    whole_library = node_id is None and bool(projects or ids)
    one_project = next(iter(ids)) if node_id is None and len(ids) == 1 else None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                'WITH bumped AS (UPDATE "plans_plan" SET revision = revision + 1 WHERE id = %s RETURNING revision) '
                'INSERT INTO "plans_rollupdelta" (plan_id, revision, node_id, projects, project_id, aspect) '
                "SELECT %s::bigint, revision, %s::bigint, %s::boolean, %s::bigint, %s FROM bumped RETURNING revision",
                [plan.pk, plan.pk, node_id, whole_library, one_project, aspect])
            plan.revision = _returned(cursor, plan.pk)
            return
        cursor.execute('UPDATE "plans_plan" SET revision = revision + 1 WHERE id = %s RETURNING revision', [plan.pk])
        plan.revision = _returned(cursor, plan.pk)
    RollupDelta.objects.create(plan=plan, revision=plan.revision, node_id=node_id, projects=whole_library,
                               project_id=one_project, aspect=aspect)


def _returned(cursor: Any, plan_id: int) -> int:
    row = cursor.fetchone()
    if row is None:
        raise Plan.DoesNotExist(f"plan {plan_id}")
    return int(row[0])


def ensure_open(plan: Plan) -> Plan:
    """Refuse any change to a closed plan (已关闭): the one wording every writer (plans, projects, ledgers) uses."""
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能修改", field="plan", value=plan.code)
    return plan


def ensure_unit(name: str, parent: OrgUnit | None, kind: str = OrgUnit.Kind.DEPARTMENT) -> OrgUnit:
    unit = OrgUnit.objects.filter(parent=parent, name=name).first()
    if unit is None:
        unit = OrgUnit(name=name, parent=parent, kind=kind)
        unit.save()
    return unit


def find_unit(name: str, within: OrgUnit) -> OrgUnit | None:
    """The unit called ``name`` inside ``within``'s tree, or the nearest above it."""
    name = name.strip()
    found = list(OrgUnit.objects.filter(name=name, path__startswith=within.path).order_by("depth")[:2])
    if found:
        return found[0]
    return OrgUnit.objects.filter(name=name, pk__in=within.ancestor_ids).first()


@transaction.atomic
def create_plan(code: str, name: str, year: int, unit_name: str | None = None, user: Any = None,
                unit: OrgUnit | None = None) -> Plan:
    """Start a year's empty plan; the org unit is created (at the top) when missing."""
    problems = []
    if not PLAN_CODE_RE.match(code or ""):
        problems.append(FieldError("编号只能包含字母、数字、-、_、.，最长50个字符", field="code", value=code))
    elif Plan.objects.filter(code=code).exists():
        problems.append(FieldError(f"编号 {code} 已存在", field="code", value=code))
    if not (name or "").strip():
        problems.append(FieldError("名称不能为空", field="name", value=name))
    if not 2000 <= int(year) <= 2100:
        problems.append(FieldError("年度应在2000至2100之间", field="year", value=year))
    if problems:
        raise InputRejected(problems)
    if unit is None:
        unit_name = (unit_name or name).strip()
        unit = OrgUnit.objects.filter(name=unit_name).order_by("depth").first() or ensure_unit(
            unit_name, None, OrgUnit.Kind.DISTRICT
        )
    if user is not None and not Scope.of(user).can_manage_unit(unit.path):
        raise NotAllowed("no manage right on the unit")
    plan = Plan.objects.create(code=code, name=name.strip(), year=int(year), unit=unit)
    audit.record("create", "plan", plan.pk, {"code": code, "name": plan.name, "year": plan.year,
                                             "unit": unit.name}, actor_name(user), plan.code, plan.code)
    return plan


def _date_order(start: dt.date | None, due: dt.date | None) -> list[FieldError]:
    try:
        fields.check_dates(start, due)
    except ValueProblem as exc:
        return [fields.problem("due", str(due), exc)]
    return []


def _node_and_parent(plan: Plan, code: str, create_only: bool,
                     expected_version: int | None) -> tuple[Node | None, Node | None]:
    """The node ``code`` (None: new) and its parent, in one query; refuses a taken code on a create,
    a stale version on an edit and a missing parent."""
    parent_code = code.rsplit(".", 1)[0] if "." in code else None
    found = {n.code: n for n in Node.objects.filter(plan=plan, code__in=[code, parent_code or code])}
    node = found.get(code)
    if node is not None and create_only:
        raise InputRejected(f"编号 {code} 已存在", field="code", value=code)
    if node is not None and expected_version is not None and node.version != expected_version:
        raise Conflict(f"任务 {code} ", node.version)
    parent = found.get(parent_code) if parent_code is not None else None
    if parent_code is not None and parent is None:
        raise InputRejected(f"上级编号 {parent_code} 不存在", field="code", value=code)
    return node, parent


@transaction.atomic
def save_node(plan: Plan, code: str, data: dict[str, Any], user: Any = None,
              expected_version: int | None = None, *, create_only: bool = False) -> tuple[Node, bool]:
    """Create or update the node ``code`` of ``plan``; returns (node, created).

    ``data`` may hold title, lead_unit (an OrgUnit or None), leader, start, due, weight,
    cancelled, notes, progress_source (进度来源: reports, indicator — only on a node that has an
    indicator — or projects). A stale ``expected_version`` raises Conflict; ``create_only``
    refuses a code that exists (the API's create).
    """
    plan = locked(Plan, user, MANAGE, plan.pk)
    ensure_open(plan)
    try:
        code = fields.read_code(code)
    except ValueProblem as exc:
        raise InputRejected(fields.problem("code", str(code).strip(), exc)) from None
    node, parent = _node_and_parent(plan, code, create_only, expected_version)
    created = node is None
    if created and "title" not in data:
        data = {**data, "title": ""}  # a new node needs its title
    clean, problems = fields.clean(fields.NODE_FIELDS, data)
    if "lead_unit" in clean:
        unit = clean.pop("lead_unit")
        clean["lead_unit_id"] = unit.pk if unit is not None else None
    if not problems:
        problems = _date_order(clean.get("start", node.start if node else None),
                               clean.get("due", node.due if node else None))
    if clean.get("progress_source") == Node.ProgressSource.INDICATOR and (
            node is None or not Indicator.objects.filter(node=node).exists()):
        problems.append(FieldError(f"任务 {code} 没有指标，进度来源不能为“指标”", field="progress_source",
                                   value=clean["progress_source"],
                                   message_en=f"task {code} has no indicator, so its progress cannot come from one"))
    if problems:
        raise InputRejected(problems)
    old = None if created else {f: getattr(node, f) for f in NODE_FIELDS}
    if node is None:
        node = Node(plan=plan, code=code, parent=parent)
    for key, value in clean.items():
        if key in NODE_FIELDS:
            setattr(node, key, value.strip() if isinstance(value, str) else value)
    new = {f: getattr(node, f) for f in NODE_FIELDS}
    changes = audit.diff(old, new)
    if not changes and not created:
        return node, False
    if not created:
        node.version += 1
    node.save()
    audit.record("create" if created else "update", "node", node.pk, changes, actor_name(user),
                 f"{code} {node.title}", plan.code)
    bump_revision(plan)
    return node, created


@transaction.atomic
def move_node(node: Node, new_parent_code: str | None, user: Any = None) -> Node:
    """Move a node (with its subtree) under another parent; its code is renumbered under the new parent."""
    plan = Plan.objects.select_for_update().get(pk=node.plan_id)
    require(user, plan, MANAGE)
    node.refresh_from_db()
    if new_parent_code in (None, ""):
        new_parent = None
    else:
        new_parent = Node.objects.filter(plan=plan, code=new_parent_code).first()
        if new_parent is None:
            raise InputRejected(f"上级编号 {new_parent_code} 不存在", field="parent", value=new_parent_code)
        if new_parent.pk == node.pk or new_parent.code.startswith(node.code + "."):
            raise InputRejected("不能把任务移到它自己或它的下级之下", field="parent", value=new_parent_code)
    last = node.code.rsplit(".", 1)[-1]
    new_code = f"{new_parent.code}.{last}" if new_parent else last
    if new_code != node.code and Node.objects.filter(plan=plan, code=new_code).exists():
        raise InputRejected(f"编号 {new_code} 已存在", field="parent", value=new_parent_code)
    old_code = node.code
    subtree = list(Node.objects.filter(plan=plan, code__startswith=old_code + "."))
    node.code, node.parent, node.version = new_code, new_parent, node.version + 1
    node.save()
    for child in subtree:
        child.code = new_code + child.code[len(old_code):]
        child.save()
    audit.record("move", "node", node.pk, {"code": [old_code, new_code]}, actor_name(user), new_code, plan.code)
    bump_revision(plan)
    return node


def _indicator_data(data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    known = {k: v for k, v in data.items() if k in INDICATOR_FIELDS}
    out, problems = fields.clean(fields.INDICATOR_FIELDS, known)
    if "unit" in out:
        out["unit"] = str(out["unit"] or "").strip()
    return out, problems


INDICATOR_FIELDS = ("name", "unit", "kind", "target", "curve", "source", "source_options", "headline", "baseline",
                    "due", "cumulative")


def _indicator_rules(plan: Plan, clean: dict[str, Any], indicator: Indicator | None) -> list[FieldError]:
    """The checks that join an indicator's fields: the kind's target rule and the due date's year."""
    problems: list[FieldError] = []
    kind = clean.get("kind", indicator.kind if indicator else Indicator.Kind.FLOW)
    target = clean.get("target", indicator.target if indicator else None)
    baseline = clean.get("baseline", indicator.baseline if indicator else Decimal(0))
    found = fields.check_indicator(kind, target, baseline)
    if found is not None:
        name, exc = found
        name = name if name in clean or name != "baseline" else "target"
        problems.append(fields.problem(name, clean.get(name), exc))
    try:
        fields.check_indicator_due(clean.get("due"), plan.year)
    except ValueProblem as exc:
        problems.append(fields.problem("due", str(clean.get("due")), exc))
    return problems


@transaction.atomic
def save_indicator(node: Node, data: dict[str, Any], user: Any = None, indicator: Indicator | None = None,
                   expected_version: int | None = None) -> Indicator:
    """Create (``indicator`` None) or update an indicator (指标) on a node: name, unit, kind
    (流量/存量/增速), target, baseline (基数), plan curve (分月计划), due date (指标完成时限) within
    the plan year, cumulative (累计值). A stock's baseline must differ from its target; a rate's
    target is above 0."""
    plan = Plan.objects.select_for_update().get(pk=node.plan_id)
    require(user, plan, MANAGE)
    ensure_open(plan)
    clean, problems = _indicator_data(data)
    if not problems:
        problems = _indicator_rules(plan, clean, indicator)
    if indicator is None:
        for key in ("name", "target"):
            if key not in clean and not any(p.field == key for p in problems):
                problems.append(FieldError(f"缺少{ {'name': '指标名称', 'target': '目标值'}[key]}", field=key))
    elif expected_version is not None and indicator.version != expected_version:
        raise Conflict(f"指标 {indicator.name} ", indicator.version)
    name = clean.get("name", indicator.name if indicator else None)
    dup = Indicator.objects.filter(plan=plan, name=name)
    if indicator is not None:
        dup = dup.exclude(pk=indicator.pk)
    if name and dup.exists():
        problems.append(FieldError(f"本施工图已有名为「{name}」的指标", field="name", value=name))
    if problems:
        raise InputRejected(problems)
    created = indicator is None
    old = None if created else {f: getattr(indicator, f) for f in INDICATOR_FIELDS}
    if indicator is None:
        indicator = Indicator(plan=plan, node=node)
    for key, value in clean.items():
        setattr(indicator, key, value)
    if not audit.save_tracked(indicator, INDICATOR_FIELDS, old, object_type="indicator", actor=actor_name(user),
                              label=f"{node.code} {indicator.name}", plan_code=plan.code):
        return indicator
    bump_revision(plan)
    return indicator


@transaction.atomic
def save_statistic(indicator: Indicator, period: Any, value: Any, yoy: Any = None, user: Any = None,
                   expected_version: int | None = None) -> tuple[StatisticValue, bool]:
    """Record the statistics bureau's figure (统计数据) of an indicator for a month; returns
    (figure, created). ``period`` is read as a statistics month (``2023-06``, ``2023年1-6月``,
    ``1-6月``) in the plan year; ``value`` is in the indicator's unit (for a cumulative indicator
    the 1–N月累计 total); ``yoy`` the published 同比增长 in %. It replaces a reported value of the
    same indicator and month in every judgement."""
    plan = Plan.objects.select_for_update().get(pk=indicator.plan_id)
    require(user, plan, MANAGE)
    ensure_open(plan)
    problems: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, raw, read in (("period", period, lambda r: fields.read_statistic_period(r, plan.year)),
                            ("value", value, lambda r: fields.read_value(indicator.name, r)),
                            ("yoy", yoy, fields.read_yoy)):
        try:
            clean[name] = read(raw)
        except ValueProblem as exc:
            problems.append(fields.problem(name, raw, exc))
    if not problems and clean["value"] is None:
        problems.append(FieldError("必填：本期值", field="value", value=value, message_en="required: value"))
    if problems:
        raise InputRejected(problems)
    key = clean["period"].key
    figure = StatisticValue.objects.select_for_update().filter(indicator=indicator, period=key).first()
    created = figure is None
    if figure is not None and expected_version is not None and figure.version != expected_version:
        raise Conflict(f"{indicator.name} {key} 统计数据", figure.version)
    old = None if figure is None else {"value": figure.value, "yoy": figure.yoy}
    if figure is None:
        figure = StatisticValue(plan=plan, indicator=indicator, period=key)
    figure.value, figure.yoy = clean["value"], clean["yoy"]
    changes = audit.diff(old, {"value": figure.value, "yoy": figure.yoy})
    if not changes and not created:
        return figure, False
    if not created:
        figure.version += 1
    figure.save()
    audit.record("create" if created else "update", "statistic", figure.pk, changes, actor_name(user),
                 f"{indicator.name} {key}", plan.code)
    bump_revision(plan)
    return figure, created


def parse_progress(value: Any, field: str = "progress") -> Decimal:
    """A report's progress (进度), 0–100, or InputRejected naming ``field``."""
    try:
        return fields.read_progress(value)
    except ValueProblem as exc:
        raise InputRejected(fields.problem(field, value, exc)) from None


def check_period(plan: Plan, period: str, field: str = "period") -> str:
    """A report month (填报月份) in the plan's year, as ``YYYY-MM``; InputRejected naming ``field`` if not."""
    try:
        return fields.read_period(period, plan.year).key
    except ValueProblem as exc:
        raise InputRejected(fields.problem(field, period, exc)) from None


def next_seq() -> int:
    return int(Report.objects.aggregate(m=Max("submitted_seq"))["m"] or 0) + 1


def _values_for(plan: Plan, values: dict[str, Any] | None) -> tuple[dict[int, Decimal], list[FieldError]]:
    out: dict[int, Decimal] = {}
    problems: list[FieldError] = []
    if not values:
        return out, problems
    by_name = {i.name: i for i in Indicator.objects.filter(plan=plan)}
    for name, raw in values.items():
        ind = by_name.get(str(name).strip())
        if ind is None:
            problems.append(FieldError(f"本施工图没有名为「{name}」的指标", field=f"values.{name}", value=raw))
            continue
        try:
            value = fields.read_value(str(name), raw)
        except ValueProblem as exc:
            problems.append(fields.problem(f"values.{name}", raw, exc))
            continue
        if value is not None:
            out[ind.pk] = value
    return out, problems


def _report_input(plan: Plan, data: dict[str, Any]) -> tuple[Decimal, dict[int, Decimal]]:
    """A report's progress and indicator values, every problem with them named at once."""
    problems: list[FieldError] = []
    progress = None
    try:
        progress = parse_progress(data.get("progress"))
    except InputRejected as exc:
        problems.extend(exc.problems)
    values, value_problems = _values_for(plan, data.get("values"))
    problems.extend(value_problems)
    if problems:
        raise InputRejected(problems)
    assert progress is not None
    return progress, values


def _editable_report(node: Node, period: str, report: Report, expected_version: int | None) -> Report:
    """The report to edit, locked: still a draft or returned (退回), and the version the editor saw."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and report.version != expected_version:
        raise Conflict(f"{node.code} {period} 月报", report.version)
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise InputRejected("已提交的月报不能修改；如需更正请重新填报", field="status", value=report.status)
    return report


@transaction.atomic
def file_report(node: Node, period: str, data: dict[str, Any], user: Any = None, *, submit: bool = True,
                report: Report | None = None, expected_version: int | None = None) -> Report:
    """File (or edit) a node's report for a month; ``submit`` sends it for review at once.

    Edits of a submitted/approved report are refused: a correction is a new report
    for the same period, which replaces the earlier one in the roll-up.
    """
    plan = Plan.objects.select_for_update().get(pk=node.plan_id)
    require(user, node, REPORT)
    node.refresh_from_db()
    ensure_open(plan)
    if node.cancelled or Node.objects.filter(plan=plan, cancelled=True, code__in=_ancestor_codes(node.code)).exists():
        raise InputRejected(f"任务 {node.code} 已取消，不能填报", field="node", value=node.code)
    period = check_period(plan, period)
    progress, values = _report_input(plan, data)
    if report is not None:
        report = _editable_report(node, period, report, expected_version)
    created = report is None
    old = None if created else {f: getattr(report, f) for f in REPORT_FIELDS}
    old_values = (
        {} if report is None else {v.indicator.name: v.value for v in report.values.select_related("indicator")}
    )
    if report is None:
        report = Report(node=node, period=period, created_at=timezone.now())
    report.period = period
    report.progress = progress
    for key in ("narrative", "problems", "next_steps"):
        if key in data:
            setattr(report, key, str(data[key] or "").strip())
    if submit:
        report.status = Report.Status.SUBMITTED
        report.submitted_seq = next_seq()
        report.submitted_at = timezone.now()
        report.submitted_by = user if getattr(user, "pk", None) else None
    else:
        report.status = Report.Status.DRAFT
    if not created:
        report.version += 1
    report.save()
    names = {}
    if values:
        for ind_id, value in values.items():
            ReportValue.objects.update_or_create(report=report, indicator_id=ind_id, defaults={"value": value})
        names = dict(Indicator.objects.filter(pk__in=values).values_list("pk", "name"))
    new = {f: getattr(report, f) for f in REPORT_FIELDS}
    changes = audit.diff(old, new)
    for ind_id, value in values.items():
        before = old_values.get(names[ind_id])
        if before is None or before != value:
            changes[f"指标:{names[ind_id]}"] = [None if before is None else str(before), str(value)]
    audit.record("submit" if submit else "draft", "report", report.pk, changes, actor_name(user),
                 f"{node.code} {period}", plan.code)
    bump_revision(plan, node.pk if not values else None)
    return report


def refuse_own_work(user: Any, filed_by_id: int | None) -> None:
    """Separation of duties (审核与填报分离): whoever filed a report may not approve it, at any step."""
    if filed_by_id is not None and getattr(user, "pk", None) == filed_by_id:
        raise NotAllowed("the filer may not approve their own report",
                         message="填报人不能审核通过自己填报的月报，请由其他人员审核")


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@transaction.atomic
def review_report(report: Report, approve: bool, user: Any = None, reason: str = "",
                  expected_version: int | None = None) -> Report:
    """Approve a submitted report, or return it to the reporter with a reason (退回).

    Locks the plan before the report, the order file_report takes them, so filing and
    reviewing the same report queue behind each other instead of deadlocking.
    """
    list(Plan.objects.select_for_update().filter(pk=report.node.plan_id).values_list("pk", flat=True))
    report = Report.objects.select_for_update().select_related("node", "node__plan").get(pk=report.pk)
    plan = report.node.plan
    require(user, plan, MANAGE)
    if expected_version is not None and report.version != expected_version:
        raise Conflict(f"{report.node.code} {report.period} 月报", report.version)
    if report.status != Report.Status.SUBMITTED:
        raise InputRejected("只有已提交的月报可以审核", field="status", value=report.status)
    if approve:
        refuse_own_work(user, report.submitted_by_id)
    if not approve and not reason.strip():
        raise InputRejected("退回时请填写原因", field="reason", value=reason)
    old_status = report.status
    report.status = Report.Status.APPROVED if approve else Report.Status.RETURNED
    report.return_reason = "" if approve else reason.strip()
    report.reviewed_at = timezone.now()
    report.reviewed_by = user if getattr(user, "pk", None) else None
    report.version += 1
    report.save()
    changes = {"status": [old_status, report.status]}
    if not approve:
        changes["return_reason"] = ["", report.return_reason]
    audit.record("approve" if approve else "return", "report", report.pk, changes, actor_name(user),
                 f"{report.node.code} {report.period}", plan.code)
    has_values = report.values.exists()
    bump_revision(plan, None if (has_values and not approve) else report.node_id)
    return report


@transaction.atomic
def set_plan_status(plan: Plan, status: str, user: Any = None) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, plan, MANAGE)
    if status not in Plan.Status.values:
        raise InputRejected(f"未知状态：{status}", field="status", value=status)
    if plan.status != status:
        audit.record("status", "plan", plan.pk, {"status": [plan.status, status]}, actor_name(user),
                     plan.code, plan.code)
        plan.status = status
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated_at"])
    return plan
