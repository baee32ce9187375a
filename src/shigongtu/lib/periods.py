"""Dates and reporting months (报告期) as ledgers write them, and the month arithmetic of plans.

Ledger cells hold dates in many shapes: real Excel dates (read as ``datetime`` or as serial
numbers), ``2023-03-31``, ``2023/3/31``, ``2023年3月31日``, ``2023.3.31``, ``20230331``, and
months alone (``2023-03``, ``2023年3月``). A month given for a start is its first day, for a due
date its last day, and for a report period the month itself.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from .errors import ValueProblem, shown

_MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Years a plan, project or report can plausibly mention; anything else is a typo.
_YEARS: Final = range(1900, 2101)

# Excel's 1900 date system as Excel displays it: serial 1 is 1900-01-01 and serial 60 the
# fictitious 1900-02-29, so from serial 61 on, day 0 is 1899-12-30. Only serials for
# 1950–2100 are accepted: a smaller number in a date column is far likelier a typo than a date.
_EXCEL_EPOCH: Final = date(1899, 12, 30)
_SERIALS: Final = range((date(1950, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days + 1)

_TIME: Final = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FORMS: Final = (
    re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})" + _TIME),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_MONTH_FORMS: Final = (
    re.compile(r"(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月?份?"),
)
# Statistics systems write report periods as 202303; accepted for periods only.
_COMPACT_MONTH: Final = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})")


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar month, the unit of reporting (报告期); ordered by year then month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueProblem(f"月份应为1–12，不是{self.month}", f"month must be 1–12, not {self.month}")
        if not 1 <= self.year <= 9999:
            raise ValueProblem(f"年份超出范围：{self.year}", f"year out of range: {self.year}")

    @classmethod
    def parse(cls, raw: object) -> Period:
        """Read a period from a cell; same as :func:`parse_period`."""
        return parse_period(raw)

    @classmethod
    def of(cls, day: date) -> Period:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @property
    def key(self) -> str:
        """The stored form, ``2023-03``."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label_zh(self) -> str:
        """``2023年3月``."""
        return f"{self.year}年{self.month}月"

    @property
    def label_en(self) -> str:
        """``Mar 2023``."""
        return f"{_MONTHS_EN[self.month - 1]} {self.year}"

    def shift(self, months: int) -> Period:
        """The month ``months`` later (earlier when negative)."""
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def next(self) -> Period:
        return self.shift(1)

    def prev(self) -> Period:
        return self.shift(-1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return self.key


def _clean(text: str) -> str:
    """Fold full-width digits and separators to ASCII and drop spaces around separators."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"\s*([年月日号/.\-])\s*", r"\1", text)


def _not_a(raw: object, what_zh: str, what_en: str, why_zh: str = "", why_en: str = "") -> ValueProblem:
    return ValueProblem(
        f"无法识别的{what_zh}：{shown(raw)}" + (f"（{why_zh}）" if why_zh else ""),
        f"not a {what_en}: {shown(raw)}" + (f" ({why_en})" if why_en else ""),
    )


def _build(raw: object, year: int, month: int, day: int | None, what: tuple[str, str]) -> date:
    """Make a date from parts, naming what is wrong; ``day=None`` asks for the 1st."""
    if year not in _YEARS:
        raise _not_a(raw, *what, f"年份{year}不在1900–2100之间", f"year {year} is not within 1900–2100")
    if not 1 <= month <= 12:
        raise _not_a(raw, *what, f"没有{month}月", f"there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    if day is not None and day < 1:
        raise _not_a(raw, *what, f"没有{day}日", f"there is no day {day}")
    if day is not None and day > last:
        raise _not_a(
            raw, *what, f"{year}年{month}月只有{last}天", f"{_MONTHS_EN[month - 1]} {year} has {last} days"
        )
    return date(year, month, day or 1)


def _from_number(raw: int | float | Decimal, what: tuple[str, str]) -> date:
    number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if not number.is_finite():
        raise _not_a(raw, *what)
    whole = int(number)  # a fraction is the time of day
    if whole in _SERIALS:
        return _EXCEL_EPOCH + timedelta(days=whole)
    if number == whole and 19000101 <= whole <= 21001231:  # 20230331 typed into a number cell
        y, md = divmod(whole, 10000)
        return _build(raw, y, md // 100, md % 100, what)
    raise _not_a(
        raw,
        *what,
        "这个数字不是有效的Excel日期，请写成2023-03-31这样的日期",
        "the number is not a plausible Excel date; write it like 2023-03-31",
    )


def parse_date(raw: object, *, as_end: bool = False) -> date:
    """Read a date from a ledger cell.

    Accepts ``date``/``datetime`` objects, Excel serial numbers, ``2023-03-31``, ``2023/3/31``,
    ``2023年3月31日``, ``2023.3.31``, ``20230331`` and the month forms ``2023-03``, ``2023/3``,
    ``2023年3月``, ``2023.3``. A month gives its first day, or its last day when ``as_end`` (a
    due date: 完成时限 ``2023年6月`` means by 30 June). Impossible dates such as 2023-02-30 raise
    :class:`ValueProblem`.
    """
    return _read_date(raw, as_end, ("日期", "date"))


def _read_date(raw: object, as_end: bool, what: tuple[str, str]) -> date:
    if isinstance(raw, datetime):
        return _in_range(raw.date(), what)
    if isinstance(raw, date):
        return _in_range(raw, what)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueProblem(f"{what[0]}为空", f"{what[1]} is empty")
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise _not_a(raw, *what)
    if not isinstance(raw, str):
        return _from_number(raw, what)
    return _date_text(raw, as_end, what)


def _in_range(day: date, what: tuple[str, str]) -> date:
    """A date given as a date object (API, Excel cell) within 1900–2100, as text dates are."""
    if day.year not in _YEARS:
        raise _not_a(day, *what, f"年份{day.year}不在1900–2100之间", f"year {day.year} is not within 1900–2100")
    return day


@functools.lru_cache(maxsize=4096)  # dates repeat down a ledger's columns
def _date_text(raw: str, as_end: bool, what: tuple[str, str]) -> date:
    text = _clean(raw)
    for pattern in _DAY_FORMS:
        if match := pattern.fullmatch(text):
            return _build(raw, int(match["y"]), int(match["m"]), int(match["d"]), what)
    for pattern in _MONTH_FORMS:
        if match := pattern.fullmatch(text):
            first = _build(raw, int(match["y"]), int(match["m"]), None, what)
            return Period.of(first).last_day if as_end else first
    raise _not_a(raw, *what)


def parse_period(raw: object) -> Period:
    """Read a report month (填报月份): ``2023-03``, ``2023/3``, ``2023年3月``, ``2023年03月``,
    ``2023.3``, ``202303``, a full date (its month), or a ``date``/``datetime``/Excel date."""
    if isinstance(raw, Period):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool) and 190001 <= raw <= 210012:
        raw = str(raw)
    if type(raw) is str:
        return _period_text(raw)  # a ledger repeats the same dozen months: read each once
    return Period.of(_read_date(raw, False, _MONTH_WORDS))


_MONTH_WORDS = ("月份", "month")


@functools.lru_cache(maxsize=512)
def _period_text(raw: str) -> Period:
    if match := _COMPACT_MONTH.fullmatch(_clean(raw)):
        return Period.of(_build(raw, int(match["y"]), int(match["m"]), None, _MONTH_WORDS))
    return Period.of(_read_date(raw, False, _MONTH_WORDS))


def format_date_zh(day: date) -> str:
    """``2023年3月31日``, without leading zeros, as official documents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_datetime(moment: datetime, english: bool = False) -> str:
    """A moment as the pages and the API show it: ``2023年6月10日 09:30`` or ``10 Jun 2023 09:30``
    (the caller passes the moment in local time)."""
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if english:
        return f"{moment.day} {MONTHS_EN[moment.month - 1]} {moment.year} {clock}"
    return f"{format_date_zh(moment.date())} {clock}"


def month_span_zh(first: Period, last: Period) -> str:
    """Name a run of months as bulletins do: ``2023年3月``, ``2023年1—3月``,
    ``2022年11月—2023年2月`` (一字线 between, as the statistics bureau writes 1—2月)."""
    if last < first:
        raise ValueError(f"month span ends before it starts: {first} to {last}")
    if first == last:
        return first.label_zh
    if first.year == last.year:
        return f"{first.year}年{first.month}—{last.month}月"
    return f"{first.label_zh}—{last.label_zh}"


def last_complete_month(as_of: date, year: int) -> int:
    """The last complete month m of plan year ``year`` at ``as_of`` (contract §2), 0–12.

    m is as_of's month if as_of is that month's last day, else the month before; 0 when that
    month falls before the plan year (January before the 31st), 12 when after it.
    """
    month = Period.of(as_of)
    if as_of != month.last_day:
        month = month.prev()
    if month.year < year:
        return 0
    if month.year > year:
        return 12
    return month.month
