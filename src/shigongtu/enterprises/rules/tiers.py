"""Tiers and their lifecycle (梯度类别, 培育库 → 拟申报 → 已申报 → 已认定), contract §3 and §4.

Pure: no Django. A tier record is valid at d when it is 已认定 and 认定日期 ≤ d ≤ 有效期至;
counts at d (valid, pipeline, expiring) and the month-end counts of a year are computed
here, over plain tuples, for every face alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from shigongtu.lib.errors import ValueProblem, shown

TECH_SME: Final = "科技型中小企业"
INNOVATIVE: Final = "创新型中小企业"
SRDI: Final = "专精特新中小企业"
LITTLE_GIANT: Final = "专精特新小巨人"
HIGH_TECH: Final = "高新技术企业"
HIGH_GROWTH: Final = "高成长企业"
ABOVE_SCALE: Final = "规上企业"
TIERS: Final = (TECH_SME, INNOVATIVE, SRDI, LITTLE_GIANT, HIGH_TECH, HIGH_GROWTH, ABOVE_SCALE)
TIERS_EN: Final = {
    TECH_SME: "tech-based SME", INNOVATIVE: "innovative SME", SRDI: "specialised SME (SRDI)",
    LITTLE_GIANT: "little giant", HIGH_TECH: "high-tech enterprise", HIGH_GROWTH: "high-growth enterprise",
    ABOVE_SCALE: "above-scale enterprise",
}
TIER_ALIASES: Final = {"高企": HIGH_TECH, "国家高新技术企业": HIGH_TECH, "专精特新": SRDI,
                       "专精特新企业": SRDI, "小巨人": LITTLE_GIANT, "专精特新“小巨人”": LITTLE_GIANT,
                       '专精特新"小巨人"': LITTLE_GIANT, "科小": TECH_SME, "科技型中小": TECH_SME,
                       "创新型": INNOVATIVE, "规上": ABOVE_SCALE, "四上企业": ABOVE_SCALE, "瞪羚企业": HIGH_GROWTH}
# Certificates valid three years (less a day) unless the ledger says otherwise (contract §3).
THREE_YEAR_TIERS: Final = frozenset({HIGH_TECH, SRDI, LITTLE_GIANT, INNOVATIVE})

POOL: Final = "培育库"
PLANNED: Final = "拟申报"
APPLIED: Final = "已申报"
GRANTED: Final = "已认定"
REVOKED: Final = "已撤销"
STATUSES: Final = (POOL, PLANNED, APPLIED, GRANTED, REVOKED)
STATUSES_EN: Final = {POOL: "cultivation pool", PLANNED: "to apply", APPLIED: "applied", GRANTED: "recognised",
                      REVOKED: "revoked"}
STATUS_ALIASES: Final = {"入库": POOL, "培育": POOL, "拟报": PLANNED, "申报中": APPLIED, "已提交": APPLIED,
                         "认定": GRANTED, "已入库": GRANTED, "有效": GRANTED, "撤销": REVOKED, "已取消": REVOKED}
PIPELINE: Final = frozenset({POOL, PLANNED, APPLIED})
LEVELS: Final = ("国家级", "省级", "市级", "区级")
EXPIRING_DAYS: Final = 180


def _key(raw: object) -> str:
    return "".join(str(raw).split())


def read_tier(raw: object) -> str:
    """The tier a cell names (its aliases too: 高企, 专精特新, 小巨人); ValueProblem otherwise."""
    text = _key(raw) if raw is not None else ""
    if text in TIERS:
        return text
    found = TIER_ALIASES.get(text) or next((t for t, en in TIERS_EN.items() if en == text.lower()), None)
    if found is None:
        raise ValueProblem(f"未知的梯度类别{shown(raw)}（可用：{'、'.join(TIERS)}）",
                           f"unknown tier {shown(raw)} (use {', '.join(TIERS)})")
    return found


def read_status(raw: object) -> str:
    """The status a cell names (培育库 / 拟申报 / 已申报 / 已认定 / 已撤销); ValueProblem otherwise."""
    text = _key(raw) if raw is not None else ""
    if text in STATUSES:
        return text
    found = STATUS_ALIASES.get(text) or next((s for s, en in STATUSES_EN.items() if en == text.lower()), None)
    if found is None:
        raise ValueProblem(f"未知的状态{shown(raw)}（可用：{'、'.join(STATUSES)}）",
                           f"unknown status {shown(raw)} (use {', '.join(STATUSES)})")
    return found


def default_status(granted: dt.date | None) -> str:
    """No status given: 已认定 when a 认定日期 is, else 培育库."""
    return GRANTED if granted is not None else POOL


def default_expiry(tier: str, granted: dt.date | None) -> dt.date | None:
    """有效期至 when the ledger leaves it empty: three years after 认定日期 less one day for the
    certificated tiers (2023-10-16 → 2026-10-15), none for the others."""
    if granted is None or tier not in THREE_YEAR_TIERS:
        return None
    try:
        same_day = granted.replace(year=granted.year + 3)
    except ValueError:  # 29 February: the anniversary is 1 March
        same_day = dt.date(granted.year + 3, 3, 1)
    return same_day - dt.timedelta(days=1)


def record_problems(status: str, granted: dt.date | None, expires: dt.date | None) -> list[tuple[str, str, str]]:
    """What is wrong with a tier record's dates: (field, Chinese, English) per problem."""
    out = []
    if status == GRANTED and granted is None:
        out.append(("granted_on", "状态为已认定时必须填写认定日期",
                    "a recognised (已认定) record needs its granted date"))
    if granted is not None and expires is not None and expires <= granted:
        out.append(("expires_on", f"有效期至{expires}不晚于认定日期{granted}",
                    f"expiry {expires} is not after the granted date {granted}"))
    return out


@dataclass(frozen=True, slots=True)
class TierState:
    """What the counts read of one tier record."""

    tier: str
    status: str
    granted: dt.date | None
    expires: dt.date | None
    renewal_filed: dt.date | None = None
    enterprise_id: int = 0


def is_valid(status: str, granted: dt.date | None, expires: dt.date | None, day: dt.date) -> bool:
    """Valid at ``day``: 已认定 and 认定日期 ≤ day ≤ 有效期至 (no expiry: no end)."""
    return status == GRANTED and granted is not None and granted <= day and (expires is None or day <= expires)


def is_expiring(state: TierState, day: dt.date, days: int = EXPIRING_DAYS) -> bool:
    """Valid at ``day`` and its 有效期至 within ``days`` days after it."""
    return (is_valid(state.status, state.granted, state.expires, day) and state.expires is not None
            and (state.expires - day).days <= days)


def renewal_pending(state: TierState) -> bool:
    """A renewal (重新认定) has been filed since the current certificate was granted."""
    return state.renewal_filed is not None and (state.granted is None or state.renewal_filed >= state.granted)


@dataclass(frozen=True)
class TierCount:
    """One tier's counts at d (contract §4): valid, in the pipeline, valid but expiring soon."""

    tier: str
    valid: int = 0
    pipeline: int = 0
    expiring: int = 0
    pool: int = 0
    planned: int = 0
    applied: int = 0
    unrenewed: int = 0  # expiring with no renewal filed: the warnings


def counts_at(states: Iterable[TierState], day: dt.date) -> list[TierCount]:
    """Every tier's counts at ``day``, in the order of :data:`TIERS`."""
    return tally_at(((s, 1) for s in states), day)


def tally_at(groups: Iterable[tuple[TierState, int]], day: dt.date) -> list[TierCount]:
    """:func:`counts_at` of ``n`` records alike for each (state, n): what a grouped query returns."""
    acc = {t: [0, 0, 0, 0, 0, 0, 0] for t in TIERS}
    for s, n in groups:
        row = acc.get(s.tier)
        if row is None:
            continue
        if is_valid(s.status, s.granted, s.expires, day):
            row[0] += n
            if s.expires is not None and (s.expires - day).days <= EXPIRING_DAYS:
                row[2] += n
                row[6] += 0 if renewal_pending(s) else n
        elif s.status in PIPELINE:
            row[1] += n
            row[3 + (POOL, PLANNED, APPLIED).index(s.status)] += n
    return [TierCount(t, *v) for t, v in acc.items()]


def month_ends(year: int) -> list[tuple[int, dt.date]]:
    """(month, its last day) for the twelve months of ``year``."""
    out = []
    for m in range(1, 13):
        first_next = dt.date(year + (m == 12), m % 12 + 1, 1)
        out.append((m, first_next - dt.timedelta(days=1)))
    return out


def valid_by_month(states: Sequence[TierState], year: int, tiers: Iterable[str]) -> dict[int, int]:
    """Month → the number of enterprises holding any of ``tiers`` valid at the month's end
    (an enterprise holding two of them counts once: 专精特新 and 小巨人 are one 专精特新 firm)."""
    wanted = set(tiers)
    chosen = [s for s in states if s.tier in wanted and s.status == GRANTED and s.granted is not None]
    out = {}
    for m, end in month_ends(year):
        out[m] = len({s.enterprise_id for s in chosen if is_valid(s.status, s.granted, s.expires, end)})
    return out


def valid_count(states: Iterable[TierState], day: dt.date, tiers: Iterable[str]) -> int:
    """Enterprises holding any of ``tiers`` valid at ``day`` (each once)."""
    wanted = set(tiers)
    return len({s.enterprise_id for s in states if s.tier in wanted and is_valid(s.status, s.granted, s.expires, day)})


def tally_by_month(groups: Iterable[tuple[TierState, int]], year: int) -> dict[str, dict[int, int]]:
    """Tier → month → records valid at the month's end, from (state, n) groups (records counted,
    not enterprises: one tier per enterprise at most)."""
    ends = month_ends(year)
    out = {t: dict.fromkeys(range(1, 13), 0) for t in TIERS}
    for s, n in groups:
        months = out.get(s.tier)
        if months is None or s.status != GRANTED or s.granted is None:
            continue
        for m, end in ends:
            if s.granted <= end and (s.expires is None or end <= s.expires):
                months[m] += n
    return out
