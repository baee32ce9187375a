"""Indicators whose actuals come from the plan's leads (指标取数自招商台账), registered in
:data:`shigongtu.plans.selectors.INDICATOR_SOURCES` like the project library's.

Each source returns, per indicator, month → value for the plan year (flow values; the plans'
pure indicator rules add them up, apply the curve and the light):

- ``attraction.signed_investment``: 协议投资额 of the signings counted in the month (万元,
  converted to the indicator's unit);
- ``attraction.signed_count``: the number of projects first signed in the month (increases excluded);
- ``attraction.started_count``: the number of counted signings started in the month;
- ``attraction.funds``: fund arrivals (到位资金) dated in the month, of any lead.

Options (``Indicator.source_options``): ``min_investment`` (only leads with 协议投资额 ≥ this many
万元) and ``mode`` (only leads of one 招商方式).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q

from shigongtu.attraction.models import FundArrival, Lead
from shigongtu.lib.amounts import convert, is_money_unit
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.selectors import INDICATOR_SOURCES, SOURCE_ASPECTS

Values = dict[int, dict[int, float]]


def _filter(plan: Plan, ind: Indicator, prefix: str = "") -> Q:
    opts: dict[str, Any] = ind.source_options if isinstance(ind.source_options, dict) else {}
    q = Q(**{f"{prefix}plan": plan})
    if opts.get("min_investment") not in (None, ""):
        q &= Q(**{f"{prefix}investment__gte": Decimal(str(opts["min_investment"]))})
    if opts.get("mode"):
        q &= Q(**{f"{prefix}mode": opts["mode"]})
    return q


def _money(value: Decimal, unit: str) -> float:
    return float(convert(value, "万元", unit)) if is_money_unit(unit) else float(value)


def _source(what: str) -> Any:
    def source(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
        out: Values = {}
        for ind in indicators:
            months: dict[int, float] = defaultdict(float)
            if what == "funds":
                for day, amount in FundArrival.objects.filter(_filter(plan, ind, "lead__"),
                                                              date__year=plan.year).values_list("date", "amount"):
                    months[day.month] += _money(amount, ind.unit)
                out[ind.pk] = dict(months)
                continue
            rows = Lead.objects.filter(_filter(plan, ind), signed_on__year=plan.year).values_list(
                "signed_on", "started_on", "investment", "increment")
            for signed_on, started_on, investment, increment in rows:
                if signed_on is None:  # (filtered out above; for the type checker)
                    continue
                if what == "investment":
                    months[signed_on.month] += _money(investment, ind.unit)
                elif increment:
                    continue
                elif what == "signed":
                    months[signed_on.month] += 1
                elif started_on is not None and started_on.year == plan.year:
                    months[started_on.month] += 1
            out[ind.pk] = dict(months)
        return out

    source.__doc__ = f"Per month, the leads' {what} (see the module)."
    return source


SOURCES = {
    "attraction.signed_investment": _source("investment"),
    "attraction.signed_count": _source("signed"),
    "attraction.started_count": _source("started"),
    "attraction.funds": _source("funds"),
}
SOURCE_LABELS = {
    "attraction.signed_investment": "招商台账：签约额",
    "attraction.signed_count": "招商台账：签约项目数",
    "attraction.started_count": "招商台账：开工项目数",
    "attraction.funds": "招商台账：到位资金",
}


def register() -> None:
    """Put the lead sources into the plans' registry (called from the app's ready())."""
    INDICATOR_SOURCES.update(SOURCES)
    SOURCE_ASPECTS.update({name: frozenset({"attraction"}) for name in SOURCES})
