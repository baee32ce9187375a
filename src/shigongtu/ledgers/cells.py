"""Reading typed values out of ledger cells, with errors that name row, column and value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shigongtu.lib import amounts, periods
from shigongtu.lib.errors import FieldError, ValueProblem


class RowErrors:
    """Collects one row's problems; the row is applied only when it has none."""

    def __init__(self, number: int, headers: dict[str, str]):
        self.number = number
        self.headers = headers  # canonical → header as written
        self.errors: list[FieldError] = []

    def add(self, canonical: str | None, value: Any, message: str, *, en: str) -> None:
        """One problem: ``message`` in Chinese, ``en`` the same in English."""
        column = self.headers.get(canonical, canonical) if canonical else None
        self.errors.append(FieldError(message, row=self.number, column=column, value=_shown(value), message_en=en))

    def add_problem(self, canonical: str | None, value: Any, problem: ValueProblem) -> None:
        """A parser's ValueProblem, in both its languages."""
        self.add(canonical, value, problem.message_zh, en=problem.message_en)

    def __bool__(self) -> bool:
        return bool(self.errors)


def _shown(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(values: Mapping[str, Any], key: str) -> str | None:
    """The cell as trimmed text, or None when the column is absent or the cell empty."""
    value = values.get(key)
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def date_cell(values: Mapping[str, Any], key: str, errs: RowErrors, *, as_end: bool = False) -> dt.date | None:
    value = values.get(key)
    if blank(value):
        return None
    try:
        return periods.parse_date(value, as_end=as_end)
    except ValueProblem as exc:
        errs.add_problem(key, value, exc)
        return None


def period_cell(values: Mapping[str, Any], key: str, errs: RowErrors) -> periods.Period | None:
    value = values.get(key)
    if blank(value):
        errs.add(key, value, "必填：填报月份，如 2023-03 或 2023年3月", en="required: the month, such as 2023-03")
        return None
    try:
        return periods.parse_period(value)
    except ValueProblem as exc:
        errs.add_problem(key, value, exc)
        return None


def amount_cell(values: Mapping[str, Any], key: str, errs: RowErrors, unit: str = "万元",
                header_unit: str | None = None) -> Decimal | None:
    value = values.get(key)
    if blank(value):
        return None
    try:
        if amounts.is_money_unit(unit):
            return amounts.parse_amount(value, unit, header_unit=header_unit)
        if unit in ("%", "％"):  # contract §3: for an indicator in %, 6.1% is 6.1
            return amounts.parse_percent(value)
        return amounts.parse_number(value)
    except ValueProblem as exc:
        errs.add_problem(key, value, exc)
        return None


def header_unit(header_text: str | None) -> str | None:
    """The unit in a header's bracketed note: 目标值(亿元) → 亿元."""
    if not header_text:
        return None
    for open_, close in (("(", ")"), ("（", "）"), ("[", "]"), ("【", "】")):
        if header_text.rstrip().endswith(close) and open_ in header_text:
            note = header_text.rstrip()[header_text.rindex(open_) + 1: -1].strip()
            if amounts.is_money_unit(note):
                return note
    return None
