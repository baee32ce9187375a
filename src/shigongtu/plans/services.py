"""Writes to the blueprint: plans, nodes, indicators and the monthly report workflow.

Every function runs in one transaction, validates everything before writing,
re-checks the user's scope inside the transaction and appends to the change history.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import MANAGE, REPORT, Scope
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue, RollupDelta
from shigongtu.plans.rules.indicators import validate_curve

CODE_RE = re.compile(r"^\d+(\.\d+)*$")
PLAN_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$")
NODE_FIELDS = ("title", "lead_unit_id", "leader", "start", "due", "weight", "cancelled", "notes")
REPORT_FIELDS = ("progress", "narrative", "problems", "next_steps", "status")


def actor_name(user: Any) -> str:
    return getattr(user, "username", None) or "system"


def bump_revision(plan: Plan, node_id: int | None = None) -> None:
    """Mark the plan changed so cached roll-ups refresh (incrementally when ``node_id`` is given)."""
    Plan.objects.filter(pk=plan.pk).update(revision=F("revision") + 1)
    plan.refresh_from_db(fields=["revision"])
    RollupDelta.objects.create(plan=plan, revision=plan.revision, node_id=node_id)


def _require(user: Any, plan: Plan, action: str) -> None:
    if user is None:  # system jobs (demo, CLI without a user) act with full rights
        return
    if not Plan.objects.for_user(user, action).filter(pk=plan.pk).exists():
        raise NotAllowed(f"no {action} right on plan {plan.code}")


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


def _as_date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputRejected(f"日期格式应为 YYYY-MM-DD：{value}", field=field, value=value) from exc


def _as_weight(value: Any) -> Decimal:
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InputRejected(f"权重应为不小于0的数：{value}", field="weight", value=value) from exc
    if not weight.is_finite() or weight < 0:
        raise InputRejected(f"权重应为不小于0的数：{value}", field="weight", value=value)
    return weight


def validate_node_fields(data: dict[str, Any], *, start: dt.date | None, due: dt.date | None) -> list[FieldError]:
    problems = []
    if "title" in data and not str(data["title"] or "").strip():
        problems.append(FieldError("任务名称不能为空", field="title", value=data["title"]))
    if start and due and due < start:
        problems.append(FieldError(f"完成时限 {due} 早于开始时间 {start}", field="due", value=str(due)))
    return problems


@transaction.atomic
def save_node(plan: Plan, code: str, data: dict[str, Any], user: Any = None,
              expected_version: int | None = None) -> tuple[Node, bool]:
    """Create or update the node ``code`` of ``plan``; returns (node, created).

    ``data`` may hold title, lead_unit (an OrgUnit or None), leader, start, due, weight,
    cancelled, notes. A stale ``expected_version`` raises Conflict.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require(user, plan, MANAGE)
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能修改", field="plan", value=plan.code)
    code = str(code).strip()
    if not CODE_RE.match(code):
        raise InputRejected("编号应为以点分隔的数字，如 1、1.2、1.2.3", field="code", value=code)
    node = Node.objects.filter(plan=plan, code=code).first()
    created = node is None
    if node is not None and expected_version is not None and node.version != expected_version:
        raise Conflict(f"任务 {code} ", node.version)
    parent = None
    if "." in code:
        parent = Node.objects.filter(plan=plan, code=code.rsplit(".", 1)[0]).first()
        if parent is None:
            raise InputRejected(f"上级编号 {code.rsplit('.', 1)[0]} 不存在", field="code", value=code)
    clean = dict(data)
    if "start" in clean:
        clean["start"] = _as_date(clean["start"], "start")
    if "due" in clean:
        clean["due"] = _as_date(clean["due"], "due")
    if "weight" in clean:
        clean["weight"] = _as_weight(clean["weight"])
    if "lead_unit" in clean:
        unit = clean.pop("lead_unit")
        clean["lead_unit_id"] = unit.pk if unit is not None else None
    start = clean.get("start", node.start if node else None)
    due = clean.get("due", node.due if node else None)
    problems = validate_node_fields(clean, start=start, due=due)
    if created and not str(clean.get("title", "")).strip():
        problems.append(FieldError("任务名称不能为空", field="title", value=clean.get("title")))
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
    _require(user, plan, MANAGE)
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
    problems = []
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = str(data["name"] or "").strip()
        if not out["name"]:
            problems.append(FieldError("指标名称不能为空", field="name", value=data["name"]))
    if "unit" in data:
        out["unit"] = str(data["unit"] or "").strip()
    if "kind" in data:
        kind = {"流量": "flow", "存量": "stock"}.get(str(data["kind"]).strip(), str(data["kind"]).strip().lower())
        if kind not in ("flow", "stock"):
            problems.append(FieldError("指标类型应为 流量/flow 或 存量/stock", field="kind", value=data["kind"]))
        out["kind"] = kind
    if "target" in data:
        try:
            target = Decimal(str(data["target"]))
            if not target.is_finite() or target <= 0:
                raise InvalidOperation
            out["target"] = target
        except (InvalidOperation, ValueError):
            problems.append(FieldError("目标值应为大于0的数", field="target", value=data["target"]))
    if "curve" in data:
        if data["curve"] in (None, "", []):
            out["curve"] = None
        else:
            try:
                out["curve"] = list(validate_curve([float(v) for v in data["curve"]]))
            except (ValueError, TypeError) as exc:
                problems.append(FieldError(f"分月计划无效：{exc}", field="curve", value=data["curve"]))
    for key in ("source", "source_options", "headline"):
        if key in data:
            out[key] = data[key]
    return out, problems


INDICATOR_FIELDS = ("name", "unit", "kind", "target", "curve", "source", "source_options", "headline")


@transaction.atomic
def save_indicator(node: Node, data: dict[str, Any], user: Any = None, indicator: Indicator | None = None,
                   expected_version: int | None = None) -> Indicator:
    """Create (``indicator`` None) or update an indicator on a node."""
    plan = Plan.objects.select_for_update().get(pk=node.plan_id)
    _require(user, plan, MANAGE)
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能修改", field="plan", value=plan.code)
    clean, problems = _indicator_data(data)
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


def parse_progress(value: Any, field: str = "progress") -> Decimal:
    text = str(value).strip().rstrip("%％") if value is not None else ""
    try:
        progress = Decimal(text)
    except (InvalidOperation, ValueError):
        raise InputRejected(f"进度应为0到100之间的数：{value}", field=field, value=value) from None
    if not progress.is_finite() or progress < 0 or progress > 100:
        raise InputRejected(f"进度应为0到100之间的数：{value}", field=field, value=value)
    return progress


def check_period(plan: Plan, period: str, field: str = "period") -> str:
    try:
        p = Period.parse(str(period))
    except ValueError:
        raise InputRejected(f"填报月份应为 YYYY-MM：{period}", field=field, value=period) from None
    if p.year != plan.year:
        raise InputRejected(f"填报月份 {p.key} 不在施工图年度 {plan.year} 内", field=field, value=period)
    return p.key


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
        if raw in (None, ""):
            continue
        try:
            v = Decimal(str(raw).replace(",", ""))
            if not v.is_finite():
                raise InvalidOperation
            out[ind.pk] = v
        except (InvalidOperation, ValueError):
            problems.append(FieldError(f"指标「{name}」的值应为数字", field=f"values.{name}", value=raw))
    return out, problems


@transaction.atomic
def file_report(node: Node, period: str, data: dict[str, Any], user: Any = None, *, submit: bool = True,
                report: Report | None = None, expected_version: int | None = None) -> Report:
    """File (or edit) a node's report for a month; ``submit`` sends it for review at once.

    Edits of a submitted/approved report are refused: a correction is a new report
    for the same period, which replaces the earlier one in the roll-up.
    """
    plan = Plan.objects.select_for_update().get(pk=node.plan_id)
    if user is not None and not Node.objects.for_user(user, REPORT).filter(pk=node.pk).exists():
        raise NotAllowed("no report right on this node")
    node.refresh_from_db()
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能填报", field="plan", value=plan.code)
    if node.cancelled or Node.objects.filter(plan=plan, cancelled=True, code__in=_ancestor_codes(node.code)).exists():
        raise InputRejected(f"任务 {node.code} 已取消，不能填报", field="node", value=node.code)
    period = check_period(plan, period)
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
    if report is not None:
        report = Report.objects.select_for_update().get(pk=report.pk)
        if expected_version is not None and report.version != expected_version:
            raise Conflict(f"{node.code} {period} 月报", report.version)
        if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
            raise InputRejected("已提交的月报不能修改；如需更正请重新填报", field="status", value=report.status)
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


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@transaction.atomic
def review_report(report: Report, approve: bool, user: Any = None, reason: str = "",
                  expected_version: int | None = None) -> Report:
    """Approve a submitted report, or return it to the reporter with a reason (退回)."""
    report = Report.objects.select_for_update().select_related("node", "node__plan").get(pk=report.pk)
    plan = report.node.plan
    _require(user, plan, MANAGE)
    if expected_version is not None and report.version != expected_version:
        raise Conflict(f"{report.node.code} {report.period} 月报", report.version)
    if report.status != Report.Status.SUBMITTED:
        raise InputRejected("只有已提交的月报可以审核", field="status", value=report.status)
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
    _require(user, plan, MANAGE)
    if status not in Plan.Status.values:
        raise InputRejected(f"未知状态：{status}", field="status", value=status)
    if plan.status != status:
        audit.record("status", "plan", plan.pk, {"status": [plan.status, status]}, actor_name(user),
                     plan.code, plan.code)
        plan.status = status
        plan.version += 1
        plan.save(update_fields=["status", "version", "updated_at"])
    return plan
