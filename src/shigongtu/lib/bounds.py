"""The bounds every input lives within, and the one rule for invisible characters. Pure: no Django.

A figure outside these bounds is a typing slip or an attack, never a plan: a target of
``1e30`` or ``0.00001`` (which rounds to 0 in storage and then divides by zero on every read),
a date in year 1 or 9999, a NUL byte PostgreSQL refuses. The field tables (``plans.fields``,
``projects.fields``), the API schemas (``api.types``) and the request check
(``web.guards.RefuseControlCharacters``) all read these, so every face refuses the
same values with the same words, as a 422 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from shigongtu.lib.errors import ValueProblem, shown

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
PLACES = 4  # every stored figure keeps 4 decimal places (DecimalField(decimal_places=4))
MAX_AMOUNT = Decimal(10) ** 10  # 万元: 100万亿元, above any project or zone's year
MAX_NUMBER = Decimal(10) ** 12  # an indicator's target or value in its own unit (个, 万元, %, 亩 …)
MAX_VERSION = 2**31 - 1
MAX_OFFSET = 10**6
MAX_TEXT = 10_000  # a narrative (本月进展) or a note; names and codes have their own, shorter limits

# C0 and C1 control characters except tab, line feed and carriage return (which a narrative
# keeps), plus the bidirectional overrides that make a file name or a title read backwards.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_date(day: date) -> date:
    """A date within 1900–2100, the range every date field accepts."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueProblem(f"日期{day.isoformat()}不在1900–2100年之间",
                           f"date {day.isoformat()} is not within 1900–2100")
    return day


def bounded(number: Decimal, *, minimum: Decimal | int | None = None, maximum: Decimal | int = MAX_NUMBER,
            places: int = PLACES) -> Decimal:
    """``number`` rounded to the stored decimal places, refused when non-finite or outside the bounds.

    Rounding first means ``0.00001`` is judged as what would be stored (0), so a "greater than 0"
    rule catches it; the bound on the magnitude keeps every figure inside its database column.
    """
    try:
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        rounded = None
    if rounded is None or not rounded.is_finite() or abs(rounded) > Decimal(maximum):
        raise ValueProblem(f"数值超出范围（绝对值不超过{maximum:,}）：{shown(number)}",
                           f"out of range (at most {maximum:,} in size): {shown(number)}")
    if minimum is not None and rounded < minimum:
        raise ValueProblem(f"数值不能小于{minimum}：{shown(number)}", f"must be at least {minimum}: {shown(number)}")
    return abs(rounded) if rounded == 0 else rounded


def check_text(raw: str) -> str:
    """The one rule for text from people and files: control characters (NUL included) are refused."""
    found = CONTROL.search(raw)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValueProblem(f"含有不可见的控制字符（{code}），请删除后重试",
                           f"contains an invisible control character ({code}); remove it and try again")
    return raw


def control_characters(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (field path, text) in nested JSON-like ``data`` whose key or text breaks :func:`check_text`."""
    if isinstance(data, str):
        if CONTROL.search(data):
            yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            if CONTROL.search(str(key)):
                yield name, str(key)
            yield from control_characters(value, name)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from control_characters(value, f"{path}.{i}" if path else str(i))
