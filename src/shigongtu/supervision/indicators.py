"""Indicators whose actuals come from the plan's supervision items (指标取数自督办事项),
registered in :data:`shigongtu.plans.selectors.INDICATOR_SOURCES` from the app's ready().

- ``supervision.closed`` (flow): the number of items 销号 in each month of the plan year.
- ``supervision.closure_rate`` (stock): at each month's end, items closed (销号日期 ≤ the day) as
  a percentage of the items assigned by then (交办日期 ≤ the day, or none).

Options (``Indicator.source_options``): ``campaign`` (only one 批次), ``source`` (only one 来源).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.selectors import INDICATOR_SOURCES, SOURCE_ASPECTS
from shigongtu.supervision.models import SupervisionItem

Values = dict[int, dict[int, float]]


def _items(plan: Plan, ind: Indicator) -> Q:
    opts: dict[str, Any] = ind.source_options if isinstance(ind.source_options, dict) else {}
    q = Q(plan=plan)
    if opts.get("campaign"):
        q &= Q(campaign=str(opts["campaign"]))
    if opts.get("source"):
        q &= Q(source=str(opts["source"]))
    return q


def closed_count(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
    """Per month of the plan year, the number of items whose 销号日期 falls in it."""
    out: Values = {}
    for ind in indicators:
        months: dict[int, float] = {}
        for day in SupervisionItem.objects.filter(
                _items(plan, ind), closed_on__year=plan.year).values_list("closed_on", flat=True):
            if day is not None:
                months[day.month] = months.get(day.month, 0.0) + 1
        out[ind.pk] = months
    return out


def closure_rate(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
    """At each month's end, closed ÷ assigned so far, in % (months with nothing assigned are left out)."""
    out: Values = {}
    for ind in indicators:
        rows = list(SupervisionItem.objects.filter(_items(plan, ind)).values_list("assigned_on", "closed_on"))
        months: dict[int, float] = {}
        for m in range(1, 13):
            end = Period(plan.year, m).last_day
            assigned = [c for a, c in rows if a is None or a <= end]
            if assigned:
                months[m] = 100.0 * sum(1 for c in assigned if c is not None and c <= end) / len(assigned)
        out[ind.pk] = months
    return out


SOURCES = {"supervision.closed": closed_count, "supervision.closure_rate": closure_rate}
SOURCE_LABELS = {"supervision.closed": "督办事项：销号数", "supervision.closure_rate": "督办事项：销号率"}


def register() -> None:
    """Put the supervision sources into the plans' registry (called from the app's ready())."""
    INDICATOR_SOURCES.update(SOURCES)
    SOURCE_ASPECTS.update({name: frozenset({"supervision"}) for name in SOURCES})
