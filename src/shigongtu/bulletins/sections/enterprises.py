"""企业梯度培育: the tier targets judged by the stock rule, new recognitions, expiring certificates."""

from __future__ import annotations

from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.enterprises.selectors import bulletin_section
from shigongtu.lib.periods import format_date_zh


def build(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """The enterprise registry's month (from ``enterprises.selectors.bulletin_section``, the same
    read model the dashboard card and the registry pages use); None when the zone keeps no registry."""
    tiers = bulletin_section(facts.plan, facts.period)
    if not tiers.targets and not tiers.new_this_month and not tiers.expiring:
        return None
    sec = Section("enterprises", "企业梯度培育")
    for sentence in tiers.sentences:
        sec.para(sentence)
    figures["enterprises"] = {
        t.name: {"actual": t.actual, "baseline": t.baseline, "net": t.net, "target": t.target,
                 "completion": N.text(N.percent(t.completion))} for t in tiers.targets
    }
    if tiers.targets:
        rows = [[t.name, N.text(N.rounded(t.baseline, 0)), N.text(N.rounded(t.actual, 0)),
                 N.text(N.rounded(t.net, 0)), N.text(N.rounded(t.target, 0)), N.text(N.percent(t.completion))]
                for t in tiers.targets]
        cols = [Column("梯度类别", width=1.8), Column("年初（家）", NUMBER), Column("有效期内（家）", NUMBER),
                Column("净增（家）", NUMBER), Column("年度目标（家）", NUMBER), Column("完成净增目标（%）", NUMBER, 1)]
        sec.add_table(Table("enterprise_targets", "企业梯度培育目标完成情况表", cols, rows))
    if tiers.expiring:
        rows = [[e.name, e.tier, format_date_zh(e.expires), str(e.days_left), e.leader or N.DASH]
                for e in tiers.expiring]
        cols = [Column("企业名称", width=2.4), Column("梯度类别", width=1.6), Column("有效期至", width=1.4),
                Column("剩余天数", NUMBER), Column("包保领导")]
        sec.add_table(Table("enterprise_expiring", "即将到期且未申请复审的企业", cols, rows))
    return sec
