"""The bulletin section 「督办事项办理情况」 as sentences: a draft the bulletins will take. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OverdueGroup:
    """Overdue items of one lead unit (and the leaders responsible)."""

    unit: str
    count: int
    leaders: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionFacts:
    """The figures the section reads (one read model: ``selectors.bulletin_section``)."""

    month_label: str  # 6月
    total: int
    closed: int
    done: int
    closed_this_month: int
    overdue: int
    done_rate: float  # 办结率 0..1
    closure_rate: float  # 销号率 0..1
    overdue_by_unit: tuple[OverdueGroup, ...] = field(default_factory=tuple)


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def section_sentences(facts: SectionFacts) -> list[str]:
    """「督办事项办理情况」: the totals, the month's closures, and who is overdue."""
    if facts.total == 0:
        return ["本期无督办事项。"]
    out = [f"截至{facts.month_label}底，共有督办事项{facts.total}项，"
           f"已办结{facts.done}项，办结率{_pct(facts.done_rate)}；"
           f"已销号{facts.closed}项，销号率{_pct(facts.closure_rate)}；{facts.month_label}销号{facts.closed_this_month}项。"]
    if facts.overdue == 0:
        out.append("无逾期未办结事项。")
        return out
    parts = []
    for g in facts.overdue_by_unit:
        who = f"（{'、'.join(g.leaders)}）" if g.leaders else ""
        parts.append(f"{g.unit}{g.count}项{who}")
    out.append(f"逾期未办结{facts.overdue}项：{'，'.join(parts)}。请相关单位抓紧整改，按期销号。")
    return out
