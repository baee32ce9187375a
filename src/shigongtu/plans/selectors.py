"""The read side of the blueprint: load a plan's rows, run the pure rules, cache the result.

The cache is an in-process map keyed by (plan, as-of date) and stamped with the plan's
revision. When the plan moved on only by report changes (journalled in RollupDelta),
the cached state is updated leaf by leaf; any other change rebuilds it in full. Either
way the answer equals a fresh computation, which tests check.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Node, Plan, Report, RollupDelta
from shigongtu.plans.rules.indicators import IndicatorIn, IndicatorOut, indicator_status, last_complete_month
from shigongtu.plans.rules.lights import Thresholds
from shigongtu.plans.rules.rollup import NodeIn, ReportIn, RollupState, leaf_progress, natural_code_key
from shigongtu.plans.rules.warnings import Warning, indicator_warnings, missing_reports, node_warnings

COUNTING = (Report.Status.SUBMITTED, Report.Status.APPROVED)

# Indicator sources other than monthly reports register here (the project library adds its own):
# source name -> function(plan, indicators, as_of) -> {indicator id: {month: value}}
IndicatorSource = Callable[[Plan, list[Indicator], dt.date], dict[int, dict[int, float]]]
INDICATOR_SOURCES: dict[str, IndicatorSource] = {}


@dataclass
class NodeMeta:
    id: int
    code: str
    title: str
    weight: float
    lead_unit_id: int | None
    leader: str
    parent_code: str | None


@dataclass
class Rollup:
    """A plan's computed picture at one as-of date."""

    plan: Plan
    as_of: dt.date
    revision: int
    state: RollupState
    meta: dict[int, NodeMeta]
    order: list[int]  # node ids in natural code order
    _children: dict[int | None, list[int]] | None = field(default=None, repr=False)

    @property
    def results(self) -> dict[int, Any]:
        return self.state.results

    def by_code(self, code: str) -> Any:
        for node_id, meta in self.meta.items():
            if meta.code == code:
                return self.state.results[node_id]
        return None

    def children(self) -> dict[int | None, list[int]]:
        if self._children is None:
            kids: dict[int | None, list[int]] = defaultdict(list)
            for node_id in self.order:
                kids[self.state.results[node_id].parent_id].append(node_id)
            self._children = dict(kids)
        return self._children


def thresholds(plan: Plan) -> Thresholds:
    return Thresholds(yellow=float(plan.yellow_threshold), red=float(plan.red_threshold))


def _month_key(as_of: dt.date) -> str:
    return f"{as_of.year:04d}-{as_of.month:02d}"


def _load_nodes(plan: Plan) -> tuple[list[NodeIn], dict[int, NodeMeta]]:
    rows = Node.objects.filter(plan=plan).values_list(
        "id", "code", "parent_id", "weight", "start", "due", "cancelled", "title", "lead_unit_id", "leader"
    )
    nodes, meta = [], {}
    for node_id, code, parent_id, weight, start, due, cancelled, title, lead, leader in rows.iterator(2000):
        nodes.append(NodeIn(node_id, code, parent_id, float(weight), start, due, bool(cancelled)))
        meta[node_id] = NodeMeta(node_id, code, title, float(weight), lead, leader,
                                 code.rsplit(".", 1)[0] if "." in code else None)
    return nodes, meta


def _load_reports(plan: Plan, as_of: dt.date, node_ids: Iterable[int] | None = None) -> list[ReportIn]:
    """The counting reports of each node's latest period up to as-of's month.

    Only the latest period matters for a leaf's progress, so the database picks it per node
    (one grouped sub-query) and 240k rows never cross into Python; ties within the period are
    settled by ``leaf_progress`` on the submission order.
    """
    r, n = Report._meta.db_table, Node._meta.db_table
    ids = list(node_ids) if node_ids is not None else None
    only = f" AND r2.node_id IN ({', '.join(['%s'] * len(ids))})" if ids else ""
    sql = (
        f"SELECT r.node_id, r.period, r.submitted_seq, r.status, r.progress FROM {r} r "  # noqa: S608
        f"JOIN (SELECT r2.node_id AS node_id, MAX(r2.period) AS period FROM {r} r2 "
        f"JOIN {n} n ON n.id = r2.node_id WHERE n.plan_id = %s AND r2.period <= %s "
        f"AND r2.status IN (%s, %s){only} GROUP BY r2.node_id) m "
        f"ON m.node_id = r.node_id AND m.period = r.period WHERE r.status IN (%s, %s)"
    )
    params: list[Any] = [plan.pk, _month_key(as_of), *COUNTING, *(ids or []), *COUNTING]
    if ids is not None and not ids:
        return []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [ReportIn(a, b, c, d, float(e)) for a, b, c, d, e in cur.fetchall()]


_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple[int, dt.date], Rollup] = OrderedDict()
_CACHE_SIZE = 32


def _full(plan: Plan, as_of: dt.date, revision: int) -> Rollup:
    nodes, meta = _load_nodes(plan)
    progress = leaf_progress(_load_reports(plan, as_of), as_of)
    state = RollupState(nodes, progress, plan.start_date, plan.end_date, as_of, thresholds(plan))
    order = sorted(meta, key=lambda i: natural_code_key(meta[i].code))
    return Rollup(plan, as_of, revision, state, meta, order)


def compute_fresh(plan: Plan, as_of: dt.date) -> Rollup:
    """A roll-up computed from scratch, bypassing every cache."""
    return _full(plan, as_of, Plan.objects.values_list("revision", flat=True).get(pk=plan.pk))


def get_rollup(plan: Plan, as_of: dt.date) -> Rollup:
    """The plan's roll-up at ``as_of``, from the cache when it is current."""
    revision = Plan.objects.values_list("revision", flat=True).get(pk=plan.pk)
    key = (plan.pk, as_of)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached.revision == revision:
        cached.plan = plan
        return cached
    if cached is not None and cached.revision < revision:
        deltas = list(
            RollupDelta.objects.filter(plan=plan, revision__gt=cached.revision, revision__lte=revision)
            .values_list("node_id", flat=True)
        )
        if len(deltas) == revision - cached.revision and None not in deltas and len(set(deltas)) <= 500:
            changed = {d for d in deltas if d is not None}
            fresh = leaf_progress(_load_reports(plan, as_of, changed), as_of)
            for node_id in changed:
                if node_id in cached.state.results and cached.state.results[node_id].is_leaf:
                    cached.state.set_leaf_progress(node_id, fresh.get(node_id, 0.0))
            cached.revision = revision
            cached.plan = plan
            return cached
    rollup = _full(plan, as_of, revision)
    with _LOCK:
        _CACHE[key] = rollup
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return rollup


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


# -- indicators ---------------------------------------------------------------------------

def report_indicator_values(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> dict[int, dict[int, float]]:
    """Per indicator, month → the value in the latest counting report of that node and period."""
    if not indicators:
        return {}
    node_ids = {i.node_id for i in indicators}
    latest: dict[tuple[int, str], tuple[int, int]] = {}
    for rid, node_id, period, seq in Report.objects.filter(
        node_id__in=node_ids, status__in=COUNTING, period__startswith=f"{plan.year:04d}-"
    ).values_list("id", "node_id", "period", "submitted_seq"):
        key = (node_id, period)
        if key not in latest or (seq, rid) > latest[key]:
            latest[key] = (seq, rid)
    report_period = {rid: (node_id, period) for (node_id, period), (_, rid) in latest.items()}
    from shigongtu.plans.models import ReportValue

    out: dict[int, dict[int, float]] = defaultdict(dict)
    for ind_id, rid, value in ReportValue.objects.filter(
        report_id__in=list(report_period), indicator__in=indicators
    ).values_list("indicator_id", "report_id", "value"):
        _, period = report_period[rid]
        out[ind_id][int(period[5:7])] = float(value)
    return dict(out)


def indicator_values(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> dict[int, dict[int, float]]:
    """Per indicator, month → value, each from its own source (reports, or a registered one)."""
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_source[ind.source].append(ind)
    values: dict[int, dict[int, float]] = {}
    for source, inds in by_source.items():
        if source == Indicator.Source.REPORTS or source not in INDICATOR_SOURCES:
            values.update(report_indicator_values(plan, inds, as_of))
        else:
            values.update(INDICATOR_SOURCES[source](plan, inds, as_of))
    return values


def judge_indicators(plan: Plan, as_of: dt.date, indicators: list[Indicator] | None = None
                     ) -> tuple[list[Indicator], list[IndicatorOut], dict[int, dict[int, float]]]:
    """Every indicator judged at ``as_of`` (contract §2), with the month values behind the judgement."""
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan=plan).select_related("node").order_by("node__sort_key", "id"))
    values = indicator_values(plan, indicators, as_of)
    th = thresholds(plan)
    outs = []
    for ind in indicators:
        curve = tuple(float(c) for c in ind.curve) if ind.curve else None
        spec = IndicatorIn(ind.pk, ind.node_id, ind.name, ind.unit, ind.kind, float(ind.target), curve)
        outs.append(indicator_status(spec, values.get(ind.pk, {}), plan.year, as_of, th))
    return indicators, outs, values


def compute_indicators(plan: Plan, as_of: dt.date, indicators: list[Indicator] | None = None) -> list[IndicatorOut]:
    return judge_indicators(plan, as_of, indicators)[1]


# -- warnings -----------------------------------------------------------------------------

def reported_periods(plan: Plan, period: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for node_id in Report.objects.filter(node__plan=plan, period=period, status__in=COUNTING).values_list(
        "node_id", flat=True
    ):
        out[node_id].add(period)
    return out


def compute_warnings(plan: Plan, as_of: dt.date, rollup: Rollup | None = None,
                     indicators: list[IndicatorOut] | None = None) -> list[Warning]:
    rollup = rollup or get_rollup(plan, as_of)
    indicators = indicators if indicators is not None else compute_indicators(plan, as_of)
    first = as_of.replace(day=1)
    prev = Period.parse(_month_key(first - dt.timedelta(days=1)))
    found: list[Warning] = []
    found += node_warnings(rollup.results, as_of)
    codes = {m.id: m.code for m in rollup.meta.values()}
    found += indicator_warnings(indicators, codes)
    found += missing_reports(rollup.results, reported_periods(plan, prev.key), plan.year, as_of,
                             plan.report_deadline_day)
    found.sort(key=lambda w: (natural_code_key(w.code), w.kind, w.indicator or ""))
    return found


def default_as_of(plan: Plan, today: dt.date | None = None) -> dt.date:
    """The date a plan is looked at when none is given.

    Inside the plan year: today. Before it: its first day. After it: the end of the last
    month anyone reported for (a finished plan is read as its reports left it), or the
    year's end when nothing was reported.
    """
    today = today or dt.date.today()
    if today < plan.start_date:
        return plan.start_date
    if today <= plan.end_date:
        return today
    last = (
        Report.objects.filter(node__plan=plan, status__in=COUNTING)
        .order_by("-period").values_list("period", flat=True).first()
    )
    if last is None:
        return plan.end_date
    return min(Period.parse(last).last_day, plan.end_date)


def month_of(as_of: dt.date, plan: Plan) -> int:
    return last_complete_month(as_of, plan.year)
