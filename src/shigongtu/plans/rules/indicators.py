"""Indicator completion against time (指标完成率 vs 序时 / 计划曲线) — contract §2.

Pure rules over plain values: no Django, no ORM. An indicator (指标) has a kind, an annual
target T and optionally a baseline B (基数, 上年末), a plan curve (分月计划) and a due date
(完成时限). It is judged on the last complete month m:

- ``flow`` (流量: 固定资产投资, 交易额): actual = Σ period values, or the latest period's
  value when the values are year-to-date totals (``cumulative``, 1–N月累计); c = actual / T.
- ``stock`` (存量: 高新技术企业家数): actual = the latest value (none → B); the year's work
  is the change from the baseline, c = (actual − B) / (T − B); T < B is a reduction target.
- ``rate`` (增速/比率 in %: 销售额同比增长30%): actual = the latest value; c = actual / T;
  no value yet → ``pending``.

Expected share x: a rate → 1; else 0 before the first complete month, the plan curve at m,
or min(1, m / D) with D the due date's month (12 without one).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import last_complete_month as last_complete_month
from shigongtu.plans.rules.lights import DEFAULT_THRESHOLDS, DONE, EPSILON, PENDING, RED, Thresholds, lag_light

FLOW = "flow"  # 流量: monthly amounts add up (投资, 产值)
STOCK = "stock"  # 存量: each month states the current level (企业数, 入库项目数)
RATE = "rate"  # 增速/比率: each month states a percentage (同比增长)
KINDS = (FLOW, STOCK, RATE)

CURVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class IndicatorIn:
    """An indicator on a plan node: ``kind`` flow, stock or rate; annual ``target`` in ``unit``.

    ``curve`` is the plan curve as 12 cumulative fractions (see :func:`validate_curve`), or
    None; ``baseline`` the level at the end of last year (stock); ``due`` the 完成时限 within
    the plan year (None: the year's end); ``cumulative`` marks a flow whose period values are
    year-to-date totals.
    """

    id: int
    node_id: int
    name: str
    unit: str
    kind: str
    target: float
    curve: tuple[float, ...] | None = None
    baseline: float = 0.0
    due: date | None = None
    cumulative: bool = False


@dataclass(slots=True)
class IndicatorOut:
    """An indicator judged at an as-of date: actual, expected share, completion and light.

    ``expected_share`` and ``completion`` are fractions (1 = 100 %), unrounded; ``month``
    is the last complete month m it was judged on (0 = none yet); ``missed`` is true once a
    due date has passed without completion (未完成).
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
    baseline: float = 0.0
    due: date | None = None
    has_value: bool = True
    after_due: bool = False  # judged after its 完成时限: the light says 已完成 or 未完成
    has_curve: bool = False  # expected_share follows a plan curve (计划进度), not the calendar (序时)

    @property
    def lag(self) -> float:
        """Percentage points behind the expected share: 100 · (expected − completion)."""
        return 100 * (self.expected_share - self.completion)



def expected_share(curve: Sequence[float] | None, month: int, due_month: int = 12) -> float:
    """The share of the target due by the end of ``month``: the plan curve there, else
    min(1, month / D) with D the month of the due date (``due_month``, 12 without one)."""
    if month <= 0:
        return 0.0
    if curve is not None:
        return float(curve[month - 1])
    return min(1.0, month / due_month)


def check_indicator(ind: IndicatorIn) -> None:
    """Refuse an indicator the rules cannot judge (ValueError naming it)."""
    if ind.kind not in KINDS:
        raise ValueError(f"indicator {ind.name!r}: kind must be flow, stock or rate, got {ind.kind!r}")
    if not math.isfinite(ind.target) or not math.isfinite(ind.baseline):
        raise ValueError(f"indicator {ind.name!r}: target and baseline must be finite numbers")
    if ind.kind == STOCK:
        if ind.target == ind.baseline:
            raise ValueError(f"indicator {ind.name!r}: a stock's target must differ from its baseline")
    elif not ind.target > 0:
        raise ValueError(f"indicator {ind.name!r}: target must be a number > 0, got {ind.target}")
    if ind.curve is not None and len(ind.curve) != 12:
        raise ValueError(f"indicator {ind.name!r}: plan curve needs 12 values, got {len(ind.curve)}")


def _latest(values: Mapping[int, float], month: int) -> float | None:
    return next((float(values[m]) for m in range(month, 0, -1) if values.get(m) is not None), None)


def actual_and_completion(ind: IndicatorIn, values: Mapping[int, float], month: int) -> tuple[float, float, bool]:
    """The actual, the completion c and whether any value counted, over months 1..``month``."""
    if ind.kind == FLOW and not ind.cumulative:
        counted = [float(values[m]) for m in range(1, month + 1) if values.get(m) is not None]
        actual = math.fsum(counted)
        return actual, actual / ind.target, bool(counted)
    latest = _latest(values, month)
    if ind.kind == STOCK:
        actual = ind.baseline if latest is None else latest
        return actual, (actual - ind.baseline) / (ind.target - ind.baseline), latest is not None
    actual = 0.0 if latest is None else latest
    return actual, actual / ind.target, latest is not None


def indicator_status(
    ind: IndicatorIn,
    values: Mapping[int, float],
    year: int,
    as_of: date,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> IndicatorOut:
    """Judge one indicator at ``as_of`` (contract §2).

    ``values`` maps month (1..12) → the period value of plan year ``year``, already taken from
    the latest non-returned report (or statistics figure) of that period. Light: after the due
    date ``done`` or ``red`` (missed); otherwise ``done`` once c ≥ 1 (a rate only at month 12),
    a rate without a value ``pending``, else by the lag against the expected share.
    """
    check_indicator(ind)
    month = last_complete_month(as_of, year)
    actual, completion, has_value = actual_and_completion(ind, values, month)
    due_month = ind.due.month if ind.due is not None and ind.due.year == year else 12  # D
    share = 1.0 if ind.kind == RATE else expected_share(ind.curve, month, due_month)
    after_due = ind.due is not None and as_of > ind.due
    if after_due:
        light = DONE if completion >= 1 - EPSILON else RED
    elif completion >= 1 - EPSILON and (ind.kind != RATE or month == 12):
        light = DONE
    elif ind.kind == RATE and not has_value:
        light = PENDING
    else:
        light = lag_light(100 * (share - completion), th)
    return IndicatorOut(
        id=ind.id, node_id=ind.node_id, name=ind.name, unit=ind.unit, kind=ind.kind, target=ind.target,
        actual=actual, expected_share=share, completion=completion, light=light, month=month,
        baseline=ind.baseline, due=ind.due, has_value=has_value, after_due=after_due,
        has_curve=ind.curve is not None and ind.kind != RATE,
    )


def decreasing_months(values: Mapping[int, float]) -> list[int]:
    """Months whose year-to-date total is below the month before (核减): a warning, not an error."""
    months = sorted(m for m, v in values.items() if v is not None)
    return [b for a, b in itertools.pairwise(months) if values[b] < values[a]]


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
