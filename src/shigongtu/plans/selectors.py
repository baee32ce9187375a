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
from functools import cached_property
from typing import Any

from django.db import connection
from django.utils import timezone

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue, StatisticValue
from shigongtu.plans.readmodel import changes_since, clear_memos
from shigongtu.plans.rules.indicators import IndicatorIn, IndicatorOut, indicator_status, last_complete_month
from shigongtu.plans.rules.lights import CANCELLED, DONE, Thresholds
from shigongtu.plans.rules.rollup import NodeIn, Pinned, ReportIn, RollupState, leaf_progress, natural_code_key
from shigongtu.plans.rules.warnings import Warning, indicator_warnings, missing_reports, node_warnings

COUNTING = (Report.Status.SUBMITTED, Report.Status.APPROVED)

# Indicator sources other than monthly reports register here (the project library adds its own):
# source name -> function(plan, indicators, as_of) -> {indicator id: {month: value}}
IndicatorSource = Callable[[Plan, list[Indicator], dt.date], dict[int, dict[int, float]]]
INDICATOR_SOURCES: dict[str, IndicatorSource] = {}
# What each registered source reads, as the journal's aspects (``readmodel``): "" — any data of the
# project library, "investment" — its monthly investment reports, a side's name — that record type.
# A source not listed here is taken to read all of them.
SOURCE_ASPECTS: dict[str, frozenset[str]] = {}

# Leaf progress sources (进度来源) other than reports and the node's indicator register here
# (the project library adds ``projects``): source -> function(plan, node ids, as_of) -> {node id: p in %}
ProgressSource = Callable[[Plan, list[int], dt.date], dict[int, float]]
PROGRESS_SOURCES: dict[str, ProgressSource] = {}


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
    # what the journal changed since the full build: (revision, ids whose result changed), and the
    # revision before the oldest entry kept
    log: list[tuple[int, frozenset[int]]] = field(default_factory=list, repr=False)
    base: int = -1

    def __post_init__(self) -> None:
        if self.base < 0:
            self.base = self.revision

    def changed_since(self, revision: int) -> set[int] | None:
        """The ids whose result changed after ``revision`` (None when this roll-up cannot tell:
        it was built later, or its log no longer reaches back)."""
        if revision < self.base or revision > self.revision:
            return None
        out: set[int] = set()
        for rev, ids in self.log:
            if rev > revision:
                out |= ids
        return out

    @property
    def results(self) -> dict[int, Any]:
        return self.state.results

    def by_code(self, code: str) -> Any:
        for node_id, meta in self.meta.items():
            if meta.code == code:
                return self.state.results[node_id]
        return None

    # Read once per roll-up (a bring-forward moves results, never the nodes, their order or depth):

    @cached_property
    def positions(self) -> dict[int, int]:
        """Node id → its place in the natural code order."""
        return {node_id: i for i, node_id in enumerate(self.order)}

    @cached_property
    def codes(self) -> dict[int, str]:
        """Node id → code."""
        return {node_id: m.code for node_id, m in self.meta.items()}

    @cached_property
    def fronts(self) -> dict[str, int]:
        """Front code → node id (the nodes at depth 0, in order)."""
        results = self.state.results
        return {self.meta[i].code: i for i in self.order if results[i].depth == 0}

    @cached_property
    def lead_units(self) -> frozenset[int]:
        """The lead units of the plan's nodes."""
        return frozenset(m.lead_unit_id for m in self.meta.values() if m.lead_unit_id)

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


def _load_nodes(plan: Plan) -> tuple[list[NodeIn], dict[int, NodeMeta], dict[int, str]]:
    """The plan's nodes for the roll-up, their display fields, and the leaves' progress sources
    other than reports (node id → ``indicator`` / ``projects``)."""
    rows = Node.objects.filter(plan=plan).values_list(
        "id", "code", "parent_id", "weight", "start", "due", "cancelled", "title", "lead_unit_id", "leader",
        "progress_source",
    )
    nodes, meta, sources = [], {}, {}
    reports = Node.ProgressSource.REPORTS
    for node_id, code, parent_id, weight, start, due, cancelled, title, lead, leader, source in rows.iterator(2000):
        nodes.append(NodeIn(node_id, code, parent_id, float(weight), start, due, bool(cancelled)))
        meta[node_id] = NodeMeta(node_id, code, title, float(weight), lead, leader,
                                 code.rsplit(".", 1)[0] if "." in code else None)
        if source != reports:
            sources[node_id] = source
    return nodes, meta, sources


def sourced_progress(plan: Plan, sources: dict[int, str], as_of: dt.date
                     ) -> tuple[dict[int, float], dict[int, Pinned]]:
    """The progress of leaves whose source is not their reports (contract §2, 进度来源), and what
    else the source fixes: an ``indicator`` leaf takes p = 100 · c (c within 0..1), e = 100 · x and
    its first indicator's light; a ``projects`` leaf takes the registered source's progress, with
    e and light by the node rules. A leaf set to ``indicator`` without one keeps its reports."""
    progress: dict[int, float] = {}
    pinned: dict[int, Pinned] = {}
    by_indicator = [node_id for node_id, source in sources.items() if source == Node.ProgressSource.INDICATOR]
    if by_indicator:
        first: dict[int, Indicator] = {}
        for ind in Indicator.objects.filter(node_id__in=by_indicator).order_by("id"):
            first.setdefault(ind.node_id, ind)
        if first:
            _, judged, _ = judge_indicators(plan, as_of, list(first.values()))
            for out in judged:
                progress[out.node_id] = 100 * min(1.0, max(0.0, out.completion))
                pinned[out.node_id] = Pinned(expected=100 * out.expected_share, light=out.light)
    for source, fill in PROGRESS_SOURCES.items():
        node_ids = [node_id for node_id, s in sources.items() if s == source]
        if node_ids:
            found = fill(plan, node_ids, as_of)
            for node_id in node_ids:
                progress[node_id] = found.get(node_id, 0.0)
                pinned[node_id] = Pinned()
    return progress, pinned


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
LOG_SIZE = 500


def _full(plan: Plan, as_of: dt.date, revision: int) -> Rollup:
    nodes, meta, sources = _load_nodes(plan)
    progress = leaf_progress(_load_reports(plan, as_of), as_of)
    pinned: dict[int, Pinned] = {}
    if sources:
        sourced, pinned = sourced_progress(plan, sources, as_of)
        progress.update(sourced)
    state = RollupState(nodes, progress, plan.start_date, plan.end_date, as_of, thresholds(plan), pinned)
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
    if cached is not None and cached.revision < revision and _bring_forward(cached, plan, as_of, revision):
        return cached
    rollup = _full(plan, as_of, revision)
    with _LOCK:
        _CACHE[key] = rollup
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return rollup


def _bring_forward(cached: Rollup, plan: Plan, as_of: dt.date, revision: int) -> bool:
    """Apply the journal's changes since the cached revision leaf by leaf; False when only a
    full rebuild can (structure or settings changed, too many leaves, or project changes while
    some leaf takes its progress from a source)."""
    changes = changes_since(plan.pk, cached.revision, revision)
    if changes.everything or len(changes.nodes) > 500 or (
            (changes.project_side or changes.sides) and cached.state.pinned):
        return False  # a pinned leaf's progress comes from the library or an indicator that may have moved
    fresh = leaf_progress(_load_reports(plan, as_of, changes.nodes), as_of) if changes.nodes else {}
    pinned = cached.state.pinned
    touched: set[int] = set()
    for node_id in changes.nodes:
        if node_id in pinned:
            continue  # its progress does not come from its reports
        if node_id in cached.state.results and cached.state.results[node_id].is_leaf:
            touched.update(cached.state.set_leaf_progress(node_id, fresh.get(node_id, 0.0)))
    cached.log.append((revision, frozenset(touched)))
    if len(cached.log) > LOG_SIZE:
        cached.base = cached.log.pop(0)[0]
    cached.revision = revision
    cached.plan = plan
    return True


def clear_cache() -> None:
    """Forget every cached roll-up and every figure of the read model kept in memory."""
    with _LOCK:
        _CACHE.clear()
    clear_memos()


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
    out: dict[int, dict[int, float]] = defaultdict(dict)
    for ind_id, rid, value in ReportValue.objects.filter(
        report_id__in=list(report_period), indicator__in=indicators
    ).values_list("indicator_id", "report_id", "value"):
        _, period = report_period[rid]
        out[ind_id][int(period[5:7])] = float(value)
    return dict(out)


def indicator_values(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> dict[int, dict[int, float]]:
    """Per indicator, month → value, each from its own source (reports, or a registered one); a
    statistics figure (:class:`StatisticValue`) replaces the source's value of its period."""
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        by_source[ind.source].append(ind)
    values: dict[int, dict[int, float]] = {}
    for source, inds in by_source.items():
        if source == Indicator.Source.REPORTS or source not in INDICATOR_SOURCES:
            values.update(report_indicator_values(plan, inds, as_of))
        else:
            values.update(INDICATOR_SOURCES[source](plan, inds, as_of))
    if indicators:  # the bureau's figure replaces a reported value of the same period
        for ind_id, months in statistic_values(plan, indicators).items():
            values[ind_id] = {**values.get(ind_id, {}), **months}
    return values


def indicator_in(ind: Indicator) -> IndicatorIn:
    """An indicator as the pure rules read it: kind, target, curve, baseline, due date, cumulative."""
    curve = tuple(float(c) for c in ind.curve) if ind.curve else None
    return IndicatorIn(ind.pk, ind.node_id, ind.name, ind.unit, ind.kind, float(ind.target), curve,
                       baseline=float(ind.baseline), due=ind.due, cumulative=ind.cumulative)


def statistic_values(plan: Plan, indicators: list[Indicator]) -> dict[int, dict[int, float]]:
    """Per indicator, month → the statistics bureau's figure (统计数据) of the plan year."""
    out: dict[int, dict[int, float]] = defaultdict(dict)
    rows = StatisticValue.objects.filter(indicator__in=indicators, period__startswith=f"{plan.year:04d}-")
    for ind_id, period, value in rows.values_list("indicator_id", "period", "value"):
        out[ind_id][int(period[5:7])] = float(value)
    return dict(out)


def judge_indicators(plan: Plan, as_of: dt.date, indicators: list[Indicator] | None = None
                     ) -> tuple[list[Indicator], list[IndicatorOut], dict[int, dict[int, float]]]:
    """Every indicator judged at ``as_of`` (contract §2), with the month values behind the judgement."""
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan=plan).select_related("node").order_by("node__sort_key", "id"))
    values = indicator_values(plan, indicators, as_of)
    th = thresholds(plan)
    outs = []
    for ind in indicators:
        spec = indicator_in(ind)
        outs.append(indicator_status(spec, values.get(ind.pk, {}), plan.year, as_of, th))
    return indicators, outs, values


def compute_indicators(plan: Plan, as_of: dt.date, indicators: list[Indicator] | None = None) -> list[IndicatorOut]:
    return judge_indicators(plan, as_of, indicators)[1]


# -- warnings -----------------------------------------------------------------------------

def reported_periods(plan: Plan, period: str, node_ids: Iterable[int] | None = None) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    if node_ids is not None:  # some of the plan's nodes: by their own index (the month's rows are the plan's bulk)
        rows = Report.objects.filter(node_id__in=list(node_ids), period=period, status__in=COUNTING)
    else:
        rows = Report.objects.filter(node__plan=plan, period=period, status__in=COUNTING)
    for node_id in rows.values_list("node_id", flat=True):
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
    """The date a plan is looked at when none is given (默认截止日期) — every page, "my tasks",
    the big screen, the bulletin page, the API and the CLI open on it.

    The plan's own setting (``Plan.default_as_of``) when it has one. Otherwise the end of the
    latest complete month (indicators and reports are judged on complete months): inside the
    plan year the last month that has ended by ``today`` (in January before the 31st, today
    itself); before the year its first day; after it the end of the last month anyone reported
    for (a finished plan is read as its reports left it), or the year's end.
    """
    if plan.default_as_of is not None:
        return plan.default_as_of
    today = today or timezone.localdate()
    if today < plan.start_date:
        return plan.start_date
    if today <= plan.end_date:
        month = last_complete_month(today, plan.year)
        return max(Period(plan.year, month).last_day, plan.start_date) if month else today
    from shigongtu.plans.figures import latest_reported_period  # the read model builds on this module

    last = latest_reported_period(plan)
    if last is None:
        return plan.end_date
    return min(Period.parse(last).last_day, plan.end_date)


def month_of(as_of: dt.date, plan: Plan) -> int:
    return last_complete_month(as_of, plan.year)


# -- the month's figures: one definition of each figure every face prints ----------------------

ON_TIME, LATE, MISSING = "on_time", "late", "missing"


def reporting_deadline(plan: Plan, period: Period) -> dt.date:
    """The day a month's reports are due: the plan's deadline day of the next month (报送截止日)."""
    nxt = period.next()
    return dt.date(nxt.year, nxt.month, min(plan.report_deadline_day, nxt.last_day.day))


@dataclass(frozen=True)
class Filing:
    """One live leaf that had to report for a month, and whether it did by the deadline."""

    node_id: int
    code: str
    lead_unit_id: int | None
    status: str  # ON_TIME, LATE or MISSING


@dataclass
class ReportingRecord:
    """Who had to report for ``period`` and who did by ``deadline`` (按时报送情况)."""

    period: Period
    deadline: dt.date
    filings: list[Filing]  # in natural code order

    def count(self, status: str | None = None) -> int:
        return sum(1 for f in self.filings if status is None or f.status == status)

    @property
    def rate(self) -> float | None:
        """按时报送率 as a share (0..1), None when nobody had to report."""
        return self.count(ON_TIME) / len(self.filings) if self.filings else None


def first_filed(plan: Plan, period: Period, node_ids: Iterable[int] | None = None) -> dict[int, dt.date | None]:
    """Per node with a counting report for ``period`` (of ``node_ids`` when given): the local day
    its first one came in (None when the report carries no submission time)."""
    seen: dict[int, list[dt.date]] = defaultdict(list)
    found = Report.objects.filter(node__plan=plan, period=period.key, status__in=COUNTING)
    if node_ids is not None:
        found = found.filter(node_id__in=list(node_ids))
    rows = found.values_list("node_id", "submitted_at")
    for node_id, submitted_at in rows.iterator(2000):
        days = seen[node_id]
        if submitted_at is not None:
            days.append(timezone.localtime(submitted_at).date())
    return {node_id: min(days) if days else None for node_id, days in seen.items()}


def reporting_record(plan: Plan, period: Period) -> ReportingRecord:
    """The month's reporting record (:func:`compute_reporting_record`), kept by the read model."""
    from shigongtu.plans import figures  # the read model builds on this module

    return figures.reporting_record(plan, period)


def compute_reporting_record(plan: Plan, period: Period) -> ReportingRecord:
    """The month's reporting record: every live leaf started by the month's end and not already
    done without a report must report; it is on time when its first report came in by the
    deadline (按时报送), late after it, missing without one. Read on the roll-up at the month's
    end, so the answer depends only on the plan and the month — every face prints this one."""
    rollup = get_rollup(plan, period.last_day)
    deadline = reporting_deadline(plan, period)
    filed = first_filed(plan, period)
    filings = [f for f in (filing_of(rollup, node_id, filed, period, deadline) for node_id in rollup.order)
               if f is not None]
    return ReportingRecord(period, deadline, filings)


def filing_of(rollup: Rollup, node_id: int, filed: dict[int, dt.date | None], period: Period,
              deadline: dt.date) -> Filing | None:
    """One node's line of the reporting record, None when it did not have to report."""
    res = rollup.results[node_id]
    if not res.is_leaf or res.light == CANCELLED or res.start > period.last_day:
        return None
    if node_id not in filed:
        if res.light == DONE:
            return None  # done before this month: nothing left to report
        status = MISSING
    else:
        day = filed[node_id]
        status = LATE if day is not None and day > deadline else ON_TIME
    meta = rollup.meta[node_id]
    return Filing(node_id, meta.code, meta.lead_unit_id, status)


def live_leaves_under(rollup: Rollup, node_id: int) -> list[int]:
    """The live leaves (末级任务) at or below a node, in code order."""
    kids, results = rollup.children(), rollup.results
    out: list[int] = []
    stack = [node_id]
    while stack:
        current = stack.pop()
        children = kids.get(current, [])
        if not children or results[current].is_leaf:
            if results[current].light != CANCELLED:
                out.append(current)
            continue
        stack.extend(reversed(children))
    return out


def task_light_counts(rollup: Rollup, keep: Callable[[int], bool] | None = None) -> dict[str, int]:
    """末级任务 by light: the live leaves under the live fronts (those ``keep`` accepts), by light."""
    counts: dict[str, int] = defaultdict(int)
    results = rollup.results
    for front in rollup.children().get(None, []):
        if results[front].light == CANCELLED:
            continue
        for leaf in live_leaves_under(rollup, front):
            if keep is None or keep(leaf):
                counts[results[leaf].light] += 1
    return dict(counts)


def warning_counts(warnings: Iterable[Any]) -> dict[str, dict[str, int]]:
    """Warnings (anything with ``kind`` and ``light``) counted by kind, then by light (预警数)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for w in warnings:
        out[w.kind][w.light] += 1
    return {kind: dict(lights) for kind, lights in out.items()}


@dataclass
class MonthFigures:
    """A plan's figures at one as-of date (本月数据): the roll-up, the judged indicators, the
    warnings and the counts the dashboard, the big screen, the bulletin and the API print."""

    plan: Plan
    as_of: dt.date
    rollup: Rollup
    indicators: list[Indicator]
    judged: list[IndicatorOut]
    values: dict[int, dict[int, float]]
    warnings: list[Warning]

    @property
    def task_lights(self) -> dict[str, int]:
        """末级任务 by light."""
        return task_light_counts(self.rollup)

    @property
    def warning_counts(self) -> dict[str, dict[str, int]]:
        """Warnings by kind, then by light."""
        return warning_counts(self.warnings)

    def reporting(self, period: Period) -> ReportingRecord:
        """The reporting record of ``period`` (usually the month of the as-of date or the one before)."""
        return reporting_record(self.plan, period)


def month_figures(plan: Plan, as_of: dt.date) -> MonthFigures:
    """The plan's figures at ``as_of``: roll-up, indicators and warnings as the read model keeps
    them (:mod:`shigongtu.plans.figures`: brought forward from the revision journal), equal to
    :func:`fresh_month_figures`."""
    from shigongtu.plans import figures  # the read model builds on this module

    return figures.month_figures(plan, as_of)


def fresh_month_figures(plan: Plan, as_of: dt.date) -> MonthFigures:
    """The plan's figures at ``as_of`` computed from scratch (the roll-up from its cache)."""
    rollup = get_rollup(plan, as_of)
    indicators, judged, values = judge_indicators(plan, as_of)
    warnings = compute_warnings(plan, as_of, rollup=rollup, indicators=judged)
    return MonthFigures(plan, as_of, rollup, indicators, judged, values, warnings)
