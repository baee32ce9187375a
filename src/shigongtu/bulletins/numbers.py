"""How a bulletin rounds and writes its numbers — once, for text and tables alike.

Pure: no Django. Every figure printed in a bulletin goes through :func:`quantity` (amounts
and counts in a chosen unit) or :func:`percent` (shares and progress, one decimal), and the
comparisons with 序时 / 计划曲线 are differences of the *rounded* percentages
(:func:`points`), so a reader who subtracts the printed figures gets the printed gap. Tables
and sentences take the same rounded ``Decimal``; nothing is rounded twice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from shigongtu.lib.amounts import convert, is_money_unit

ROUNDING_NOTE = (
    "本通报金额不足1亿元的以万元为单位、最多保留两位小数，1亿元及以上的以亿元为单位、保留一位小数，百分比和百分点保留一位小数，"
    "个数、家数等计数指标按整数列示（非整数的保留两位小数），各数均四舍五入，与序时进度、计划曲线的差值"
    "按列示数计算。"
)
YI_THRESHOLD_WAN = Decimal(10_000)  # from 1亿元 on, money is shown in 亿元
DASH = "—"


def to_decimal(value: float | int | Decimal) -> Decimal:
    """An exact Decimal for a stored or computed number (floats by their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return Decimal(repr(value))
    return Decimal(value)


def rounded(value: float | int | Decimal, digits: int) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals; never ``-0``."""
    out = to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(out) if out == 0 else out


def text(value: Decimal | None) -> str:
    """A rounded Decimal as printed: fixed decimals, no thousands separators (公文 style)."""
    if value is None:
        return DASH
    return f"{value:f}"


def percent(fraction: float | Decimal) -> Decimal:
    """A share (0.251 = 25.1 %) as rounded percent points."""
    return rounded(to_decimal(fraction) * 100, 1)


def pct(points_value: float | Decimal) -> Decimal:
    """A value already in percent points (progress 55.63) rounded to one decimal."""
    return rounded(points_value, 1)


def points(a: Decimal, b: Decimal) -> Decimal:
    """The gap a − b between two rounded percentages, in 个百分点 (exact)."""
    out = a - b
    return abs(out) if out == 0 else out


@dataclass(frozen=True)
class Quantity:
    """How a family of figures is shown: in ``unit`` with ``digits`` decimals, converted from
    ``source`` (the unit they are stored in)."""

    source: str
    unit: str
    digits: int
    trim: bool = False  # drop trailing zeros (万元: 「9450万元」, never 「9450.0000万元」)

    def of(self, value: float | int | Decimal) -> Decimal:
        """The figure converted and rounded, as printed."""
        number = to_decimal(value)
        if self.unit != self.source:
            number = convert(number, self.source, self.unit)
        out = rounded(number, self.digits)
        return trimmed(out) if self.trim else out

    def say(self, value: float | int | Decimal) -> str:
        """The figure with its unit: ``55.8亿元``, ``26个``."""
        return f"{text(self.of(value))}{self.unit}"


def trimmed(value: Decimal) -> Decimal:
    """``value`` without trailing zeros after the point (9450.00 → 9450, 12.50 → 12.5)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def quantity(unit: str, values: Iterable[float | int | Decimal]) -> Quantity:
    """Choose how to show figures stored in ``unit`` — the bulletin's one rule for money: in
    亿元 (one decimal) once the largest is 1亿元 or more, else in 万元 (at most two decimals,
    trailing zeros dropped); other units as they are, whole numbers without decimals and
    anything else with two."""
    numbers = [to_decimal(v) for v in values]
    if is_money_unit(unit):
        largest = max((abs(convert(n, unit, "万元")) for n in numbers), default=Decimal(0))
        return Quantity(unit, "亿元", 1) if largest >= YI_THRESHOLD_WAN else Quantity(unit, "万元", 2, trim=True)
    whole = all(n == n.to_integral_value() for n in numbers)
    return Quantity(unit, unit, 0 if whole else 2)


def money(wan: float | int | Decimal) -> str:
    """An amount stored in 万元 as a sentence says it, by :func:`quantity`'s rule:
    「9450万元」, 「123.45万元」, 「1.2亿元」."""
    return quantity("万元", [wan]).say(wan)


AMOUNT_WAN = re.compile(r"(-?\d+(?:\.\d+)?)万元")


def tidy_amounts(sentence: str) -> str:
    """Re-say every 「…万元」 amount in a text written elsewhere (a warning's message) by the
    bulletin's rule, so no 「9450.0000万元」 reaches the page."""
    return AMOUNT_WAN.sub(lambda m: money(Decimal(m.group(1))), sentence)


WAN = Quantity("万元", "万元", 2, trim=True)
YI = Quantity("万元", "亿元", 1)
COUNT = Quantity("", "", 0)
