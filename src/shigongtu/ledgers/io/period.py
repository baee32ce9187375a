"""The month a ledger is for, when its rows do not say (contract §3, ledgers as offices keep them).

Pure: a title row (``截至2023年6月底``, ``2023年1-6月``, ``2023年6月``), or 申报年度 + 申报月份.
"""

from __future__ import annotations

import re
import unicodedata

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import Period

_RANGE = r"[-—–~～至到]"
_TITLE_FORMS = (
    re.compile(r"截[至止]\s*(\d{4})\s*年\s*(\d{1,2})\s*月"),  # 截至2023年6月底
    re.compile(rf"(\d{{4}})\s*年\s*1?\s*{_RANGE}\s*(\d{{1,2}})\s*月"),  # 2023年1-6月
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"),  # 2023年6月
    re.compile(r"(\d{4})-(\d{1,2})(?![\d-])"),  # 2023-06
)


def period_in_title(text: str) -> Period | None:
    """The one month a title names, or None (a title of a year, ``2023年重点项目台账``, names none)."""
    folded = unicodedata.normalize("NFKC", text)
    for form in _TITLE_FORMS:
        m = form.search(folded)
        if m is not None:
            try:
                return Period(int(m.group(1)), int(m.group(2)))
            except ValueProblem:
                return None
    return None


def period_in_titles(titles: list[str]) -> tuple[Period, str] | None:
    """The first month named by the rows above the header, with the title that names it."""
    for title in titles:
        found = period_in_title(title)
        if found is not None:
            return found, title
    return None


def _whole(raw: object, low: int, high: int) -> int | None:
    if isinstance(raw, bool) or raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("年").removesuffix("月份")
    text = text.removesuffix("月").removesuffix(".0")
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def period_from_parts(year: object, month: object) -> Period:
    """申报年度 ``2023`` (or ``2023年``) and 申报月份 ``6`` (``6月``, ``06``) as one month."""
    y = _whole(year, 1900, 2100)
    if y is None:
        raise ValueProblem(f"申报年度应为四位年份，如 2023，不是{year}", f"the year must be like 2023, not {year}")
    m = _whole(month, 1, 12)
    if m is None:
        raise ValueProblem(f"申报月份应为1–12，不是{month}", f"the month must be 1–12, not {month}")
    return Period(y, m)
