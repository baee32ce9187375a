"""重点项目: stage funnel, starts against plan, projects started but not in the statistics database.

Built on the project library's public pieces (``rules``, ``projects.selectors.lit_projects``,
``ProjectSettings.rules_for``) with grouped queries whose number does not grow with the
number of projects. ``path`` restricts everything to projects whose lead unit is within that
org unit (None: the whole plan). Amounts are 万元 in the database and 亿元 here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from shigongtu.dashboard.cards.bonds import Bonds
from shigongtu.dashboard.cards.common import YI, plan_targets
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.dates import latest_start
from shigongtu.projects.rules.lights import Rules, stats_light
from shigongtu.projects.rules.stages import CLOSED, PROGRESSION, REMOVED, SUSPENDED, TERMINATED
from shigongtu.projects.selectors import lit_projects, unit_q

BIG_PROJECT = Decimal(5000)    # 5000万元以上 (domain §0), unless an indicator says otherwise
NOT_IN_STATS_SHOWN = 8


def project_unit_ids(plan: Plan) -> list[int | None]:
    """The lead units of the plan's projects (for the unit picker)."""
    return list(Project.objects.filter(plan=plan).values_list("lead_unit_id", flat=True).distinct().order_by())


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


def project_panel(plan: Plan, as_of: dt.date, month: int, path: str | None, indicators: list[Indicator],
                  outs: list[IndicatorOut], by_fronts: bool = False) -> ProjectPanel | None:
    """The project panels, or None when the plan (or the unit) has no projects."""
    base = Project.objects.filter(plan=plan).filter(unit_q(path))
    listed = base.exclude(stage=REMOVED)
    r = ProjectSettings.rules_for(plan)
    targets = plan_targets(indicators, outs)
    year_start, year_end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    until = min(as_of, year_end)
    spring_target, window = targets.get("spring", (None, (f"{plan.year}-03-01", f"{plan.year}-05-31")))
    big_target, big = targets.get("big", (None, BIG_PROJECT))
    if path is not None:  # the plan's targets are the whole plan's, not one unit's share
        spring_target = big_target = None
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

    lit = lit_projects(plan, as_of, path)  # the project lights the bulletin prints too

    by_front: dict[str, list[int]] = {}
    if by_fronts:
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
        bonds=None,  # the bonds card fills it in
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


def build(ctx: CardContext) -> dict[str, Any]:
    """The project panel (None without projects), with each front's project counts (a project-side card)."""
    f = ctx.figures
    panel = project_panel(ctx.plan, ctx.as_of, ctx.month, ctx.path, f.indicators, f.judged, True)
    ctx.panel = panel
    return {"projects": panel}


def fill_fronts(ctx: CardContext, panel: ProjectPanel | None) -> None:
    """Each front row's project counts, from the panel."""
    if panel is not None:
        for code, (n, red, yellow) in panel.by_front.items():
            front = ctx.fronts.get(ctx.front_of.get(code, 0))
            if front is not None:
                front.projects, front.projects_red, front.projects_yellow = n, red, yellow
