"""The command dashboard's data (驾驶舱): one plan, one as-of month, one org unit.

The page is an ordered list of cards (:data:`shigongtu.dashboard.cards.CARDS`), each filling
its fields of :class:`Dashboard` from the plans' and the project library's read models
(``plans.selectors.month_figures``, ``projects.selectors``), so the dashboard and the bulletin
print the same figures. The picture is cached per (plan, revision, as-of, unit) through
``utilities.cache.cached_for_plan``: any report, import or edit bumps ``Plan.revision``, so a
cached picture is never stale. Views only pick the dataclasses up and render them; labels are
translated at render time, so the cached data is the same in every language.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from shigongtu.attraction.selectors import LeadCard
from shigongtu.dashboard import cards
from shigongtu.dashboard.cards import CardContext
from shigongtu.dashboard.cards.fronts import FrontRow
from shigongtu.dashboard.cards.indicators import Kpi
from shigongtu.dashboard.cards.investment import InvestmentSeries
from shigongtu.dashboard.cards.map import Findings, MapData
from shigongtu.dashboard.cards.project_side import project_unit_ids
from shigongtu.dashboard.cards.projects import ProjectPanel
from shigongtu.dashboard.cards.reporting import RankRow
from shigongtu.dashboard.cards.warnings import WarningItem
from shigongtu.dashboard.scope import UnitChoice, UnitScope, unit_names, unit_scope
from shigongtu.enterprises.selectors import TierCard
from shigongtu.lib.periods import Period, last_complete_month
from shigongtu.plans.models import Plan
from shigongtu.plans.rules.lights import CANCELLED, DONE, RED, YELLOW
from shigongtu.plans.selectors import default_as_of, get_rollup, month_figures
from shigongtu.supervision.selectors import Card as SupervisionCard
from shigongtu.utilities.cache import CACHE_SECONDS, cached_for_plan, plan_key

__all__ = ["CACHE_SECONDS", "Dashboard", "build_dashboard", "cache_key", "dashboard_default_as_of",
           "get_dashboard", "month_choices", "previous_as_of"]

TOP_WARNINGS = 12
LIGHT_ORDER = (RED, YELLOW, "green", DONE, "pending", CANCELLED)


# -- the as-of month ---------------------------------------------------------------------------

def dashboard_default_as_of(plan: Plan, today: dt.date) -> dt.date:
    """The dashboard's date: the plan's default as-of (:func:`plans.selectors.default_as_of`), the
    same every page uses. A finished plan's default reads its latest report (a query over every
    report), so the answer is cached per revision."""
    return cached_for_plan(plan, f"dashboard:default:{today.isoformat()}:{plan.default_as_of}",
                           lambda: default_as_of(plan, today), dt.date)


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
    warning_kinds: dict[str, dict[str, int]]   # kind → light → count (the bulletin's count too)
    task_lights: dict[str, int]                # 末级任务 in scope by light (the bulletin's count too)
    ranking: list[RankRow]
    ranking_period: str | None
    projects: ProjectPanel | None
    investment: InvestmentSeries | None
    map: MapData | None
    leads: LeadCard | None = None       # 招商引资 (whole plan only)
    tiers: TierCard | None = None       # 企业梯度培育 (whole plan only)
    supervision: SupervisionCard | None = None  # 督办事项 (whole plan only)
    findings: Findings | None = None  # 督办事项 with coordinates on the map, by type and light (whole plan only)
    built_ms: float = 0.0

    @property
    def top_warnings(self) -> list[WarningItem]:
        return self.warnings[:TOP_WARNINGS]

    @property
    def lights(self) -> list[tuple[str, int]]:
        return [(light, self.counts.get(light, 0)) for light in LIGHT_ORDER]


def cache_key(plan: Plan, as_of: dt.date, unit_id: int | None) -> str:
    """The cache key of the picture (the views key their rendered pieces below it)."""
    return plan_key(plan, _picture(as_of, unit_id))


def _picture(as_of: dt.date, unit_id: int | None) -> str:
    return f"dashboard:{as_of.isoformat()}:{unit_id or 0}"


def get_dashboard(plan: Plan, as_of: dt.date, unit_id: int | None = None) -> Dashboard:
    """The dashboard of ``plan`` at ``as_of`` for ``unit_id`` (None: the plan's own unit), cached
    per plan revision. ``plan`` must carry its current ``revision`` (as ``plan_for`` loads it)."""
    return cached_for_plan(plan, _picture(as_of, unit_id), lambda: build_dashboard(plan, as_of, unit_id), Dashboard)


def build_dashboard(plan: Plan, as_of: dt.date, unit_id: int | None = None) -> Dashboard:
    """Assemble the dashboard from scratch, card by card (no cache of its own; the roll-up has its cache)."""
    started = time.perf_counter()
    figures = month_figures(plan, as_of)
    rollup = figures.rollup
    scope, units = unit_scope(plan, rollup, unit_id, project_unit_ids(plan))
    names = unit_names(rollup.lead_units)
    prev = previous_as_of(plan, as_of)
    month = last_complete_month(as_of, plan.year)
    ctx = CardContext(plan, as_of, month, figures, scope, names, prev, get_rollup(plan, prev) if prev else None)
    fields: dict[str, object] = {}
    for card in cards.CARDS:
        fields.update(card(ctx))
    return Dashboard(
        plan_id=plan.pk, plan_code=plan.code, revision=plan.revision, as_of=as_of, month=month, prev_as_of=prev,
        scope=scope, units=units, **fields,  # type: ignore[arg-type]
        built_ms=round(1000 * (time.perf_counter() - started), 1),
    )
