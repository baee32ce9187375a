"""The dashboard's cards, one module each, in display order (驾驶舱的卡片).

A card is a function ``(ctx) -> {field: value}`` that reads the shared :class:`CardContext`
(the plan's month figures, the unit scope, last month's roll-up) and returns the fields of
:class:`~shigongtu.dashboard.data.Dashboard` it fills. Cards run in this order; a later card
may complete an earlier one's rows (the projects card adds project counts to the fronts).
Adding a record type adds one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shigongtu.dashboard.cards import (
    attraction,
    enterprises,
    fronts,
    indicators,
    map,
    project_side,
    reporting,
    supervision,
    warnings,
)
from shigongtu.dashboard.cards.context import CardContext

Card = Callable[[CardContext], dict[str, Any]]

CARDS: tuple[Card, ...] = (
    indicators.build,    # KPI cards: headline indicators against target and time
    fronts.build,        # lights of the nodes in scope and the fronts
    warnings.build,      # red and yellow items, newest and most severe first
    reporting.build,     # department ranking: 按时报送率, completion, reds
    project_side.build,  # 重点项目 (funnel, starts, not in statistics), 专项债, the investment curve and the
                         # located projects: the project library's cards, kept apart from the reports
    map.build_findings,  # located supervision findings
    attraction.build,    # 招商引资: funnel, signings against target
    enterprises.build,   # 企业梯度培育: tier targets, expiring certificates
    supervision.build,   # 督办事项: 销号率, overdue by unit
)

__all__ = ["CARDS", "Card", "CardContext"]
