"""企业梯度培育: the tier targets by the stock rule (net increase from the year's start) and the
certificates expiring without a renewal filed."""

from __future__ import annotations

from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.enterprises.selectors import card


def build(ctx: CardContext) -> dict[str, Any]:
    """The tiers card from the enterprise read model (the bulletin's 企业梯度培育 section reads the
    same); shown for the whole plan only."""
    if ctx.path is not None:
        return {"tiers": None}
    tiers = card(ctx.plan, ctx.as_of)
    return {"tiers": tiers if tiers.targets or any(t.valid or t.pipeline for t in tiers.tiers) else None}
