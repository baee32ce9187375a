"""The library's lights and their thresholds: 开工 (unstarted past the planned start), 入库 (started
but not in the statistics database) and 投资 (investment behind the seasonal plan curve)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from shigongtu.plans.rules.indicators import expected_share
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW
from shigongtu.projects.rules.dates import add_months
from shigongtu.projects.rules.stages import CLOSED

ORDER = {None: 0, GREEN: 1, YELLOW: 2, RED: 3}


def worst(lights: Iterable[str | None]) -> str | None:
    """The most severe of some lights (red > yellow > green); None when there is none."""
    found: str | None = None
    for light in lights:
        if ORDER.get(light, 0) > ORDER.get(found, 0):
            found = light
    return found


@dataclass(frozen=True)
class Rules:
    """The library's warning thresholds (configurable per plan, defaults from domain §2.3 and §6).

    - 入库: a started project with total investment ≥ ``stats_threshold`` 万元 and not in the
      statistics database is yellow ``stats_yellow_months`` after its start, red after
      ``stats_red_months``.
    - 开工: a project past its planned start and not started is yellow, red once
      ``unstarted_red_months`` have passed.
    - 投资: a started project whose year-to-date investment is behind the seasonal plan curve
      by ``invest_yellow``/``invest_red`` percentage points.
    - 专项债: unspent money idle for ``idle_yellow_days``/``idle_red_days``; spending behind a
      straight line to full spending ``spend_months`` after the first quota by
      ``spend_yellow``/``spend_red`` points.
    """

    stats_threshold: Decimal = Decimal(500)
    stats_yellow_months: int = 1
    stats_red_months: int = 2
    unstarted_red_months: int = 3
    invest_yellow: float = 10.0
    invest_red: float = 30.0
    idle_yellow_days: int = 30
    idle_red_days: int = 90
    spend_months: int = 12
    spend_yellow: float = 10.0
    spend_red: float = 20.0
    curve: tuple[float, ...] | None = None  # 12 cumulative shares; None = linear month/12


DEFAULT_RULES = Rules()

# The default plan curve for investment in a Changchun zone (domain §8), cumulative by month.
SEASONAL_CURVE = (0.0125, 0.025, 0.055, 0.125, 0.235, 0.365, 0.495, 0.625, 0.755, 0.875, 0.955, 1.0)


def stats_light(started_on: dt.date | None, total: Decimal | None, in_stats: bool, as_of: dt.date,
                rules: Rules = DEFAULT_RULES) -> str | None:
    """入库 light: None when the rule does not apply (not started, below the threshold, or after as-of);
    green when in the statistics database; else yellow/red by the months passed since the start."""
    if started_on is None or started_on > as_of or total is None or total < rules.stats_threshold:
        return None
    if in_stats:
        return GREEN
    if as_of >= add_months(started_on, rules.stats_red_months):
        return RED
    if as_of >= add_months(started_on, rules.stats_yellow_months):
        return YELLOW
    return GREEN


def start_light(planned_start: dt.date | None, actual_start: dt.date | None, stage: str, as_of: dt.date,
                rules: Rules = DEFAULT_RULES) -> str | None:
    """开工 light: None without a planned start or for a removed/terminated project; green when
    started (on or before as-of) or not yet due; yellow once the planned start has passed; red
    ``unstarted_red_months`` after it."""
    if planned_start is None or stage in CLOSED:
        return None
    if actual_start is not None and actual_start <= as_of:
        return GREEN
    if as_of <= planned_start:
        return GREEN
    if as_of >= add_months(planned_start, rules.unstarted_red_months):
        return RED
    return YELLOW


def lag_limit(share: float, points: float) -> Decimal:
    """The completion (a fraction) at or below which a project lags by ``points`` or more."""
    return Decimal(str(share)) - Decimal(str(points)) / 100


def share_since(curve: Sequence[float] | None, start_month: int, month: int) -> float:
    """The share of the annual plan due by the end of ``month`` for a project that started in
    ``start_month`` of the plan year (1 for one started earlier): the plan curve's remainder from
    the start month, scaled to the whole year's plan."""
    if month <= 0 or start_month > month:
        return 0.0
    before = expected_share(curve, start_month - 1)
    if before >= 1:
        return 1.0
    return (expected_share(curve, month) - before) / (1 - before)


def investment_light(ytd: Decimal, annual_plan: Decimal | None, month: int, rules: Rules = DEFAULT_RULES,
                     start_month: int = 1) -> str | None:
    """投资 light: completion = ytd / annual plan against the share due at month m (the plan
    curve from the project's start month, see :func:`share_since`).

    None without an annual plan or before anything is due; red when behind by ``invest_red``
    points or more, yellow by ``invest_yellow``, else green. Compared as
    ``ytd ≤ plan × (share − points/100)`` in decimals, the same inequality the list filter
    puts into SQL.
    """
    share = share_since(rules.curve, start_month, month)
    if not annual_plan or annual_plan <= 0 or share <= 0:
        return None
    if ytd <= annual_plan * lag_limit(share, rules.invest_red):
        return RED
    if ytd <= annual_plan * lag_limit(share, rules.invest_yellow):
        return YELLOW
    return GREEN


class ProjectFacts(Protocol):
    """What the lights read of a project (a Project row satisfies it)."""

    planned_start: dt.date | None
    actual_start: dt.date | None
    stage: str
    total_investment: Decimal
    annual_plan: Decimal
    in_statistics: bool
    statistics_date: dt.date | None


LIGHT_KINDS = ("start", "stats", "investment")


def start_month(actual_start: dt.date, year: int) -> int:
    """The plan-year month a project started in: 1 when it started in an earlier year, 13 (never
    due) when in a later one."""
    if actual_start.year < year:
        return 1
    return actual_start.month if actual_start.year == year else 13


def project_lights(p: ProjectFacts, ytd: Decimal, as_of: dt.date, month: int, rules: Rules = DEFAULT_RULES,
                   year: int | None = None) -> dict[str, str | None]:
    """A project's lights at as-of: 开工 (start), 入库 (stats) and 投资 (investment, on ``ytd``
    through month m of plan year ``year``, default as-of's). The statistics flag counts from its
    date when one is recorded."""
    in_stats = p.in_statistics and (p.statistics_date is None or p.statistics_date <= as_of)
    started = p.actual_start is not None and p.actual_start <= as_of and p.stage not in CLOSED
    first = start_month(p.actual_start, year or as_of.year) if p.actual_start is not None else 1
    return {
        "start": start_light(p.planned_start, p.actual_start, p.stage, as_of, rules),
        "stats": stats_light(p.actual_start, p.total_investment, in_stats, as_of, rules) if p.stage not in CLOSED
        else None,
        "investment": investment_light(ytd, p.annual_plan, month, rules, first) if started else None,
    }

