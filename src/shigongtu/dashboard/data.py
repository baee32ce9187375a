"""The command dashboard's data (驾驶舱): one plan, one as-of month, one org unit.

Everything the dashboard, the big screen and their chart endpoints show is assembled here
from the plans' and the project library's public functions (``get_rollup``,
``compute_warnings``, the indicator sources, ``projects.filters.light_q`` …) into plain
dataclasses, and cached in Django's cache per (plan, as-of, unit, revision): any report,
import or edit bumps ``Plan.revision``, so a cached picture is never stale. Views only
pick the dataclasses up and render them; labels are translated at render time, so the
cached data is the same in every language.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from shigongtu.dashboard.projects import (
    InvestmentSeries,
    MapData,
    ProjectPanel,
    investment_series,
    map_data,
    project_panel,
)
from shigongtu.lib.periods import Period, last_complete_month
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import CANCELLED, DONE, RED, YELLOW
from shigongtu.plans.rules.rollup import NodeOut
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, MISSING_REPORT, OVERDUE, Warning
from shigongtu.plans.selectors import (
    Rollup,
    compute_warnings,
    default_as_of,
    get_rollup,
    judge_indicators,
    reported_periods,
)

CACHE_VERSION = 1
CACHE_SECONDS = 3600          # the revision makes entries exact; the timeout only bounds memory and unit renames
TOP_WARNINGS = 12
KEPT_WARNINGS = 60            # the cached picture keeps the most urgent ones; counts cover them all
MAX_KPIS = 8                  # a plan without headline indicators shows its first ones
LIGHT_ORDER = (RED, YELLOW, "green", DONE, "pending", CANCELLED)
KIND_ORDER = {OVERDUE: 0, LAG: 1, INDICATOR_LAG: 2, MISSING_REPORT: 3}


# -- the as-of month ---------------------------------------------------------------------------

def dashboard_default_as_of(plan: Plan, today: dt.date) -> dt.date:
    """The last day of the latest complete month at the plan's default date (contract §2's m).

    Indicators are judged on complete months, so the dashboard opens on one; in January
    before the 31st (m = 0) it opens on the default date itself. A finished plan's default
    reads its latest report (a query over every report), so the answer is cached per revision.
    """
    key = f"{_plan_stamp(plan)}:default:{today.isoformat()}"
    found = cache.get(key)
    if isinstance(found, dt.date):
        return found
    day = default_as_of(plan, today)
    month = last_complete_month(day, plan.year)
    answer = Period(plan.year, month).last_day if month else day
    cache.set(key, answer, CACHE_SECONDS)
    return answer


def previous_as_of(plan: Plan, as_of: dt.date) -> dt.date | None:
    """The same point a month earlier (month end to month end), or None before the plan starts."""
    first = as_of.replace(day=1)
    if as_of == Period.of(as_of).last_day:
        prev = first - dt.timedelta(days=1)
    else:
        before = Period.of(as_of).prev()
        prev = before.first_day.replace(day=min(as_of.day, before.last_day.day))
    return prev if prev >= plan.start_date else None


def month_choices(plan: Plan, default: dt.date) -> list[dt.date]:
    """The month ends a dashboard can be opened on: January up to the default's month."""
    last = default.month if default.year == plan.year else (12 if default.year > plan.year else 0)
    return [Period(plan.year, m).last_day for m in range(1, last + 1)]


# -- the org-unit scope ------------------------------------------------------------------------

@dataclass
class UnitChoice:
    """A unit of the picker: the plan's own unit at depth 0, the units below it indented."""

    id: int
    name: str
    depth: int
    leads: bool  # leads nodes or projects itself (not only through units below it)

    @property
    def label(self) -> str:
        """The name indented by its depth below the plan's unit (for a <select>)."""
        return "\u3000" * max(self.depth - 1, 0) + self.name


@dataclass
class UnitScope:
    """The chosen unit and every unit below it; ``ids`` None means the whole plan (no filter)."""

    unit_id: int
    name: str
    path: str
    ids: frozenset[int] | None
    exact: bool  # the unit has no unit below it among the lead units: tree filters can use ?unit=

    def has(self, unit_id: int | None) -> bool:
        return self.ids is None or (unit_id is not None and unit_id in self.ids)


def _path_key(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in path.strip("/").split("/") if p)


def unit_scope(plan: Plan, rollup: Rollup, unit_id: int | None,
               project_units: Iterable[int | None] = ()) -> tuple[UnitScope, list[UnitChoice]]:
    """The picker's units (the plan's unit and the units below it that lead something) and the scope
    of ``unit_id`` (the plan's unit when it is not one of them)."""
    lead_ids = {m.lead_unit_id for m in rollup.meta.values() if m.lead_unit_id}
    lead_ids.update(u for u in project_units if u)
    root = plan.unit
    rows = list(OrgUnit.objects.filter(path__startswith=root.path).values_list("id", "name", "path"))
    by_id = {uid: (name, path) for uid, name, path in rows}
    keep: set[int] = {root.pk}
    for uid in lead_ids:
        if uid in by_id:
            for ancestor in _path_key(by_id[uid][1]):
                if ancestor in by_id:
                    keep.add(ancestor)
    base = root.path.count("/")
    choices = [
        UnitChoice(uid, by_id[uid][0], by_id[uid][1].count("/") - base, uid in lead_ids)
        for uid in sorted(keep, key=lambda u: _path_key(by_id[u][1]))
    ]
    if unit_id is None or unit_id == root.pk or unit_id not in keep:
        return UnitScope(root.pk, root.name, root.path, None, False), choices
    name, path = by_id[unit_id]
    ids = frozenset(uid for uid, (_, p) in by_id.items() if p.startswith(path))
    exact = not any(u != unit_id and u in ids for u in lead_ids)
    return UnitScope(unit_id, name, path, ids, exact), choices


# -- KPI cards ---------------------------------------------------------------------------------

@dataclass
class Kpi:
    """A headline indicator judged at the as-of month, with its months for the sparkline.

    ``completion``, ``expected_share``, ``linear_share`` and ``curve_share`` are fractions;
    ``series`` is the completion at the end of each month 1..m, ``expected`` the share due at
    the end of each month 1..12 (the plan curve, or m/12).
    """

    id: int
    name: str
    unit: str
    kind: str
    target: float
    actual: float
    completion: float
    expected_share: float
    linear_share: float
    curve_share: float | None
    light: str
    month: int
    node_code: str
    node_title: str
    series: list[float]
    expected: list[float]

    @property
    def completion_pct(self) -> float:
        return 100 * self.completion

    @property
    def vs_linear(self) -> float:
        """Percentage points ahead (+) or behind (−) the time share m/12 (序时进度)."""
        return 100 * (self.completion - self.linear_share)

    @property
    def vs_curve(self) -> float | None:
        """Percentage points against the plan curve (分月计划), None without one."""
        return None if self.curve_share is None else 100 * (self.completion - self.curve_share)

    def _y(self, value: float, top: float) -> float:
        return round(30 - 26 * min(value, top) / top, 1)

    def _top(self) -> float:
        return max([1.0, *self.series])

    @property
    def spark_actual(self) -> str:
        """SVG polyline points (viewBox 0 0 120 32) of the completion month by month."""
        top = self._top()
        return " ".join(f"{round(110 * i / 11 + 5, 1)},{self._y(v, top)}" for i, v in enumerate(self.series))

    @property
    def spark_expected(self) -> str:
        top = self._top()
        return " ".join(f"{round(110 * i / 11 + 5, 1)},{self._y(v, top)}" for i, v in enumerate(self.expected))

    @property
    def spark_last(self) -> tuple[float, float] | None:
        if not self.series:
            return None
        i = len(self.series) - 1
        return round(110 * i / 11 + 5, 1), self._y(self.series[-1], self._top())


def _kpi(ind: Indicator, out: IndicatorOut, months: dict[int, float], rollup: Rollup) -> Kpi:
    curve = [float(c) for c in ind.curve] if ind.curve else None
    series, total, level = [], 0.0, 0.0
    for m in range(1, out.month + 1):
        if out.kind == "flow":
            total += months.get(m, 0.0)
            series.append(total / out.target)
        else:
            level = months.get(m, level)
            series.append(level / out.target)
    meta = rollup.meta.get(out.node_id)
    return Kpi(
        id=out.id, name=out.name, unit=out.unit, kind=out.kind, target=out.target, actual=out.actual,
        completion=out.completion, expected_share=out.expected_share, linear_share=out.month / 12,
        curve_share=curve[out.month - 1] if curve and out.month else (0.0 if curve else None),
        light=out.light, month=out.month, node_code=meta.code if meta else "", node_title=meta.title if meta else "",
        series=series, expected=curve or [m / 12 for m in range(1, 13)],
    )


# -- fronts, warnings, ranking -------------------------------------------------------------------

@dataclass
class FrontRow:
    """A work front (战线, a top-level node) with its roll-up and the lights below it."""

    id: int
    code: str
    title: str
    lead_unit: str
    leader: str
    progress: float
    expected: float
    light: str
    tasks: int = 0
    red: int = 0
    yellow: int = 0
    projects: int = 0
    projects_red: int = 0
    projects_yellow: int = 0

    @property
    def short(self) -> str:
        """The front's name without its slogan: 项目建设战线 for 项目建设战线：坚持项目立区…"""
        head = self.title.replace(":", "：").split("：", 1)[0].strip()
        return head or self.title


@dataclass
class WarningItem:
    """A red or yellow item for the warnings panel, with who answers for it."""

    kind: str
    light: str
    code: str
    title: str
    lead_unit: str
    leader: str
    indicator: str | None
    progress: float | None
    expected: float | None
    lag: float | None
    due: str | None
    days_overdue: int | None
    period: str | None
    new: bool = False


@dataclass
class RankRow:
    """A lead unit (牵头单位) in the department ranking, with last month's figures beside."""

    unit_id: int
    name: str
    tasks: int = 0
    expected_reports: int = 0
    reported: int = 0
    progress_sum: float = 0.0
    reds: int = 0
    yellows: int = 0
    rank: int = 0
    prev: RankRow | None = None

    @property
    def on_time(self) -> float | None:
        """按时报送率: leaves that filed the last due month's report, of those that had to (percent)."""
        return 100 * self.reported / self.expected_reports if self.expected_reports else None

    @property
    def completion(self) -> float | None:
        """完成率: the average progress of the unit's active leaf tasks (percent)."""
        return self.progress_sum / self.tasks if self.tasks else None

    @property
    def on_time_change(self) -> float | None:
        if self.prev is None or self.prev.on_time is None or self.on_time is None:
            return None
        return self.on_time - self.prev.on_time

    @property
    def completion_change(self) -> float | None:
        if self.prev is None or self.prev.completion is None or self.completion is None:
            return None
        return self.completion - self.prev.completion

    @property
    def reds_change(self) -> int | None:
        return None if self.prev is None else self.reds - self.prev.reds

    @property
    def rank_change(self) -> int | None:
        """Places gained (+) or lost (−) since last month."""
        return None if self.prev is None or not self.prev.rank else self.prev.rank - self.rank


def reporting_period(plan: Plan, as_of: dt.date) -> Period | None:
    """The last month whose report deadline (plan setting, day D of the next month) has passed at as-of."""
    period = Period.of(as_of).prev() if as_of.day > plan.report_deadline_day else Period.of(as_of).shift(-2)
    return period if period.year == plan.year else None


def ranking(plan: Plan, as_of: dt.date, rollup: Rollup, scope: UnitScope,
            names: dict[int, str]) -> tuple[list[RankRow], Period | None]:
    """Lead units ranked by on-time reporting, then completion, then fewest reds."""
    period = reporting_period(plan, as_of)
    reported = reported_periods(plan, period.key) if period else {}
    rows: dict[int, RankRow] = {}
    for node_id, meta in rollup.meta.items():
        uid = meta.lead_unit_id
        if uid is None or not scope.has(uid):
            continue
        row = rows.get(uid)
        if row is None:
            row = rows[uid] = RankRow(uid, names.get(uid, ""))
        res: NodeOut = rollup.results[node_id]
        if res.light == RED:
            row.reds += 1
        elif res.light == YELLOW:
            row.yellows += 1
        if not res.is_leaf or res.cancelled_effective:
            continue
        row.tasks += 1
        row.progress_sum += res.progress
        if period is not None and res.start <= period.last_day:
            filed = bool(reported.get(node_id))
            if res.light != DONE or filed:
                row.expected_reports += 1
                row.reported += filed
    ordered = sorted(rows.values(), key=lambda r: (
        -(r.on_time if r.on_time is not None else -1), -(r.completion or 0.0), r.reds, r.name))
    for i, row in enumerate(ordered, start=1):
        row.rank = i
    return ordered, period


def _warning_items(found: list[Warning], rollup: Rollup, scope: UnitScope, names: dict[int, str],
                   before: set[int]) -> list[WarningItem]:
    items = []
    for w in found:
        meta = rollup.meta.get(w.node_id)
        if meta is None or not scope.has(meta.lead_unit_id):
            continue
        d = w.detail or {}
        lag = d.get("lag")
        items.append(WarningItem(
            kind=w.kind, light=w.light, code=w.code, title=meta.title, lead_unit=names.get(meta.lead_unit_id or 0, ""),
            leader=meta.leader, indicator=w.indicator,
            progress=d.get("progress") if w.kind != INDICATOR_LAG else 100 * float(d.get("completion", 0)),
            expected=d.get("expected") if w.kind != INDICATOR_LAG else 100 * float(d.get("expected_share", 0)),
            lag=float(lag) if lag is not None else None, due=d.get("due"), days_overdue=d.get("days_overdue"),
            period=d.get("period"), new=w.kind in (LAG, OVERDUE) and w.node_id not in before,
        ))
    items.sort(key=lambda i: (i.light != RED, not i.new, KIND_ORDER.get(i.kind, 9), -(i.lag or 0.0), i.code))
    return items


# -- the whole picture ---------------------------------------------------------------------------

@dataclass
class Dashboard:
    """One plan at one as-of date for one org unit: what the dashboard and the big screen show."""

    plan_id: int
    plan_code: str
    revision: int
    as_of: dt.date
    month: int
    prev_as_of: dt.date | None
    scope: UnitScope
    units: list[UnitChoice]
    counts: dict[str, int]
    total_nodes: int
    kpis: list[Kpi]
    kpi_fallback: bool
    fronts: list[FrontRow]
    warnings: list[WarningItem]
    warning_counts: dict[str, int]
    ranking: list[RankRow]
    ranking_period: str | None
    projects: ProjectPanel | None
    investment: InvestmentSeries | None
    map: MapData | None
    built_ms: float = 0.0

    @property
    def top_warnings(self) -> list[WarningItem]:
        return self.warnings[:TOP_WARNINGS]

    @property
    def lights(self) -> list[tuple[str, int]]:
        return [(light, self.counts.get(light, 0)) for light in LIGHT_ORDER]


def _plan_stamp(plan: Plan) -> str:
    # created_at tells apart a plan re-created under the same id (a reset test database, a restored backup)
    stamp = int(plan.created_at.timestamp() * 1000) if plan.created_at else 0
    return f"shigongtu:dashboard:v{CACHE_VERSION}:{plan.pk}:{stamp}:{plan.revision}"


def cache_key(plan: Plan, as_of: dt.date, unit_id: int | None) -> str:
    return f"{_plan_stamp(plan)}:{as_of.isoformat()}:{unit_id or 0}"


def get_dashboard(plan: Plan, as_of: dt.date, unit_id: int | None = None) -> Dashboard:
    """The dashboard of ``plan`` at ``as_of`` for ``unit_id`` (None: the plan's own unit), cached
    per plan revision. ``plan`` must carry its current ``revision`` (as ``plan_for`` loads it)."""
    key = cache_key(plan, as_of, unit_id)
    found = cache.get(key)
    if isinstance(found, Dashboard):
        return found
    data = build_dashboard(plan, as_of, unit_id)
    cache.set(key, data, CACHE_SECONDS)
    return data


def build_dashboard(plan: Plan, as_of: dt.date, unit_id: int | None = None) -> Dashboard:
    """Assemble the dashboard from scratch (no cache of its own; the roll-up has its cache)."""
    started = time.perf_counter()
    rollup = get_rollup(plan, as_of)
    from shigongtu.dashboard.projects import project_unit_ids

    scope, units = unit_scope(plan, rollup, unit_id, project_unit_ids(plan))
    from shigongtu.web.rows import unit_names

    names = unit_names(m.lead_unit_id for m in rollup.meta.values())
    indicators, outs, values = judge_indicators(plan, as_of)

    # KPI cards: headline indicators (or the first ones) on nodes led within the scope
    chosen = [i for i in indicators if i.headline]
    fallback = not chosen
    chosen = chosen or indicators[:MAX_KPIS]
    by_id = {o.id: o for o in outs}
    kpis = [_kpi(ind, by_id[ind.pk], values.get(ind.pk, {}), rollup) for ind in chosen
            if scope.ids is None or scope.has(rollup.meta[ind.node_id].lead_unit_id if ind.node_id in rollup.meta
                                              else None)]

    # lights of the nodes in scope, and the fronts
    counts: dict[str, int] = defaultdict(int)
    fronts: dict[int, FrontRow] = {}
    front_of: dict[str, int] = {}
    for node_id in rollup.order:
        meta, res = rollup.meta[node_id], rollup.results[node_id]
        if res.depth == 0:
            fronts[node_id] = FrontRow(node_id, meta.code, meta.title, names.get(meta.lead_unit_id or 0, ""),
                                       meta.leader, res.progress, res.expected, res.light)
            front_of[meta.code] = node_id
    in_scope_fronts: set[int] = set()
    total = 0
    for node_id in rollup.order:
        meta, res = rollup.meta[node_id], rollup.results[node_id]
        if not scope.has(meta.lead_unit_id):
            continue
        total += 1
        counts[res.light] += 1
        front_id = front_of.get(meta.code.split(".", 1)[0])
        if front_id is None:
            continue
        in_scope_fronts.add(front_id)
        if res.depth > 0:
            row = fronts[front_id]
            row.tasks += 1
            row.red += res.light == RED
            row.yellow += res.light == YELLOW
    front_rows = [row for fid, row in fronts.items() if scope.ids is None or fid in in_scope_fronts]

    # warnings, newest (not lit a month ago) and most severe first
    prev = previous_as_of(plan, as_of)
    before: set[int] = set()
    prev_rollup = get_rollup(plan, prev) if prev else None
    if prev_rollup is not None:
        before = {i for i, r in prev_rollup.results.items() if r.light in (RED, YELLOW)}
    found = compute_warnings(plan, as_of, rollup=rollup, indicators=outs)
    warnings = _warning_items(found, rollup, scope, names, before)
    warning_counts = {RED: sum(1 for w in warnings if w.light == RED),
                      YELLOW: sum(1 for w in warnings if w.light == YELLOW), "total": len(warnings)}

    # department ranking with last month beside it
    rank_rows, period = ranking(plan, as_of, rollup, scope, names)
    if prev_rollup is not None and prev is not None:
        prev_rows, _ = ranking(plan, prev, prev_rollup, scope, names)
        by_unit = {r.unit_id: r for r in prev_rows}
        for ranked in rank_rows:
            ranked.prev = by_unit.get(ranked.unit_id)

    # the project library's panels (None when the plan has no projects)
    month = last_complete_month(as_of, plan.year)
    path = scope.path if scope.ids is not None else None
    panel = project_panel(plan, as_of, month, path, indicators, outs, front_of)
    if panel is not None:
        for code, (n, red, yellow) in panel.by_front.items():
            front = fronts.get(front_of.get(code, 0))
            if front is not None:
                front.projects, front.projects_red, front.projects_yellow = n, red, yellow
    series = investment_series(plan, as_of, month, path, indicators)
    points = map_data(plan, as_of, month, path) if panel else None

    return Dashboard(
        plan_id=plan.pk, plan_code=plan.code, revision=plan.revision, as_of=as_of, month=month, prev_as_of=prev,
        scope=scope, units=units, counts=dict(counts), total_nodes=total, kpis=kpis, kpi_fallback=fallback,
        fronts=front_rows, warnings=warnings[:KEPT_WARNINGS], warning_counts=warning_counts, ranking=rank_rows,
        ranking_period=period.key if period else None, projects=panel, investment=series, map=points,
        built_ms=round(1000 * (time.perf_counter() - started), 1),
    )

