"""The bulletin section 「招商引资」 in words: a draft of its Chinese (and English) sentences, from plain figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SectionFacts:
    """What the sentences read: the month, its signings, the year's figures and the KPIs by mode."""

    month: int
    month_signed: int
    month_investment: Decimal  # 万元
    signed: int
    signed_investment: Decimal  # 万元
    started: int
    start_rate: float
    funds: Decimal  # 万元
    funds_rate: float
    by_mode: Sequence[tuple[str, int, Decimal]] = ()  # (mode, signed, investment 万元)
    target_yi: Decimal | None = None  # 签约额 target, 亿元


def _yi(wan: Decimal) -> str:
    return f"{(wan / 10000):.2f}亿元"


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def sentences_zh(f: SectionFacts) -> list[str]:
    """The section's paragraphs in Chinese, as an office writes them."""
    out = []
    if f.month_signed:
        out.append(f"{f.month}月新签约项目{f.month_signed}个，协议投资额{_yi(f.month_investment)}。")
    else:
        out.append(f"{f.month}月无新签约项目。")
    year = f"1—{f.month}月累计签约项目{f.signed}个，协议投资额{_yi(f.signed_investment)}"
    if f.target_yi:
        share = float(f.signed_investment / 10000 / f.target_yi) if f.target_yi else 0.0
        year += f"，完成年度目标{f.target_yi:.2f}亿元的{_pct(share)}"
    out.append(year + f"；已开工{f.started}个，开工率{_pct(f.start_rate)}；"
                      f"到位资金{_yi(f.funds)}，资金到位率{_pct(f.funds_rate)}。")
    modes = [f"{mode}{n}个、{_yi(amount)}" for mode, n, amount in f.by_mode if n]
    if modes:
        out.append("分招商方式看：" + "；".join(modes) + "。")
    return out


def sentences_en(f: SectionFacts) -> list[str]:
    """The same paragraphs in English."""
    def yi(wan: Decimal) -> str:
        return f"{(wan / 10000):.2f} yi yuan"

    out = [f"{f.month_signed} new projects signed in month {f.month}, agreed investment {yi(f.month_investment)}."
           if f.month_signed else f"No new signings in month {f.month}."]
    out.append(f"Year to date: {f.signed} projects signed, {yi(f.signed_investment)}; {f.started} started "
               f"(start rate {_pct(f.start_rate)}); funds arrived {yi(f.funds)} (funds rate {_pct(f.funds_rate)}).")
    modes = [f"{mode} {n}, {yi(amount)}" for mode, n, amount in f.by_mode if n]
    if modes:
        out.append("By mode: " + "; ".join(modes) + ".")
    return out
