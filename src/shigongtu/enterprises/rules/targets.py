"""Tier counts against the year's targets (高企突破500家 …) by contract §2's stock rule, and the
bulletin section's sentences (「企业梯度培育」). Pure: no Django.

A stock's year's work is the change from the baseline (上年末): c = (actual − B) / (T − B);
the expected share x is the plan curve at the last complete month m (batch months: the
curve rises when a 认定 batch is due), else min(1, m / 12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shigongtu.lib.periods import last_complete_month
from shigongtu.plans.rules.indicators import expected_share
from shigongtu.plans.rules.lights import DEFAULT_THRESHOLDS, Thresholds, completion_light


@dataclass(frozen=True)
class TargetStatus:
    """A tier target judged at d: baseline B, actual at month m's end, completion, light."""

    name: str
    target: float
    baseline: float
    actual: float
    month: int
    net: float
    completion: float
    expected_share: float
    light: str


def judge_stock(name: str, target: float, baseline: float, by_month: Mapping[int, float], year: int,
                as_of: dt.date, curve: Sequence[float] | None = None,
                th: Thresholds = DEFAULT_THRESHOLDS) -> TargetStatus:
    """Contract §2's stock rule: actual = the value at the last complete month (none → B)."""
    month = last_complete_month(as_of, year)
    actual = float(by_month[month]) if month and month in by_month else float(baseline)
    span = target - baseline
    completion = (actual - baseline) / span if span else (1.0 if actual >= target else 0.0)
    share = expected_share(tuple(curve) if curve else None, month)
    return TargetStatus(name, float(target), float(baseline), actual, month, actual - baseline, completion, share,
                        completion_light(completion, share, th))


def _n(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def section_sentences(targets: Sequence[TargetStatus], new_this_month: Mapping[str, int],
                      expiring: Mapping[str, int]) -> list[str]:
    """The draft of the bulletin's 「企业梯度培育」 paragraph, one sentence per fact.

    「高新技术企业有效期内X家，较年初净增Y家，完成年度净增目标的Z%」 per target; then the month's
    new recognitions and the certificates expiring soon, when there are any.
    """
    out = []
    for t in targets:
        sign = "净增" if t.net >= 0 else "净减"
        out.append(f"{t.name}有效期内{_n(t.actual)}家，较年初{sign}{_n(abs(t.net))}家，"
                   f"完成年度净增目标的{_pct(t.completion)}。")
    new = [f"{tier}{n}家" for tier, n in new_this_month.items() if n]
    if new:
        out.append(f"本月新认定{'、'.join(new)}。")
    soon = [f"{tier}{n}家" for tier, n in expiring.items() if n]
    if soon:
        out.append(f"180天内证书到期且未提交重新认定的：{'、'.join(soon)}，请相关部门督促企业及时申报。")
    return out
