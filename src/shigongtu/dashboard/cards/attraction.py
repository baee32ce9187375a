"""招商引资: the pipeline by stage, the year's signings against target, 开工率 and 资金到位率."""

from __future__ import annotations

from typing import Any

from shigongtu.attraction.selectors import card
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.readmodel import Memo, reaches_side

# kept by the read model across the other record types' writes (the card's own cache is per revision)
CARDS: Memo[Any] = Memo("dashboard.attraction", lambda plan, as_of: card(plan, as_of),
                         depends=reaches_side("attraction"))


def build(ctx: CardContext) -> dict[str, Any]:
    """The leads card from the attraction read model (the bulletin's 招商引资 section reads the same);
    shown for the whole plan only — leads are not split by the unit picker."""
    if ctx.path is not None:
        return {"leads": None}
    leads = CARDS.get(ctx.plan, ctx.as_of)
    return {"leads": leads if any(n for _, n in leads.funnel) else None}
