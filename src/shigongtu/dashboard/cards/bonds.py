"""专项债: the bond projects and their money at as-of (亿元), shown inside the project panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.common import YI, plan_targets
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.projects.selectors import bond_money


@dataclass
class Bonds:
    """专项债: projects on the pipeline and their money at as-of (亿元)."""

    projects: int
    declared: int
    target: float | None
    quota: float
    disbursed: float
    spent: float

    @property
    def progress(self) -> float | None:
        """支付进度 = spent / quota (percent)."""
        return 100 * self.spent / self.quota if self.quota else None

    @property
    def disbursed_pct(self) -> float | None:
        return 100 * self.disbursed / self.quota if self.quota else None


def build(ctx: CardContext) -> dict[str, Any]:
    """Fill the project panel's bonds from the project read model (the bulletin prints the same money)."""
    if ctx.panel is None:
        return {}
    money = bond_money(ctx.plan, ctx.as_of, ctx.path)
    target = None if ctx.path is not None else plan_targets(ctx.figures.indicators, ctx.figures.judged).get("bonds")
    if money is not None:
        ctx.panel.bonds = Bonds(projects=money.projects, declared=money.declared, target=target,
                                quota=float(money.quota / YI), disbursed=float(money.disbursed / YI),
                                spent=float(money.spent / YI))
    return {}
