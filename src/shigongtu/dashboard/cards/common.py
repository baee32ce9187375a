"""What several project cards share: the unit of their amounts and the plan's project targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shigongtu.plans.models import Indicator
from shigongtu.plans.rules.indicators import IndicatorOut

YI = Decimal(10000)  # 万元 per 亿元


def plan_targets(indicators: list[Indicator], outs: list[IndicatorOut]) -> dict[str, Any]:
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
