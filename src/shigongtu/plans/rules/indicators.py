"""Indicator completion against time (指标完成率 vs 序时 / 计划曲线) — contract §2.

Pure rules over plain values: no Django, no ORM. An indicator (指标) has an annual
target; its monthly values come from the nodes' reports. It is judged on the last
complete month m: completion c = actual / target against the expected share m/12
(线性序时) or the indicator's plan curve (分月计划, 12 cumulative shares).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import last_complete_month as last_complete_month
from shigongtu.plans.rules.lights import DEFAULT_THRESHOLDS, Thresholds, completion_light

FLOW = "flow"  # 流量: monthly amounts add up (投资, 产值)
STOCK = "stock"  # 存量: each month states the current level (企业数, 入库项目数)
KINDS = (FLOW, STOCK)

CURVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class IndicatorIn:
    """An indicator on a plan node: annual ``target`` (> 0) in ``unit``, ``kind`` flow or stock.

    ``curve`` is the plan curve as 12 cumulative fractions (see :func:`validate_curve`),
    or None for the linear m/12.
    """

    id: int
    node_id: int
    name: str
    unit: str
    kind: str
    target: float
    curve: tuple[float, ...] | None = None


@dataclass(slots=True)
class IndicatorOut:
    """An indicator judged at an as-of date: actual, expected share, completion and light.

    ``expected_share`` and ``completion`` are fractions (1 = 100 %), unrounded; ``month``
    is the last complete month m it was judged on (0 = none yet).
    """

    id: int
    node_id: int
    name: str
    unit: str
    kind: str
    target: float
    actual: float
    expected_share: float
    completion: float
    light: str
    month: int

    @property
    def lag(self) -> float:
        """Percentage points behind the expected share: 100 · (expected − completion)."""
        return 100 * (self.expected_share - self.completion)


def expected_share(curve: Sequence[float] | None, month: int) -> float:
    """The share of the target due by the end of ``month``: the plan curve there, or month/12."""
    if month <= 0:
        return 0.0
    if curve is None:
        return month / 12
    return float(curve[month - 1])


def indicator_status(
    ind: IndicatorIn,
    values: Mapping[int, float],
    year: int,
    as_of: date,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> IndicatorOut:
    """Judge one indicator at ``as_of``.

    ``values`` maps month (1..12) → the period value of plan year ``year``, already taken
    from the latest non-returned report of that period. A flow's actual is the sum over
    months 1..m; a stock's is the value of the latest month ≤ m that has one, else 0.
    Light: ``done`` once completion ≥ 1, else by the lag in points against the expected
    share, with the plan's thresholds.
    """
    if ind.kind not in KINDS:
        raise ValueError(f"indicator {ind.name!r}: kind must be flow or stock, got {ind.kind!r}")
    if not ind.target > 0 or math.isinf(ind.target):
        raise ValueError(f"indicator {ind.name!r}: target must be a number > 0, got {ind.target}")
    if ind.curve is not None and len(ind.curve) != 12:
        raise ValueError(f"indicator {ind.name!r}: plan curve needs 12 values, got {len(ind.curve)}")
    month = last_complete_month(as_of, year)
    if ind.kind == FLOW:
        actual = math.fsum(values.get(m, 0.0) for m in range(1, month + 1))
    else:
        actual = next((values[m] for m in range(month, 0, -1) if values.get(m) is not None), 0.0)
    actual = float(actual)
    share = expected_share(ind.curve, month)
    completion = actual / ind.target
    return IndicatorOut(
        id=ind.id,
        node_id=ind.node_id,
        name=ind.name,
        unit=ind.unit,
        kind=ind.kind,
        target=ind.target,
        actual=actual,
        expected_share=share,
        completion=completion,
        light=completion_light(completion, share, th),
        month=month,
    )


def validate_curve(values: Sequence[float]) -> tuple[float, ...]:
    """Check a plan curve (分月计划) and return it as 12 cumulative fractions.

    Accepts fractions (0.25) or percentages (25): if any value exceeds 1 all are read as
    percentages. The values must be non-decreasing, each within 0..1 (0..100 %), and the
    last must be 1 (100 %), within 1e-9. Raises ValueProblem (a ValueError, Chinese and
    English) naming the month that is wrong.
    """
    if len(values) != 12:
        raise ValueProblem(f"应有12个月的值，实际{len(values)}个", f"needs 12 monthly values, got {len(values)}")
    shares = []
    for month, value in enumerate(values, start=1):
        try:
            share = float(value)
        except (TypeError, ValueError):
            share = math.nan
        if not math.isfinite(share):
            raise ValueProblem(f"{month}月的值不是数字：{value!r}", f"month {month} is not a number: {value!r}")
        shares.append(share)
    if any(share > 1.0 for share in shares):
        shares = [share / 100 for share in shares]
    for month, share in enumerate(shares, start=1):
        if not -CURVE_TOLERANCE <= share <= 1 + CURVE_TOLERANCE:
            raise ValueProblem(
                f"{month}月的值{values[month - 1]}超出0–1（或0–100%）",
                f"month {month} ({values[month - 1]}) is outside 0–1 (or 0–100%)",
            )
    for month in range(1, 12):
        if shares[month] < shares[month - 1]:
            raise ValueProblem(
                f"累计比例应逐月不减，{month + 1}月（{values[month]}）小于{month}月（{values[month - 1]}）",
                f"the cumulative share must not decrease, but month {month + 1} ({values[month]}) "
                f"is below month {month} ({values[month - 1]})",
            )
    if abs(shares[-1] - 1) > CURVE_TOLERANCE:
        raise ValueProblem(
            f"12月应为1（100%），实际{values[-1]}", f"the December share must be 1 (100%), got {values[-1]}"
        )
    return (*(min(max(share, 0.0), 1.0) for share in shares[:-1]), 1.0)
