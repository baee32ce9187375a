"""督办事项: total, closed and 销号率, lights, overdue by unit."""

from __future__ import annotations

from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.readmodel import Memo, reaches_side
from shigongtu.supervision.selectors import card

# kept by the read model across the other record types' writes (the card's own cache is per revision)
CARDS: Memo[Any] = Memo("dashboard.supervision", lambda plan, as_of: card(plan, as_of),
                         depends=reaches_side("supervision"))


def build(ctx: CardContext) -> dict[str, Any]:
    """The supervision card from the supervision read model (the bulletin's 督办事项办理情况 reads
    the same); shown for the whole plan only."""
    if ctx.path is not None:
        return {"supervision": None}
    items = CARDS.get(ctx.plan, ctx.as_of)
    return {"supervision": items if items.summary.total else None}
