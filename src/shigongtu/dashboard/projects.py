"""The dashboard's project panels (重点项目): stage funnel, starts against plan, projects started but
not in the statistics database, special-bond spending, the investment curve and the map.

Built on the project library's public pieces (``rules``, ``filters.light_q`` and
``attach_lights``, ``ProjectSettings.rules_for``) with grouped queries whose number does not
grow with the number of projects. ``path`` restricts everything to projects whose lead unit is
within that org unit (None: the whole plan). Amounts are 万元 in the database and 亿元 here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from shigongtu.lib.amounts import convert, is_money_unit
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW
from shigongtu.projects.filters import attach_lights, light_q
from shigongtu.projects.models import (
    BondDisbursement,
    BondExpenditure,
    BondProject,
    BondQuota,
    InvestmentReport,
    Project,
    ProjectSettings,
)
from shigongtu.projects.rules.bonds import BOND_DECLARED_STATES
from shigongtu.projects.rules.dates import latest_start
from shigongtu.projects.rules.lights import Rules, stats_light
from shigongtu.projects.rules.stages import CLOSED, PROGRESSION, REMOVED, SUSPENDED, TERMINATED
from shigongtu.projects.totals import month_totals

YI = Decimal(10000)            # 万元 per 亿元
BIG_PROJECT = Decimal(5000)    # 5000万元以上 (domain §0), unless an indicator says otherwise
NOT_IN_STATS_SHOWN = 8
MAP_POINTS = 3000              # the map draws at most this many projects (the largest first)


def _scope(path: str | None, prefix: str = "") -> Q:
    return Q(**{f"{prefix}lead_unit__path__startswith": path}) if path else Q()


def project_unit_ids(plan: Plan) -> list[int | None]:
    """The lead units of the plan's projects (for the unit picker)."""
    return list(Project.objects.filter(plan=plan).values_list("lead_unit_id", flat=True).distinct().order_by())


# -- panels ------------------------------------------------------------------------------------

@dataclass
class StageCount:
    stage: str
    count: int
    total: float  # 总投资, 亿元


@dataclass
class Starts:
    """开工: this year's planned new starts against actual starts, spring and 5000万元+ starts."""

    planned: int          # planned start in the plan year
    due: int              # planned to start by as-of
    due_started: int      # … and started by as-of
    started: int          # every start in the plan year up to as-of
    spring_planned: int
    spring_started: int
    spring_window: tuple[str, str]
    spring_target: float | None
    big_planned: int
    big_started: int
    big_threshold: float  # 万元
    big_target: float | None

    @property
    def rate(self) -> float | None:
        """开工率 among the projects due to start by as-of (percent)."""
        return 100 * self.due_started / self.due if self.due else None

    @property
    def big_threshold_text(self) -> str:
        return f"{self.big_threshold / 10000:g}亿" if self.big_threshold >= 10000 else f"{self.big_threshold:g}万"


@dataclass
class NotInStatsRow:
    code: str
    name: str
    lead_unit: str
    actual_start: dt.date
    total: float  # 亿元
    light: str
    days: int


@dataclass
class Bonds:
    """专项债: projects on the pipeline and their money at as-of (亿元)."""

    projects: int
    declared: int
    target: float | None
    quota: float
    disbursed: float
    spent: float

    @property
    def progress(self) -> float | None:
        """支付进度 = spent / quota (percent)."""
        return 100 * self.spent / self.quota if self.quota else None

    @property
    def disbursed_pct(self) -> float | None:
        return 100 * self.disbursed / self.quota if self.quota else None


@dataclass
class ProjectPanel:
    """What the project library adds to the dashboard."""

    total: int
    annual_plan: float          # 亿元
    ytd: float                  # 亿元, stored year-to-date (what the project list shows)
    red: int
    yellow: int
    funnel: list[StageCount]
    others: list[StageCount]
    starts: Starts
    not_in_stats: list[NotInStatsRow]
    not_in_stats_red: int
    not_in_stats_yellow: int
    bonds: Bonds | None
    by_front: dict[str, list[int]] = field(default_factory=dict)  # front code → [projects, red, yellow]

    @property
    def not_in_stats_count(self) -> int:
        return self.not_in_stats_red + self.not_in_stats_yellow

    @property
    def funnel_max(self) -> int:
        return max([1, *(s.count for s in self.funnel)])


def _targets(indicators: list[Indicator], outs: list[IndicatorOut]) -> dict[str, Any]:
    """The targets the plan sets through project-computed indicators (春季开工, 5000万元+, 专项债)."""
    found: dict[str, Any] = {}
    for ind in indicators:
        opts = ind.source_options if isinstance(ind.source_options, dict) else {}
        if ind.source == "projects.started" and opts.get("window") and "spring" not in found:
            found["spring"] = (float(ind.target), tuple(str(d) for d in opts["window"]))
        elif ind.source == "projects.started" and opts.get("min_total") not in (None, "") and "big" not in found:
            found["big"] = (float(ind.target), Decimal(str(opts["min_total"])))
        elif ind.source == "projects.bond_count" and "bonds" not in found:
            found["bonds"] = float(ind.target)
    return found


def project_panel(plan: Plan, as_of: dt.date, month: int, path: str | None, indicators: list[Indicator],
                  outs: list[IndicatorOut], front_codes: dict[str, int] | None = None) -> ProjectPanel | None:
    """The project panels, or None when the plan (or the unit) has no projects."""
    base = Project.objects.filter(plan=plan).filter(_scope(path))
    listed = base.exclude(stage=REMOVED)
    r = ProjectSettings.rules_for(plan)
    targets = _targets(indicators, outs)
    year_start, year_end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    until = min(as_of, year_end)
    spring_target, window = targets.get("spring", (None, (f"{plan.year}-03-01", f"{plan.year}-05-31")))
    big_target, big = targets.get("big", (None, BIG_PROJECT))
    bond_target = targets.get("bonds")
    if path is not None:  # the plan's targets are the whole plan's, not one unit's share
        spring_target = big_target = bond_target = None
    spring_from, spring_to = dt.date.fromisoformat(window[0]), dt.date.fromisoformat(window[1])
    totals = listed.aggregate(
        n=Count("pk"), annual=Sum("annual_plan"), ytd=Sum("ytd_investment"),
        planned=Count("pk", filter=Q(planned_start__gte=year_start, planned_start__lte=year_end)),
        due=Count("pk", filter=Q(planned_start__gte=year_start, planned_start__lte=until)),
        due_started=Count("pk", filter=Q(planned_start__gte=year_start, planned_start__lte=until,
                                         actual_start__isnull=False, actual_start__lte=as_of)),
        started=Count("pk", filter=Q(actual_start__gte=year_start, actual_start__lte=until)),
        spring_planned=Count("pk", filter=Q(spring_start=True) | Q(planned_start__gte=spring_from,
                                                                    planned_start__lte=spring_to)),
        spring_started=Count("pk", filter=Q(actual_start__gte=spring_from, actual_start__lte=min(spring_to, as_of))),
        big_planned=Count("pk", filter=Q(total_investment__gte=big, planned_start__gte=year_start,
                                         planned_start__lte=year_end)),
        big_started=Count("pk", filter=Q(total_investment__gte=big, actual_start__gte=year_start,
                                         actual_start__lte=until)),
    )
    if not totals["n"] and not base.exists():
        return None
    stages = {stage: (n, total) for stage, n, total in
              base.values_list("stage").annotate(n=Count("pk"), t=Sum("total_investment")).order_by()
              .values_list("stage", "n", "t")}

    def stage_row(stage: str) -> StageCount:
        n, total = stages.get(stage, (0, None))
        return StageCount(stage, n, float((total or Decimal(0)) / YI))

    funnel = [stage_row(s) for s in PROGRESSION]
    others = [stage_row(s) for s in (SUSPENDED, REMOVED, TERMINATED) if stages.get(s)]

    lit: dict[str, set[int]] = {}
    for light in (RED, YELLOW):
        lit[light] = set(base.filter(light_q(light, as_of, month, r, plan.year)).values_list("pk", flat=True))

    by_front: dict[str, list[int]] = {}
    if front_codes:
        seen: dict[str, set[int]] = defaultdict(set)
        through = Project.nodes.through
        for pid, code in through.objects.filter(project__in=base.values("pk")).values_list(
                "project_id", "node__code"):
            seen[code.split(".", 1)[0]].add(pid)
        for front, pids in seen.items():
            by_front[front] = [len(pids), len(pids & lit[RED]), len(pids & lit[YELLOW])]

    return ProjectPanel(
        total=totals["n"], annual_plan=float((totals["annual"] or Decimal(0)) / YI),
        ytd=float((totals["ytd"] or Decimal(0)) / YI), red=len(lit[RED]), yellow=len(lit[YELLOW]),
        funnel=funnel, others=others,
        starts=Starts(
            planned=totals["planned"], due=totals["due"], due_started=totals["due_started"], started=totals["started"],
            spring_planned=totals["spring_planned"], spring_started=totals["spring_started"],
            spring_window=(window[0], window[1]), spring_target=spring_target,
            big_planned=totals["big_planned"], big_started=totals["big_started"], big_threshold=float(big),
            big_target=big_target,
        ),
        **_not_in_stats(base, as_of, r),
        bonds=_bonds(plan, as_of, path, bond_target),
        by_front=by_front,
    )


def _not_in_stats(base: Any, as_of: dt.date, r: Rules) -> dict[str, Any]:
    """开工未入库: started projects over the statistics threshold still outside the database after
    ``stats_yellow_months`` (the same rule as the project list's light filter)."""
    in_stats = Q(in_statistics=True) & (Q(statistics_date__isnull=True) | Q(statistics_date__lte=as_of))
    qs = (base.exclude(stage__in=CLOSED).exclude(in_stats)
          .filter(actual_start__isnull=False, total_investment__gte=r.stats_threshold,
                  actual_start__lte=latest_start(as_of, r.stats_yellow_months)))
    red_cut = latest_start(as_of, r.stats_red_months)
    counts = qs.aggregate(red=Count("pk", filter=Q(actual_start__lte=red_cut)), n=Count("pk"))
    rows = []
    for code, name, unit, start, total in qs.order_by("actual_start", "code").values_list(
            "code", "name", "lead_unit__name", "actual_start", "total_investment")[:NOT_IN_STATS_SHOWN]:
        light = stats_light(start, total, False, as_of, r) or YELLOW
        rows.append(NotInStatsRow(code, name, unit or "", start, float(total / YI), light, (as_of - start).days))
    return {"not_in_stats": rows, "not_in_stats_red": counts["red"], "not_in_stats_yellow": counts["n"] - counts["red"]}


def _bonds(plan: Plan, as_of: dt.date, path: str | None, target: float | None) -> Bonds | None:
    bonds = BondProject.objects.filter(project__plan=plan).filter(_scope(path, "project__"))
    counts = bonds.aggregate(n=Count("pk"), declared=Count("pk", filter=Q(
        state__in=BOND_DECLARED_STATES) & (Q(declared_on__isnull=True) | Q(declared_on__lte=as_of))))
    if not counts["n"]:
        return None
    money = {}
    for name, model in (("quota", BondQuota), ("disbursed", BondDisbursement), ("spent", BondExpenditure)):
        total = model.objects.filter(bond__project__plan=plan, date__lte=as_of).filter(
            _scope(path, "bond__project__")).aggregate(s=Sum("amount"))["s"]
        money[name] = float((total or Decimal(0)) / YI)
    return Bonds(projects=counts["n"], declared=counts["declared"], target=target, **money)


# -- investment curve --------------------------------------------------------------------------

@dataclass
class InvestmentSeries:
    """Completed investment month by month (亿元) against the plan curve and the linear time line.

    ``monthly``/``stats_monthly`` hold months 1..m (调度口径 as owners report; 统计口径 as it
    entered the statistics), None where nothing was reported; ``stats_monthly`` is None when no
    statistics figure exists at all. ``curve`` holds the 12 cumulative plan shares.
    """

    month: int
    target: float
    curve: list[float]
    basis: str                        # "indicator": the plan's investment indicator; "projects": Σ annual plans
    indicator: str
    monthly: list[float | None]
    stats_monthly: list[float | None] | None

    @staticmethod
    def _cumulate(values: list[float | None]) -> list[float]:
        out, total = [], 0.0
        for v in values:
            total += v or 0.0
            out.append(total)
        return out

    @property
    def cumulative(self) -> list[float]:
        return self._cumulate(self.monthly)

    @property
    def stats_cumulative(self) -> list[float] | None:
        return self._cumulate(self.stats_monthly) if self.stats_monthly is not None else None

    @property
    def plan_line(self) -> list[float]:
        return [self.target * c for c in self.curve]

    @property
    def linear_line(self) -> list[float]:
        return [self.target * m / 12 for m in range(1, 13)]

    @property
    def actual(self) -> float:
        return self.cumulative[-1] if self.monthly else 0.0

    @property
    def completion(self) -> float | None:
        return 100 * self.actual / self.target if self.target else None

    @property
    def vs_curve(self) -> float | None:
        if not self.target or not self.month:
            return None
        return 100 * (self.actual / self.target - self.curve[self.month - 1])

    @property
    def vs_linear(self) -> float | None:
        if not self.target or not self.month:
            return None
        return 100 * (self.actual / self.target - self.month / 12)


def investment_series(plan: Plan, as_of: dt.date, month: int, path: str | None,
                      indicators: list[Indicator]) -> InvestmentSeries | None:
    """The investment curve of the plan (or unit), None when there is neither a project nor an
    investment report. The target is the plan's investment indicator for the whole plan, the
    sum of the projects' annual plans for a unit."""
    projects = Project.objects.filter(plan=plan).filter(_scope(path)).exclude(stage=REMOVED)
    periods = [Period(plan.year, m).key for m in range(1, month + 1)]
    sums: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    if periods and path is None:
        sums = month_totals(plan.pk, periods)  # the library's own cache of the plan-wide sums
    elif periods and path:
        reports = InvestmentReport.objects.filter(plan=plan, status__in=InvestmentReport.COUNTING,
                                                  period__gte=periods[0], period__lte=periods[-1],
                                                  project__lead_unit__path__startswith=path)
        removed = list(Project.objects.filter(plan=plan, stage=REMOVED).values_list("pk", flat=True))
        if removed:
            reports = reports.exclude(project_id__in=removed)
        sums = {p: (a, s) for p, a, s in reports.values_list("period").annotate(
            a=Sum("amount"), s=Sum("stats_amount")).order_by().values_list("period", "a", "s")}
    annual = projects.aggregate(s=Sum("annual_plan"), n=Count("pk"))
    if not annual["n"] and not any(a is not None for a, _ in sums.values()):
        return None
    r = ProjectSettings.rules_for(plan)
    curve = list(r.curve or [m / 12 for m in range(1, 13)])
    target = float((annual["s"] or Decimal(0)) / YI)
    basis, name = "projects", ""
    if path is None:
        for ind in indicators:
            opts = ind.source_options if isinstance(ind.source_options, dict) else {}
            if ind.source == "projects.investment" and opts.get("basis", "dispatch") != "statistics":
                if is_money_unit(ind.unit):
                    target = float(convert(Decimal(ind.target), ind.unit, "亿元"))
                    curve = [float(c) for c in ind.curve] if ind.curve else [m / 12 for m in range(1, 13)]
                    basis, name = "indicator", ind.name
                break

    def month_values(index: int) -> list[float | None]:
        out: list[float | None] = []
        for m in range(1, month + 1):
            row = sums.get(Period(plan.year, m).key)
            value = row[index] if row else None
            out.append(float(value / YI) if value is not None else None)
        return out

    stats = month_values(1)
    return InvestmentSeries(month=month, target=target, curve=curve, basis=basis, indicator=name,
                            monthly=month_values(0),
                            stats_monthly=stats if any(v is not None for v in stats) else None)


# -- map ---------------------------------------------------------------------------------------

@dataclass
class MapPoint:
    code: str
    name: str
    lng: float
    lat: float
    light: str
    stage: str
    total: float  # 亿元


@dataclass
class MapData:
    points: list[MapPoint]
    located: int                              # projects with coordinates (may exceed the points drawn)
    extent: tuple[float, float, float, float]  # min lng, min lat, max lng, max lat (WGS84)

    @property
    def truncated(self) -> bool:
        return self.located > len(self.points)


def map_data(plan: Plan, as_of: dt.date, month: int, path: str | None) -> MapData | None:
    """The located projects (WGS84) with their overall light, the largest first; None without any."""
    qs = (Project.objects.filter(plan=plan, lng__isnull=False, lat__isnull=False).filter(_scope(path))
          .exclude(stage__in=CLOSED))
    located = qs.count()
    if not located:
        return None
    rows = list(qs.only("pk", "code", "name", "lng", "lat", "stage", "total_investment", "annual_plan",
                        "planned_start", "actual_start", "in_statistics", "statistics_date", "ytd_investment")
                .order_by("-total_investment", "code")[:MAP_POINTS])
    attach_lights(rows, as_of, month, ProjectSettings.rules_for(plan), plan.year)
    points = [MapPoint(p.code, p.name, float(p.lng or 0), float(p.lat or 0), getattr(p, "light", GREEN), p.stage,
                       float(p.total_investment / YI)) for p in rows]
    lngs, lats = [p.lng for p in points], [p.lat for p in points]
    return MapData(points, located, (min(lngs), min(lats), max(lngs), max(lats)))


def tile_grid(extent: tuple[float, float, float, float], max_tiles: int = 48) -> dict[str, int]:
    """The Web Mercator (XYZ) tiles covering an extent, at the deepest zoom that needs at most
    ``max_tiles`` tiles: ``{"z", "x0", "x1", "y0", "y1"}``."""
    min_lng, min_lat, max_lng, max_lat = extent
    for z in range(17, 2, -1):
        x0, y1 = lnglat_to_tile(min_lng, min_lat, z)
        x1, y0 = lnglat_to_tile(max_lng, max_lat, z)
        x0, y0, x1, y1 = math.floor(x0), math.floor(y0), math.floor(x1), math.floor(y1)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles:
            return {"z": z, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
    return {"z": 3, "x0": 0, "x1": 7, "y0": 0, "y1": 7}


def lnglat_to_tile(lng: float, lat: float, z: int) -> tuple[float, float]:
    """WGS84 to fractional XYZ tile coordinates at zoom ``z`` (Web Mercator)."""
    n = 2 ** z
    lat_r = math.radians(max(min(lat, 85.05), -85.05))
    return (lng + 180) / 360 * n, (1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n
