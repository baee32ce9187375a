"""Traffic lights (红黄绿灯) for plan nodes and indicators — contract §2.

Pure rules over plain values: no Django, no ORM. The API, pages, CLI, ledgers,
bulletins and benchmarks all decide a light through these functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

GREEN = "green"
YELLOW = "yellow"
RED = "red"
DONE = "done"
PENDING = "pending"
CANCELLED = "cancelled"

WARNING_LIGHTS = frozenset({YELLOW, RED})

# Float noise (100 · (0.5 − 0.4) is 9.999999999999998) must not flip a light that a
# person computing by hand puts exactly on a threshold; 1e-9 points is far below any
# precision anyone reports in.
EPSILON = 1e-9


@dataclass(frozen=True)
class Thresholds:
    """A plan's lag thresholds in percentage points (预警阈值): yellow from 10, red from 20."""

    yellow: float = 10.0
    red: float = 20.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.yellow) and math.isfinite(self.red)):
            raise ValueError("thresholds must be finite numbers")
        if not 0 <= self.yellow <= self.red:
            raise ValueError(f"thresholds must satisfy 0 ≤ yellow ≤ red, got {self.yellow} and {self.red}")


DEFAULT_THRESHOLDS = Thresholds()


def expected_progress(start: date, due: date, as_of: date) -> float:
    """Time-elapsed progress (序时进度) in percent at ``as_of`` — contract §2.

    0 before the start, 100 from the due date on. In between, by whole months when the span
    is whole months and ``as_of`` is a month end (a January–December task is at exactly 50
    on 30 June: 时间过半), else by days counted inclusively:
    100 · ((d − start).days + 1) / ((due − start).days + 1).
    """
    if as_of < start:
        return 0.0
    if as_of >= due:
        return 100.0
    if start.day == 1 and _is_month_end(due) and _is_month_end(as_of):
        elapsed = _months_through(start, as_of)
        return 100 * elapsed / _months_through(start, due)
    return 100 * ((as_of - start).days + 1) / ((due - start).days + 1)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _months_through(first: date, last: date) -> int:
    """Months from ``first``'s month through ``last``'s month, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def lag_light(lag: float, th: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """Light for a lag (滞后) in percentage points: red from ``th.red``, yellow from ``th.yellow``."""
    if lag >= th.red - EPSILON:
        return RED
    if lag >= th.yellow - EPSILON:
        return YELLOW
    return GREEN


def node_light(
    progress: float,
    expected: float,
    start: date,
    due: date,
    as_of: date,
    cancelled: bool,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> str:
    """A node's light at ``as_of``, first matching rule wins.

    ``cancelled`` is the effective flag (the node or an ancestor is cancelled, 取消);
    then ``done`` at 100 %, ``red`` once past the due date (逾期), ``pending`` before the
    start (未开始), else by lag = expected − progress.
    """
    if cancelled:
        return CANCELLED
    if progress >= 100 - EPSILON:
        return DONE
    if as_of > due:
        return RED
    if as_of < start:
        return PENDING
    return lag_light(expected - progress, th)


def completion_light(completion: float, expected_share: float, th: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """An indicator's light: ``done`` once completion c ≥ 1, else by lag = 100 · (expected − c)."""
    if completion >= 1 - EPSILON:
        return DONE
    return lag_light(100 * (expected_share - completion), th)
