"""KPI cards: headline indicators (or the first ones) on nodes led within the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.documents import time_share
from shigongtu.plans.models import Indicator
from shigongtu.plans.rules.indicators import IndicatorOut, actual_and_completion
from shigongtu.plans.selectors import Rollup, indicator_in

MAX_KPIS = 8  # a plan without headline indicators shows its first ones


@dataclass
class Kpi:
    """A headline indicator judged at the as-of month, with its months for the sparkline.

    ``completion``, ``expected_share``, ``linear_share`` and ``curve_share`` are fractions;
    ``series`` is the completion at the end of each month 1..m, ``expected`` the share due at
    the end of each month 1..12 (the plan curve, or m/12).
    """

    id: int
    name: str
    unit: str
    kind: str
    target: float
    actual: float
    completion: float
    expected_share: float
    linear_share: float
    curve_share: float | None
    light: str
    month: int
    node_code: str
    node_title: str
    series: list[float]
    expected: list[float]

    @property
    def completion_pct(self) -> float:
        return 100 * self.completion

    @property
    def vs_linear(self) -> float:
        """Percentage points ahead (+) or behind (−) the time share m/12 (序时进度)."""
        return 100 * (self.completion - self.linear_share)

    @property
    def vs_curve(self) -> float | None:
        """Percentage points against the plan curve (分月计划), None without one."""
        return None if self.curve_share is None else 100 * (self.completion - self.curve_share)

    def _y(self, value: float, top: float) -> float:
        return round(30 - 26 * min(value, top) / top, 1)

    def _top(self) -> float:
        return max([1.0, *self.series])

    @property
    def spark_actual(self) -> str:
        """SVG polyline points (viewBox 0 0 120 32) of the completion month by month."""
        top = self._top()
        return " ".join(f"{round(110 * i / 11 + 5, 1)},{self._y(v, top)}" for i, v in enumerate(self.series))

    @property
    def spark_expected(self) -> str:
        top = self._top()
        return " ".join(f"{round(110 * i / 11 + 5, 1)},{self._y(v, top)}" for i, v in enumerate(self.expected))

    @property
    def spark_last(self) -> tuple[float, float] | None:
        if not self.series:
            return None
        i = len(self.series) - 1
        return round(110 * i / 11 + 5, 1), self._y(self.series[-1], self._top())


def _kpi(ind: Indicator, out: IndicatorOut, months: dict[int, float], rollup: Rollup) -> Kpi:
    curve = [float(c) for c in ind.curve] if ind.curve else None
    spec = indicator_in(ind)
    # the completion month by month, by the same rule that judges the indicator (flow, 1–N月累计,
    # stock from its baseline, rate)
    series = [actual_and_completion(spec, months, m)[1] for m in range(1, out.month + 1)]
    due_month = out.due.month if out.due is not None else 12
    meta = rollup.meta.get(out.node_id)
    return Kpi(
        id=out.id, name=out.name, unit=out.unit, kind=out.kind, target=out.target, actual=out.actual,
        completion=out.completion, expected_share=out.expected_share, linear_share=time_share(out),
        curve_share=curve[out.month - 1] if curve and out.month else (0.0 if curve else None),
        light=out.light, month=out.month, node_code=meta.code if meta else "", node_title=meta.title if meta else "",
        series=series, expected=curve or [min(1.0, m / due_month) for m in range(1, 13)],
    )


def build(ctx: CardContext) -> dict[str, Any]:
    """The KPI cards and whether they fell back to the first indicators."""
    f, rollup, scope = ctx.figures, ctx.rollup, ctx.scope
    chosen = [i for i in f.indicators if i.headline]
    fallback = not chosen
    chosen = chosen or f.indicators[:MAX_KPIS]
    by_id = {o.id: o for o in f.judged}
    kpis = [_kpi(ind, by_id[ind.pk], f.values.get(ind.pk, {}), rollup) for ind in chosen
            if scope.ids is None or scope.has(rollup.meta[ind.node_id].lead_unit_id if ind.node_id in rollup.meta
                                              else None)]
    return {"kpis": kpis, "kpi_fallback": fallback}
