"""企业梯度培育: the tier targets by the stock rule (net increase from the year's start) and the
certificates expiring without a renewal filed."""

from __future__ import annotations

from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.enterprises.selectors import card
from shigongtu.plans.readmodel import Memo, reaches_side

# kept by the read model across the other record types' writes (the card's own cache is per revision)
CARDS: Memo[Any] = Memo("dashboard.enterprises", lambda plan, as_of: card(plan, as_of),
                         depends=reaches_side("enterprises"))


def build(ctx: CardContext) -> dict[str, Any]:
    """The tiers card from the enterprise read model (the bulletin's 企业梯度培育 section reads the
    same); shown for the whole plan only."""
    if ctx.path is not None:
        return {"tiers": None}
    tiers = CARDS.get(ctx.plan, ctx.as_of)
    return {"tiers": tiers if tiers.targets or any(t.valid or t.pipeline for t in tiers.tiers) else None}
