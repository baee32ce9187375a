"""Counting signings and the KPIs of 招商 (contract §4 "Leads at d"), over plain rows.

A signing counts once, at the lead's first signing, in the plan year, on or before d. A capital
increase or upgrade (增资扩产) is its own record whose investment is the increment: it adds to
the signed amount (and its funds to the funds) but not to the number of signed projects, so a
project is never counted twice. ``started`` counts the counted signings whose 开工日期 ≤ d.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class LeadRow:
    """What the counting reads of one lead."""

    investment: Decimal
    funds: Decimal
    signed_on: dt.date | None
    registered_on: dt.date | None = None
    started_on: dt.date | None = None
    operating_on: dt.date | None = None
    increment: bool = False
    mode: str = ""
    team: str = ""
    unit: str = ""


@dataclass
class Figures:
    """签约数/签约额, 履约 (registered or started), 开工, 到位资金, 投产 for one group of leads."""

    signed: int = 0
    signed_investment: Decimal = Decimal(0)
    performing: int = 0
    started: int = 0
    funds: Decimal = Decimal(0)
    operating: int = 0

    @property
    def start_rate(self) -> float:
        """开工率 = started / signed (0 when none signed)."""
        return self.started / self.signed if self.signed else 0.0

    @property
    def performance_rate(self) -> float:
        """履约率 = signed projects registered or started / signed."""
        return self.performing / self.signed if self.signed else 0.0

    @property
    def funds_rate(self) -> float:
        """资金到位率 = funds / signed investment (0 when nothing signed)."""
        return float(self.funds / self.signed_investment) if self.signed_investment else 0.0

    def as_summary(self) -> dict[str, object]:
        return {"signed": self.signed, "signed_investment": self.signed_investment, "started": self.started,
                "start_rate": self.start_rate, "funds": self.funds, "funds_rate": self.funds_rate,
                "performing": self.performing, "performance_rate": self.performance_rate,
                "operating": self.operating}


def counts(row: LeadRow, year: int, d: dt.date) -> bool:
    """Whether the lead's signing counts in ``year`` at ``d``."""
    return row.signed_on is not None and row.signed_on.year == year and row.signed_on <= d


def add(fig: Figures, row: LeadRow, d: dt.date) -> None:
    """Add one counted signing to ``fig``."""
    fig.signed_investment += row.investment
    fig.funds += row.funds
    if row.increment:
        return
    fig.signed += 1
    started = row.started_on is not None and row.started_on <= d
    fig.started += started
    fig.performing += started or (row.registered_on is not None and row.registered_on <= d)
    fig.operating += row.operating_on is not None and row.operating_on <= d


def summarise(rows: Iterable[LeadRow], year: int, d: dt.date) -> Figures:
    """The year's figures at ``d`` over every lead."""
    fig = Figures()
    for row in rows:
        if counts(row, year, d):
            add(fig, row, d)
    return fig


def grouped(rows: Iterable[LeadRow], year: int, d: dt.date, key: Callable[[LeadRow], str]) -> dict[str, Figures]:
    """The same figures per group (招商方式, 小分队, 责任单位), groups in first-seen order."""
    out: dict[str, Figures] = defaultdict(Figures)
    for row in rows:
        if counts(row, year, d):
            add(out[key(row)], row, d)
    return dict(out)


@dataclass
class Funnel:
    """How many leads are at each stage at d (the board's columns, the card's funnel)."""

    by_stage: dict[str, int] = field(default_factory=dict)


def normalised_name(text: str) -> str:
    """A name compared for duplicates: no whitespace, full-width folded, case-folded."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()
