"""招商引资: the pipeline by stage, the year's signings against target, 开工率 and 资金到位率."""

from __future__ import annotations

from typing import Any

from shigongtu.attraction.selectors import card
from shigongtu.dashboard.cards.context import CardContext


def build(ctx: CardContext) -> dict[str, Any]:
    """The leads card from the attraction read model (the bulletin's 招商引资 section reads the same);
    shown for the whole plan only — leads are not split by the unit picker."""
    if ctx.path is not None:
        return {"leads": None}
    leads = card(ctx.plan, ctx.as_of)
    return {"leads": leads if any(n for _, n in leads.funnel) else None}
