"""API for the blueprint: plans, tree, warnings, nodes, indicators and reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from shigongtu.api import paging
from shigongtu.api.types import Code, Day, Depth, Id, Limit, Name, Number, Offset, Period, Text, Version, Year
from shigongtu.audit import services as audit
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import browse, services
from shigongtu.plans.documents import tree_document, warnings_document
from shigongtu.plans.figures import report_months
from shigongtu.plans.models import Indicator, Node, Plan, Report, StatisticValue, code_sort_key
from shigongtu.plans.selectors import default_as_of, get_rollup
from shigongtu.utilities import keyset
from shigongtu.utilities.cache import cached_for_plan

router = Router(tags=["blueprint"])
Light = Literal["red", "yellow", "green", "pending", "done", "cancelled"]


class PlanOut(Schema):
    code: str
    name: str
    year: int
    status: str
    unit: str
    version: int

    @staticmethod
    def resolve_unit(obj: Plan) -> str:
        return obj.unit.name


class PlanIn(Schema):
    code: Code
    name: Name
    year: Year
    org: Name | None = None


class NodeOut(Schema):
    code: str
    parent: str | None
    title: str
    lead_unit: str | None
    leader: str
    start: dt.date | None
    due: dt.date | None
    weight: Decimal
    cancelled: bool
    notes: str
    progress_source: str
    version: int

    @staticmethod
    def resolve_parent(obj: Node) -> str | None:
        return obj.parent_code

    @staticmethod
    def resolve_lead_unit(obj: Node) -> str | None:
        return obj.lead_unit.name if obj.lead_unit_id and obj.lead_unit else None


class NodeIn(Schema):
    code: Code | None = None
    title: Name | None = None
    lead_unit: Name | None = None
    leader: Name | None = None
    start: Day | None = None
    due: Day | None = None
    weight: Number | None = None  # read by plans.fields (one rule, one wording)
    cancelled: bool = False  # never null: a node is cancelled or it is not
    notes: Text | None = None
    progress_source: Code | None = None  # reports | indicator | projects (进度来源)


class NodeEdit(NodeIn):
    """A change to a node: only the fields given change; ``version`` is the one last read (乐观锁)."""

    version: Version


class MoveIn(Schema):
    parent: Code | None


class IndicatorSchema(Schema):
    id: int
    node: str
    name: str
    unit: str
    kind: str
    target: Decimal
    baseline: Decimal
    due: dt.date | None
    cumulative: bool
    curve: list[float] | None
    source: str
    version: int

    @staticmethod
    def resolve_node(obj: Indicator) -> str:
        return obj.node.code


class IndicatorIn(Schema):
    name: Name | None = None
    unit: Code | None = None
    kind: Code | None = None
    target: Number | None = None
    baseline: Number | None = None  # 基数 (stock): last year's level
    due: Day | None = None  # 指标完成时限, within the plan year
    cumulative: bool | None = None  # period values are 1–N月累计 totals
    curve: list[float] | None = Field(None, max_length=12)


class IndicatorEdit(IndicatorIn):
    version: Version


class StatisticOut(Schema):
    indicator: str
    period: str
    value: Decimal
    yoy: Decimal | None
    version: int

    @staticmethod
    def resolve_indicator(obj: StatisticValue) -> str:
        return obj.indicator.name


class StatisticIn(Schema):
    period: str  # 2023-06, 2023年6月, 2023年1-6月 or 1-6月
    value: Decimal | str
    yoy: Decimal | str | None = None
    version: int | None = None


class ReportOut(Schema):
    id: int
    node: str
    period: str
    status: str
    progress: Decimal
    narrative: str
    problems: str
    next_steps: str
    return_reason: str
    submitted_at: dt.datetime | None
    version: int
    values: dict[str, Decimal]

    @staticmethod
    def resolve_node(obj: Report) -> str:
        return obj.node.code

    @staticmethod
    def resolve_values(obj: Report) -> dict[str, Decimal]:
        return {v.indicator.name: v.value for v in obj.values.all()}


class ReportIn(Schema):
    period: Period
    progress: Number | Code
    narrative: Text = ""
    problems: Text = ""
    next_steps: Text = ""
    values: dict[Name, Number | Code | None] = {}
    submit: bool = True


class ReportEdit(Schema):
    """A change to a draft or returned report: fields not given keep their value (never erased)."""

    progress: Number | Code | None = None
    narrative: Text | None = None
    problems: Text | None = None
    next_steps: Text | None = None
    values: dict[Name, Number | Code | None] = {}
    submit: bool = False
    version: Version


class ReturnIn(Schema):
    reason: Text
    version: Version | None = None


class VersionIn(Schema):
    version: Version | None = None


def _plan(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def _node(request: HttpRequest, plan: Plan, node_code: str, action: str = VIEW) -> Node:
    return scoped(
        Node.objects.select_related("lead_unit", "plan"), request.user, action, plan=plan, code=node_code
    )


def _as_of(plan: Plan, as_of: dt.date | None) -> dt.date:
    return as_of or default_as_of(plan)


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest) -> Any:
    return Plan.objects.for_user(request.user, VIEW).select_related("unit")


@router.post("/plans", response={201: PlanOut})
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    return 201, services.create_plan(payload.code, payload.name, payload.year, payload.org, user=request.user)


@router.get("/plans/{code}", response=PlanOut)
def get_plan(request: HttpRequest, code: str) -> Any:
    return _plan(request, code)


@router.get("/plans/{code}/tree")
def plan_tree(request: HttpRequest, code: str, as_of: Day | None = None, depth: Depth | None = None) -> Any:
    """The plan tree with roll-up (contract §4); ``depth`` limits levels (0 = fronts only)."""
    plan = _plan(request, code)
    return tree_document(plan, _as_of(plan, as_of), depth)


@router.get("/plans/{code}/warnings")
def plan_warnings(request: HttpRequest, code: str, as_of: Day | None = None) -> Any:
    plan = _plan(request, code)
    return warnings_document(plan, _as_of(plan, as_of))


@router.get("/plans/{code}/nodes", response=list[NodeOut], openapi_extra=paging.HEADERS_DOC)
def list_nodes(request: HttpRequest, response: HttpResponse, code: str, front: Code | None = None,
               under: Code | None = None, unit: Id | None = None, light: Light | None = None,
               q: Name | None = None, overdue: bool = False, depth: Depth | None = None, as_of: Day | None = None,
               limit: Limit = 1000, cursor: paging.Cursor | None = None) -> Any:
    """Nodes in code order, at most ``limit`` (1–1000) a page: ``front`` (a front's code) or ``under``
    (any node's code) keeps a subtree, ``unit`` a lead unit (id), ``light`` the nodes of that light at
    ``as_of``, ``q`` text in title or code, ``overdue`` the overdue ones, ``depth`` the levels down to
    it (0 = fronts). The total and the next page's cursor are in the headers."""
    plan = _plan(request, code)
    rollup = get_rollup(plan, _as_of(plan, as_of))
    index = browse.tree_index(rollup)
    for name, value in (("front", front), ("under", under)):
        if value and (value not in index.by_code or (name == "front" and "." in value)):
            raise InputRejected(f"施工图中没有{'战线' if name == 'front' else '任务'} {value}", field=name, value=value)
    if front and under and not (under == front or under.startswith(front + ".")):
        raise InputRejected(f"任务 {under} 不在战线 {front} 之下", field="under", value=under)
    query = browse.NodeQuery(q=(q or "").strip(), light=light or "", unit=unit, overdue=overdue,
                             under=under or front or "", max_depth=depth)
    positions = browse.matching(rollup, query)
    start = 0
    if cursor:
        try:
            start = browse.after(positions, rollup, keyset.decode(cursor, 1)[0])
        except (keyset.BadCursor, KeyError, TypeError):
            raise paging.bad_cursor(cursor) from None
    chosen = positions[start:start + limit]
    ids = [index.ids[p] for p in chosen]
    rows = {n.pk: n for n in Node.objects.filter(pk__in=ids).select_related("lead_unit")}
    more = start + limit < len(positions)
    paging.annotate(request, response, len(positions), keyset.encode([index.codes[chosen[-1]]]) if more else None)
    return [rows[i] for i in ids if i in rows]


def _node_data(plan: Plan, payload: NodeIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("code", None)
    data.pop("version", None)
    if "lead_unit" in data:
        name = data["lead_unit"]
        if name:
            unit = services.find_unit(name, plan.unit)
            if unit is None:
                raise InputRejected(f"单位「{name}」不存在", field="lead_unit", value=name)
            data["lead_unit"] = unit
        else:
            data["lead_unit"] = None
    for key in ("leader", "notes", "title"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


@router.post("/plans/{code}/nodes", response={201: NodeOut})
def create_node(request: HttpRequest, code: str, payload: NodeIn) -> Any:
    plan = _plan(request, code, MANAGE)
    if not payload.code:
        raise InputRejected("缺少编号", field="code")
    node, _ = services.save_node(plan, payload.code, _node_data(plan, payload), user=request.user, create_only=True)
    return 201, node


@router.get("/plans/{code}/nodes/{node_code}", response=NodeOut)
def get_node(request: HttpRequest, code: str, node_code: str) -> Any:
    return _node(request, _plan(request, code), node_code)


@router.patch("/plans/{code}/nodes/{node_code}", response=NodeOut)
def update_node(request: HttpRequest, code: str, node_code: str, payload: NodeEdit) -> Any:
    plan = _plan(request, code)
    node = _node(request, plan, node_code, MANAGE)
    node, _ = services.save_node(plan, node.code, _node_data(plan, payload), user=request.user,
                                 expected_version=payload.version)
    return Node.objects.select_related("lead_unit").get(pk=node.pk)


@router.post("/plans/{code}/nodes/{node_code}/move", response=NodeOut)
def move_node(request: HttpRequest, code: str, node_code: str, payload: MoveIn) -> Any:
    plan = _plan(request, code)
    node = _node(request, plan, node_code, MANAGE)
    return services.move_node(node, payload.parent, user=request.user)


@router.delete("/plans/{code}/nodes/{node_code}", response={204: None})
def delete_node(request: HttpRequest, code: str, node_code: str) -> Any:
    """Delete a node without reports; nodes with reports are cancelled instead (their history stays)."""
    plan = _plan(request, code)
    node = _node(request, plan, node_code, MANAGE)
    with transaction.atomic():
        subtree = Node.objects.filter(plan=plan, code__startswith=node.code + ".") | Node.objects.filter(pk=node.pk)
        if Report.objects.filter(node__in=subtree).exists():
            raise InputRejected("该任务或其下级已有月报，不能删除；请改为取消", field="code", value=node.code)
        label = f"{node.code} {node.title}"
        audit.record("delete", "node", node.pk, {"code": [node.code, None]}, services.actor_name(request.user),
                     label, plan.code)
        node.delete()
        services.bump_revision(plan)
    return 204, None


@router.get("/plans/{code}/nodes/{node_code}/indicators", response=list[IndicatorSchema])
def list_indicators(request: HttpRequest, code: str, node_code: str) -> Any:
    node = _node(request, _plan(request, code), node_code)
    return node.indicators.select_related("node")


@router.post("/plans/{code}/nodes/{node_code}/indicators", response={201: IndicatorSchema})
def create_indicator(request: HttpRequest, code: str, node_code: str, payload: IndicatorIn) -> Any:
    node = _node(request, _plan(request, code), node_code, MANAGE)
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    return 201, services.save_indicator(node, data, user=request.user)


@router.get("/plans/{code}/indicators", response=list[IndicatorSchema])
def plan_indicators(request: HttpRequest, code: str) -> Any:
    plan = _plan(request, code)
    return Indicator.objects.filter(plan=plan).select_related("node")


@router.patch("/plans/{code}/indicators/{indicator_id}", response=IndicatorSchema)
def update_indicator(request: HttpRequest, code: str, indicator_id: Id, payload: IndicatorEdit) -> Any:
    plan = _plan(request, code, MANAGE)
    ind = get_object_or_404(Indicator.objects.select_related("node"), plan=plan, pk=indicator_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    return services.save_indicator(ind.node, data, user=request.user, indicator=ind, expected_version=version)


@router.get("/plans/{code}/statistics", response=list[StatisticOut])
def plan_statistics(request: HttpRequest, code: str) -> Any:
    """The statistics bureau's figures (统计数据) of the plan's indicators, by indicator and month."""
    plan = _plan(request, code)
    return StatisticValue.objects.filter(plan=plan).select_related("indicator").order_by("indicator_id", "period")


@router.put("/plans/{code}/indicators/{indicator_id}/statistics", response=StatisticOut)
def save_statistic(request: HttpRequest, code: str, indicator_id: int, payload: StatisticIn) -> Any:
    """Record (or correct) one month's statistics figure of an indicator."""
    plan = _plan(request, code, MANAGE)
    ind = get_object_or_404(Indicator, plan=plan, pk=indicator_id)
    figure, _ = services.save_statistic(ind, payload.period, payload.value, payload.yoy, user=request.user,
                                        expected_version=payload.version)
    return StatisticValue.objects.select_related("indicator").get(pk=figure.pk)


def _report_qs() -> Any:
    return Report.objects.select_related("node").prefetch_related("values__indicator")


@router.get("/plans/{code}/nodes/{node_code}/reports", response=list[ReportOut])
def node_reports(request: HttpRequest, code: str, node_code: str) -> Any:
    node = _node(request, _plan(request, code), node_code)
    return _report_qs().filter(node=node).order_by("-period", "-submitted_seq", "-id")


@router.post("/plans/{code}/nodes/{node_code}/reports", response={201: ReportOut})
def file_report(request: HttpRequest, code: str, node_code: str, payload: ReportIn) -> Any:
    node = _node(request, _plan(request, code), node_code, REPORT)
    report = services.file_report(node, payload.period, payload.dict(), user=request.user, submit=payload.submit)
    return 201, _report_qs().get(pk=report.pk)


@router.get("/plans/{code}/reports", response=list[ReportOut], openapi_extra=paging.HEADERS_DOC)
def plan_reports(request: HttpRequest, response: HttpResponse, code: str, status: Code | None = None,
                 period: Period | None = None, front: Code | None = None, under: Code | None = None,
                 unit: Id | None = None, q: Name | None = None, limit: Limit = 200, offset: Offset = 0,
                 cursor: paging.Cursor | None = None) -> Any:
    """Reports of a plan, latest period first; ``status=submitted`` is the coordinator's review queue.
    Filters: ``period``, ``front`` or ``under`` (a subtree by node code), ``unit`` (the node's lead
    unit id), ``q`` (text in the node's title or the narrative). Page by ``cursor`` (the
    ``X-Next-Cursor`` header of the page before) or, as before, ``offset``."""
    plan = _plan(request, code)
    qs = Report.objects.filter(node__plan=plan).order_by("-period", "node__sort_key", "-submitted_seq", "-id")
    if status:
        qs = qs.filter(status=status)
    if period:
        qs = qs.filter(period=period)
    root = under or front
    if root:  # the subtree's codes are one range of sort keys: an index walk in the list's order
        key = code_sort_key(root)
        qs = qs.filter(Q(node__code=root) | Q(node__code__startswith=root + "."),
                       node__sort_key__gte=key, node__sort_key__lt=key + "/")
    if unit:
        qs = qs.filter(node__lead_unit_id=unit)
    if q:
        qs = qs.filter(Q(node__title__icontains=q) | Q(narrative__icontains=q))
    # counted once per plan revision and filter (paging on through the same filter reads it back)
    filters = json.dumps([status, period, root, unit, q], ensure_ascii=False)
    total = cached_for_plan(plan, f"api:reports:count:{hashlib.sha256(filters.encode()).hexdigest()[:20]}",
                            qs.count, int)
    if cursor or offset == 0:
        # month by month (a plan's reports are of its year): each page walks the nodes in order
        months = [period] if period else report_months(plan)
        found = paging.page_by(qs, months, cursor, limit)
        by_id = _report_qs().in_bulk(found.keys)
        paging.annotate(request, response, total, found.next)
        return [by_id[k] for k in found.keys if k in by_id]
    paging.annotate(request, response, total, None)
    return _report_qs().filter(pk__in=list(qs.values_list("pk", flat=True)[offset: offset + limit])).order_by(
        "-period", "node__sort_key", "-submitted_seq", "-id")


def _report(request: HttpRequest, report_id: Id, action: str) -> Report:
    return scoped(_report_qs(), request.user, action, pk=report_id)


@router.get("/reports/{report_id}", response=ReportOut)
def get_report(request: HttpRequest, report_id: Id) -> Any:
    return _report(request, report_id, VIEW)


@router.patch("/reports/{report_id}", response=ReportOut)
def edit_report(request: HttpRequest, report_id: Id, payload: ReportEdit) -> Any:
    report = _report(request, report_id, REPORT)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "progress"}
    data.setdefault("progress", report.progress)  # what is not given keeps its value
    services.file_report(report.node, report.period, data, user=request.user, submit=payload.submit,
                         report=report, expected_version=payload.version)
    return _report_qs().get(pk=report.pk)


@router.post("/reports/{report_id}/approve", response=ReportOut)
def approve_report(request: HttpRequest, report_id: Id, payload: VersionIn | None = None) -> Any:
    report = _report(request, report_id, MANAGE)
    services.review_report(report, True, user=request.user, expected_version=payload.version if payload else None)
    return _report_qs().get(pk=report.pk)


@router.post("/reports/{report_id}/return", response=ReportOut)
def return_report(request: HttpRequest, report_id: Id, payload: ReturnIn) -> Any:
    report = _report(request, report_id, MANAGE)
    services.review_report(report, False, user=request.user, reason=payload.reason,
                           expected_version=payload.version)
    return _report_qs().get(pk=report.pk)


@router.get("/units")
def list_units(request: HttpRequest) -> Any:
    """Units the user can reach (for pickers)."""
    from shigongtu.orgs.access import Scope

    scope = Scope.of(request.user)
    qs = OrgUnit.objects.all()
    if not scope.superuser:
        from django.db.models import Q

        q = Q(pk__in=[])
        for g in scope.grants:
            q |= Q(path__startswith=g.path)
        qs = qs.filter(q)
    return [{"id": u.pk, "name": u.name, "kind": u.kind, "path": u.path} for u in qs]


_ = NotAllowed  # re-exported for handlers
