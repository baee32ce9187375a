"""Money and quantity units, and readers for the amounts, numbers and percents people type.

Amounts are kept as ``Decimal`` in the unit they are stored in (万元 for projects, the
indicator's own unit for targets), never as float and never rounded before presentation.
A ledger cell may carry its own unit (``1.2亿``, ``3500万元``), the column header may name one
(``总投资（亿元）``), and otherwise the stored unit is assumed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Final

from .errors import ValueProblem, shown

UNIT_FACTORS: Final[Mapping[str, Decimal]] = MappingProxyType(
    {
        "元": Decimal(1),
        "千元": Decimal(1_000),
        "万元": Decimal(10_000),
        "万": Decimal(10_000),
        "亿元": Decimal(100_000_000),
        "亿": Decimal(100_000_000),
    }
)
"""How many 元 one of each money unit is; 万 and 亿 alone are read as 万元 and 亿元."""

# A number as people write it: optional sign, digits with correctly placed thousands
# separators or none, optional decimals. Scientific notation is not something a clerk types.
_NUMBER: Final = re.compile(
    r"(?P<sign>[+-]?)\s*(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
)
# Minus signs that NFKC leaves alone but spreadsheets and word processors produce.
_MINUS_SIGNS: Final = str.maketrans({"−": "-", "–": "-", "—": "-"})


_INF = float("inf")


def _clean(text: str) -> str:
    """Fold full-width characters (１２３, ，, ％) to ASCII and trim whitespace."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


@functools.lru_cache(maxsize=256)  # a ledger names a handful of units, on every row
def _unit_name(unit: str) -> str:
    return re.sub(r"[\s()（）]", "", _clean(unit))


def is_money_unit(unit: str) -> bool:
    """Whether ``unit`` is one of the money units of :data:`UNIT_FACTORS`."""
    return _unit_name(unit) in UNIT_FACTORS


def _noun(unit: str) -> tuple[str, str]:
    return ("金额", "amount") if is_money_unit(unit) else ("数值", "number")


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert ``value`` between money units (元, 千元, 万元/万, 亿元/亿), exactly.

    The same unit returns ``value`` unchanged, whatever the unit; a unit that is not money
    (个, 亩, %) converts only to itself.
    """
    src, dst = _unit_name(from_unit), _unit_name(to_unit)
    if src == dst:
        return value
    if src in UNIT_FACTORS and dst in UNIT_FACTORS:
        return value * UNIT_FACTORS[src] / UNIT_FACTORS[dst]
    raise ValueProblem(
        f"单位“{src or '无'}”无法换算为“{dst or '无'}”",
        f"cannot convert {src or 'no unit'} to {dst or 'no unit'}",
    )


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _split(raw: object, what_zh: str, what_en: str) -> tuple[Decimal, str]:
    """Read a number and whatever follows it; raise ValueProblem for anything else."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueProblem(f"{what_zh}为空", f"{what_en} is empty")
    if isinstance(raw, bool):
        raise ValueProblem(f"无法识别的{what_zh}：{raw}", f"not {_a(what_en)}: {raw}")
    if isinstance(raw, int):
        return Decimal(raw), ""
    if isinstance(raw, float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
        if not number.is_finite():
            raise ValueProblem(
                f"无法识别的{what_zh}：{raw}（不是有效的数）",
                f"not {_a(what_en)}: {raw} (not a finite number)",
            )
        return number, ""
    if not isinstance(raw, str):
        raise ValueProblem(f"无法识别的{what_zh}：{shown(raw)}", f"not {_a(what_en)}: {shown(raw)}")
    text = _clean(raw)
    match = _NUMBER.match(text)
    if match is None:
        raise ValueProblem(f"无法识别的{what_zh}：{shown(raw)}", f"not {_a(what_en)}: {shown(raw)}")
    try:
        number = Decimal(match["sign"] + match["digits"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets decimals through
        raise ValueProblem(f"无法识别的{what_zh}：{shown(raw)}", f"not {_a(what_en)}: {shown(raw)}") from None
    return number, text[match.end() :].strip()


def parse_amount(
    raw: object,
    unit: str = "万元",
    *,
    header_unit: str | None = None,
    allow_negative: bool = False,
) -> Decimal:
    """Read an amount from a ledger cell and return it in ``unit`` (default 万元).

    Accepts numbers (taken to be in ``header_unit`` if the column header named one, else in
    ``unit``) and text such as ``1,234.5``, ``１２３``, ``1.2亿``, ``3500万元``, ``500元``. A unit
    written in the cell wins over the header's. The cell may also repeat ``unit`` itself
    (``12个`` for an indicator counted in 个). Blank cells, booleans, NaN, percentages, unknown
    units and negative amounts (unless ``allow_negative``) raise :class:`ValueProblem`.
    """
    if (type(raw) is float or type(raw) is int) and header_unit is None and 0 <= raw < _INF:
        number = Decimal(repr(raw)) if type(raw) is float else Decimal(raw)
        return number if number else abs(number)  # a number cell, in ``unit`` (-0.0 is 0)
    noun_zh, noun_en = _noun(unit)
    number, suffix = _split(raw, noun_zh, noun_en)
    source = header_unit if header_unit is not None and _unit_name(header_unit) else unit
    if suffix:
        suffix = _unit_name(suffix)
        own = [u for u in (_unit_name(unit), _unit_name(header_unit or "")) if u]
        if suffix not in UNIT_FACTORS and suffix not in own:
            if suffix == "%":
                raise ValueProblem(
                    f"「{shown(raw)}」是百分比，不是{noun_zh}",
                    f"{shown(raw)} is a percentage, not {_a(noun_en)}",
                )
            if suffix[0] in "0123456789.,":
                raise ValueProblem(f"无法识别的{noun_zh}：{shown(raw)}", f"not {_a(noun_en)}: {shown(raw)}")
            choices = list(dict.fromkeys(["元", "万元", "亿元", *own]))
            raise ValueProblem(
                f"无法识别的{noun_zh}：{shown(raw)}（不认识的单位“{suffix}”，可用：{'、'.join(choices)}）",
                f"not {_a(noun_en)}: {shown(raw)} (unknown unit {suffix}; use {', '.join(choices)})",
            )
        source = suffix
    try:
        value = convert(number, source, unit)
    except ValueProblem as problem:
        raise ValueProblem(
            f"无法识别的{noun_zh}：{shown(raw)}（{problem.message_zh}）",
            f"not {_a(noun_en)}: {shown(raw)} ({problem.message_en})",
        ) from None
    if value < 0 and not allow_negative:
        raise ValueProblem(
            f"{noun_zh}不能为负数：{shown(raw)}", f"{noun_en} cannot be negative: {shown(raw)}"
        )
    return abs(value) if value == 0 else value


def parse_number(
    raw: object,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = None,
) -> Decimal:
    """Read a plain number without unit (a weight, a count), optionally within inclusive bounds."""
    number, suffix = _split(raw, "数字", "number")
    if suffix:
        raise ValueProblem(f"无法识别的数字：{shown(raw)}", f"not a number: {shown(raw)}")
    if minimum is not None and number < minimum:
        raise ValueProblem(
            f"数值不能小于{minimum}：{shown(raw)}", f"must be at least {minimum}: {shown(raw)}"
        )
    if maximum is not None and number > maximum:
        raise ValueProblem(f"数值不能大于{maximum}：{shown(raw)}", f"must be at most {maximum}: {shown(raw)}")
    return abs(number) if number == 0 else number


def parse_percent(raw: object) -> Decimal:
    """Read progress in percent points: ``65``, ``"65"``, ``"65%"`` and ``"65％"`` all give 65.

    A bare number is already percent points, so ``0.65`` means 0.65 %, not 65 %. Checking the
    range (0–100 for progress) is the caller's business.
    """
    number, suffix = _split(raw, "百分比", "percentage")
    if suffix not in ("", "%"):
        raise ValueProblem(f"无法识别的百分比：{shown(raw)}", f"not a percentage: {shown(raw)}")
    return abs(number) if number == 0 else number


def _fixed(value: Decimal, digits: int) -> str:
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits}")
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return f"{rounded:,.{digits}f}"


def wan_to_yi(value_wan: Decimal) -> Decimal:
    """Convert 万元 to 亿元 exactly (2,225,000 万元 is 222.5 亿元)."""
    return convert(value_wan, "万元", "亿元")


def format_wan(value_wan: Decimal, digits: int = 2) -> str:
    """Present an amount in 万元 the way bulletins print it: ``3,500.00万元`` (rounded half up)."""
    return f"{_fixed(value_wan, digits)}万元"


def format_yi(value_wan: Decimal, digits: int = 2) -> str:
    """Present an amount held in 万元 as 亿元: 2,225,000 万元 gives ``222.50亿元``."""
    return f"{_fixed(wan_to_yi(value_wan), digits)}亿元"
