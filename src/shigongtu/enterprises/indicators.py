"""The indicator source that reads the registry (指标取数自企业库), registered in
:data:`shigongtu.plans.selectors.INDICATOR_SOURCES`.

``enterprises.valid`` (stock): the number of enterprises of the plan's unit and below holding a
valid certificate of the tier at each month's end (contract §4 "Enterprises at d").
``Indicator.source_options``: ``{"tiers": ["专精特新中小企业", "专精特新小巨人"]}`` (an enterprise
holding several counts once); default, the tier the indicator's name names (高新技术企业).
The year's work is the change from the level at the end of the year before
(:func:`shigongtu.enterprises.selectors.baseline`).
"""

from __future__ import annotations

import datetime as dt

from shigongtu.enterprises import selectors
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.selectors import INDICATOR_SOURCES, SOURCE_ASPECTS

SOURCE_LABELS = {selectors.SOURCE: "企业库：有效期内企业数"}


def valid_counts(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> dict[int, dict[int, float]]:
    """Indicator id → month → valid count at the month's end, for the plan year."""
    out: dict[int, dict[int, float]] = {}
    for ind in indicators:
        months = selectors.monthly_valid(plan.unit, plan.year, selectors.indicator_tiers(ind))
        out[ind.pk] = {m: float(v) for m, v in months.items()}
    return out


def register() -> None:
    """Put the registry's source into the plans' registry (called from the app's ready())."""
    INDICATOR_SOURCES[selectors.SOURCE] = valid_counts
    SOURCE_ASPECTS[selectors.SOURCE] = frozenset({"enterprises"})
