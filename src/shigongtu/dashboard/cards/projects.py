"""重点项目: stage funnel, starts against plan, projects started but not in the statistics database.

Built on the project library's public pieces (``rules``, ``projects.selectors.lit_projects``,
``ProjectSettings.rules_for``) with grouped queries whose number does not grow with the
number of projects. ``path`` restricts everything to projects whose lead unit is within that
org unit (None: the whole plan). Amounts are 万元 in the database and 亿元 here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shigongtu.dashboard.cards import project_tally
from shigongtu.dashboard.cards.bonds import Bonds
from shigongtu.dashboard.cards.common import YI, plan_targets
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.lights import Rules, stats_light
from shigongtu.projects.rules.stages import PROGRESSION, REMOVED, SUSPENDED, TERMINATED
from shigongtu.projects.selectors import lit_projects

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
                  outs: list[IndicatorOut], by_fronts: bool = False,
                  kept: project_tally.Tally | None = None,
                  front_counts: tuple[dict[str, list[int]], dict[str, set[int]], set[int]] | None = None,
                  ) -> tuple[ProjectPanel | None, dict[str, set[int]]]:
    """The project panels, or None when the plan (or the unit) has no projects, and the project
    lights they read. ``front_counts`` (the counts before, their lights, the projects changed
    since) moves the fronts' counts by those projects alone instead of counting them again."""
    r = ProjectSettings.rules_for(plan)
    targets = plan_targets(indicators, outs)
    spring_target, window = targets.get("spring", (None, (f"{plan.year}-03-01", f"{plan.year}-05-31")))
    big_target, big = targets.get("big", (None, BIG_PROJECT))
    if path is not None:  # the plan's targets are the whole plan's, not one unit's share
        spring_target = big_target = None
    kept = kept or panel_tally(plan, as_of, path, indicators, outs)
    if not kept.rows:
        return None, {}
    totals = kept.totals
    stages = project_tally.stage_counts(kept)

    def stage_row(stage: str) -> StageCount:
        n, total = stages.get(stage, (0, None))
        return StageCount(stage, n, float((total or Decimal(0)) / YI))

    funnel = [stage_row(s) for s in PROGRESSION]
    others = [stage_row(s) for s in (SUSPENDED, REMOVED, TERMINATED) if stages.get(s)]

    lit = lit_projects(plan, as_of, path)  # the project lights the bulletin prints too
    by_front = _front_counts(kept, lit, front_counts) if by_fronts else {}

    return ProjectPanel(
        total=totals["n"], annual_plan=float((kept.annual if kept.annual_seen else Decimal(0)) / YI),
        ytd=float(kept.ytd / YI), red=len(lit[RED]), yellow=len(lit[YELLOW]),
        funnel=funnel, others=others,
        starts=Starts(
            planned=totals["planned"], due=totals["due"], due_started=totals["due_started"], started=totals["started"],
            spring_planned=totals["spring_planned"], spring_started=totals["spring_started"],
            spring_window=(window[0], window[1]), spring_target=spring_target,
            big_planned=totals["big_planned"], big_started=totals["big_started"], big_threshold=float(big),
            big_target=big_target,
        ),
        **_not_in_stats(kept, as_of, r),
        bonds=None,  # the bonds card fills it in
        by_front=by_front,
    ), lit


def _light(pk: int, lit: dict[str, set[int]]) -> str | None:
    return RED if pk in lit[RED] else YELLOW if pk in lit[YELLOW] else None


def _front_counts(kept: project_tally.Tally, lit: dict[str, set[int]],
                  before: tuple[dict[str, list[int]], dict[str, set[int]], set[int]] | None) -> dict[str, list[int]]:
    """Front code → [projects, red, yellow]: counted afresh, or the counts ``before`` moved by the
    lights of the projects that changed (their fronts did not: only their investment did)."""
    if before is None:
        return {front: [len(pids), len(pids & lit[RED]), len(pids & lit[YELLOW])]
                for front, pids in kept.fronts.items()}
    counts, old_lit, changed = before
    out = {front: list(row) for front, row in counts.items()}
    for pk in changed:
        old, new = _light(pk, old_lit), _light(pk, lit)
        if old == new:
            continue
        for front in kept.fronts_of.get(pk, ()):
            row = out[front]
            row[1] += (new == RED) - (old == RED)
            row[2] += (new == YELLOW) - (old == YELLOW)
    return out


def panel_tally(plan: Plan, as_of: dt.date, path: str | None, indicators: list[Indicator],
                outs: list[IndicatorOut]) -> project_tally.Tally:
    """The projects' tally the panel and the map read (judged against the plan's spring window and
    big-project threshold), brought forward by the read model."""
    targets = plan_targets(indicators, outs)
    _, window = targets.get("spring", (None, (f"{plan.year}-03-01", f"{plan.year}-05-31")))
    _, big = targets.get("big", (None, BIG_PROJECT))
    return project_tally.tally(plan, path, project_tally.window(plan, as_of, (window[0], window[1]), big))


def _not_in_stats(kept: project_tally.Tally, as_of: dt.date, r: Rules) -> dict[str, Any]:
    """开工未入库: started projects over the statistics threshold still outside the database after
    ``stats_yellow_months`` (the same rule as the project list's light filter), from the tally."""
    rows = []
    for _, _, pk in kept.not_in_stats[:NOT_IN_STATS_SHOWN]:
        p = kept.rows[pk]
        start, total = p.actual_start, p.total_investment or Decimal(0)
        assert start is not None  # a candidate has started
        light = stats_light(start, total, False, as_of, r) or YELLOW
        rows.append(NotInStatsRow(p.code, p.name, p.lead_unit or "", start, float(total / YI), light,
                                  (as_of - start).days))
    red = kept.not_in_stats_red
    return {"not_in_stats": rows, "not_in_stats_red": red, "not_in_stats_yellow": len(kept.not_in_stats) - red}


def build(ctx: CardContext) -> dict[str, Any]:
    """The project panel (None without projects), with each front's project counts (a project-side card)."""
    f = ctx.figures
    ctx.tally = panel_tally(ctx.plan, ctx.as_of, ctx.path, f.indicators, f.judged)
    panel, ctx.lit = project_panel(ctx.plan, ctx.as_of, ctx.month, ctx.path, f.indicators, f.judged, True,
                                   ctx.tally, ctx.front_counts)
    ctx.panel = panel
    return {"projects": panel}


def fill_fronts(ctx: CardContext, panel: ProjectPanel | None) -> None:
    """Each front row's project counts, from the panel."""
    if panel is not None:
        for code, (n, red, yellow) in panel.by_front.items():
            front = ctx.fronts.get(ctx.front_of.get(code, 0))
            if front is not None:
                front.projects, front.projects_red, front.projects_yellow = n, red, yellow
