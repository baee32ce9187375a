"""Eligibility pre-checks (认定条件预审): a tier's thresholds as data, evaluated on yearly figures.

Pure: no Django. The thresholds are rule rows (``TierRule`` in the database, editable; the
defaults below follow domain brief §7); each names a metric, a comparison and a value, and
optionally the revenue band it applies in (高企's R&D ratio: ≤5000万 → 5 %, 5000万–2亿 → 4 %,
over 2亿 → 3 %). A criterion whose figure is missing is "unknown", neither met nor missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from shigongtu.enterprises.rules.tiers import HIGH_GROWTH, HIGH_TECH, INNOVATIVE, LITTLE_GIANT, SRDI, TECH_SME

MET, MISSED, UNKNOWN = "met", "missed", "unknown"

# metric → (Chinese, English, unit)
METRICS: Final = {
    "revenue": ("营业收入", "revenue", "万元"),
    "rd_expense": ("研发费用", "R&D spending", "万元"),
    "rd_ratio": ("研发费用占营业收入比例", "R&D as a share of revenue", "%"),
    "staff_total": ("职工总数", "staff", "人"),
    "tech_staff_share": ("科技人员占比", "share of technical staff", "%"),
    "ip_class1": ("Ⅰ类知识产权", "class I IP", "项"),
    "ip_total": ("知识产权（Ⅰ类+Ⅱ类）", "IP (class I + II)", "项"),
    "equity_financing": ("股权融资", "equity financing", "万元"),
    "age_years": ("成立年限", "years since registration", "年"),
    "revenue_growth": ("营业收入增长率", "revenue growth", "%"),
}
OPS: Final = (">=", "<=")


@dataclass(frozen=True)
class Figures:
    """One enterprise's latest yearly figures (企业年度数据), amounts in 万元; None = not given."""

    year: int
    revenue: Decimal | None = None
    rd_expense: Decimal | None = None
    staff_total: int | None = None
    tech_staff: int | None = None
    ip_class1: int | None = None
    ip_class2: int | None = None
    equity_financing: Decimal | None = None
    registered_on: dt.date | None = None
    previous_revenue: Decimal | None = None


@dataclass(frozen=True)
class Criterion:
    """One threshold of a tier: ``metric`` ``op`` ``value``, within a revenue band when given
    (``band_min`` < revenue ≤ ``band_max``, 万元)."""

    tier: str
    code: str
    label: str
    metric: str
    op: str
    value: Decimal
    band_min: Decimal | None = None
    band_max: Decimal | None = None
    label_en: str = ""


@dataclass(frozen=True)
class Result:
    """A criterion checked on the figures: met, missed or unknown, and how far off (0..1)."""

    criterion: Criterion
    outcome: str
    actual: Decimal | None
    gap: float  # relative shortfall: 0 when met, 1 when unknown


def metric(fig: Figures, name: str) -> Decimal | None:
    """The value of one metric on the figures, or None when a figure it needs is missing."""
    if name in ("revenue", "rd_expense", "equity_financing"):
        value = getattr(fig, name)
        return None if value is None else Decimal(value)
    if name in ("staff_total", "ip_class1"):
        count = getattr(fig, name)
        return None if count is None else Decimal(count)
    if name == "ip_total":
        if fig.ip_class1 is None and fig.ip_class2 is None:
            return None
        return Decimal((fig.ip_class1 or 0) + (fig.ip_class2 or 0))
    if name == "rd_ratio":
        if fig.rd_expense is None or not fig.revenue:
            return None
        return 100 * Decimal(fig.rd_expense) / Decimal(fig.revenue)
    if name == "tech_staff_share":
        if fig.tech_staff is None or not fig.staff_total:
            return None
        return Decimal(100 * fig.tech_staff) / Decimal(fig.staff_total)
    if name == "age_years":
        if fig.registered_on is None:
            return None
        return Decimal(fig.year - fig.registered_on.year)
    if name == "revenue_growth":
        if fig.revenue is None or not fig.previous_revenue:
            return None
        return 100 * (Decimal(fig.revenue) / Decimal(fig.previous_revenue) - 1)
    raise ValueError(f"unknown metric {name!r}")


def applies(c: Criterion, fig: Figures) -> bool:
    """A banded criterion applies only when the revenue falls in its band."""
    if c.band_min is None and c.band_max is None:
        return True
    if fig.revenue is None:
        return c.band_min is None  # unknown revenue: judged by the lowest band only
    revenue = Decimal(fig.revenue)
    return (c.band_min is None or revenue > c.band_min) and (c.band_max is None or revenue <= c.band_max)


def check(c: Criterion, fig: Figures | None) -> Result:
    """One criterion on the figures (None: no figures at all)."""
    actual = None if fig is None else metric(fig, c.metric)
    if actual is None:
        return Result(c, UNKNOWN, None, 1.0)
    ok = actual >= c.value if c.op == ">=" else actual <= c.value
    if ok:
        return Result(c, MET, actual, 0.0)
    if c.op == ">=":
        gap = float((c.value - actual) / c.value) if c.value else 1.0
    else:
        gap = float((actual - c.value) / actual) if actual else 1.0
    return Result(c, MISSED, actual, min(1.0, max(0.0, gap)))


def evaluate(criteria: Iterable[Criterion], fig: Figures | None, tier: str) -> list[Result]:
    """The criteria of ``tier`` that apply to these figures, each checked."""
    return [check(c, fig) for c in criteria if c.tier == tier and (fig is None or applies(c, fig))]


def closeness(results: Sequence[Result]) -> float:
    """How close to qualifying, 0..1 (1: every criterion met): the mean of 1 − gap."""
    if not results:
        return 0.0
    return sum(1.0 - r.gap for r in results) / len(results)


def _c(tier: str, code: str, label: str, metric_name: str, op: str, value: str,
       band: tuple[str | None, str | None] = (None, None), en: str = "") -> Criterion:
    lo, hi = band
    return Criterion(tier, code, label, metric_name, op, Decimal(value), Decimal(lo) if lo else None,
                     Decimal(hi) if hi else None, en)


# The defaults of domain brief §7 (amounts in 万元); the database holds them as editable rows.
DEFAULT_CRITERIA: Final = (
    _c(TECH_SME, "staff", "职工总数不超过500人", "staff_total", "<=", "500", en="at most 500 staff"),
    _c(TECH_SME, "revenue", "年销售收入不超过2亿元", "revenue", "<=", "20000", en="revenue at most 200 million"),
    _c(TECH_SME, "tech", "有科技人员（占比>0）", "tech_staff_share", ">=", "0.01", en="has technical staff"),
    _c(INNOVATIVE, "rd", "研发费用占营业收入不低于5%（直通或评分项）", "rd_ratio", ">=", "5",
       en="R&D at least 5% of revenue"),
    _c(INNOVATIVE, "growth", "营业收入增长率不低于15%（评分项）", "revenue_growth", ">=", "15",
       en="revenue growth at least 15%"),
    _c(SRDI, "rd_amount", "上年研发费用不低于100万元", "rd_expense", ">=", "100", en="R&D at least 1 million"),
    _c(SRDI, "rd_ratio", "研发费用占营业收入不低于3%", "rd_ratio", ">=", "3", en="R&D at least 3% of revenue"),
    _c(SRDI, "revenue", "上年营业收入不低于1000万元", "revenue", ">=", "1000", en="revenue at least 10 million"),
    _c(LITTLE_GIANT, "rd_ratio_1", "营收1亿元以上：研发费用占比不低于3%", "rd_ratio", ">=", "3", ("10000", None),
       en="revenue over 100 million: R&D at least 3%"),
    _c(LITTLE_GIANT, "rd_ratio_2", "营收5000万–1亿元：研发费用占比不低于6%", "rd_ratio", ">=", "6",
       ("5000", "10000"), en="revenue 50–100 million: R&D at least 6%"),
    _c(LITTLE_GIANT, "rd_amount_3", "营收5000万元以下：研发费用不低于3000万元", "rd_expense", ">=", "3000",
       (None, "5000"), en="revenue under 50 million: R&D at least 30 million"),
    _c(LITTLE_GIANT, "ip", "Ⅰ类知识产权不少于2项", "ip_class1", ">=", "2", en="at least 2 class I IP items"),
    _c(HIGH_TECH, "age", "注册成立满1年", "age_years", ">=", "1", en="registered at least 1 year"),
    _c(HIGH_TECH, "ip", "拥有知识产权", "ip_total", ">=", "1", en="owns IP"),
    _c(HIGH_TECH, "tech", "科技人员占职工总数不低于10%", "tech_staff_share", ">=", "10",
       en="technical staff at least 10%"),
    _c(HIGH_TECH, "rd_1", "营收5000万元以下：研发费用占比不低于5%", "rd_ratio", ">=", "5", (None, "5000"),
       en="revenue up to 50 million: R&D at least 5%"),
    _c(HIGH_TECH, "rd_2", "营收5000万–2亿元：研发费用占比不低于4%", "rd_ratio", ">=", "4", ("5000", "20000"),
       en="revenue 50–200 million: R&D at least 4%"),
    _c(HIGH_TECH, "rd_3", "营收2亿元以上：研发费用占比不低于3%", "rd_ratio", ">=", "3", ("20000", None),
       en="revenue over 200 million: R&D at least 3%"),
    # 高成长企业 is the zone's own label; a 瞪羚-style reading until the zone sets its own.
    _c(HIGH_GROWTH, "age", "成立不超过15年", "age_years", "<=", "15", en="at most 15 years old"),
    _c(HIGH_GROWTH, "growth", "营业收入增长率不低于20%", "revenue_growth", ">=", "20",
       en="revenue growth at least 20%"),
    _c(HIGH_GROWTH, "revenue", "营业收入不低于1000万元", "revenue", ">=", "1000", en="revenue at least 10 million"),
)
