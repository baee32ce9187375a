"""招商引资: the month's signings, the year's 签约额, 开工率 and 资金到位率, KPIs by mode."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shigongtu.attraction.rules.sentences import sentences_zh
from shigongtu.attraction.selectors import bulletin_section, section_facts
from shigongtu.bulletins import numbers as N
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import format_date_zh

YI = N.Quantity("万元", "亿元", 2)  # the tables' 亿元 columns, through the bulletin's one money rule


def _yi(wan: Decimal) -> str:
    return N.text(YI.of(wan))


def build(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """The attraction pipeline's month (from ``attraction.selectors.bulletin_section``, the read
    model the dashboard card and the KPI page use); None when the plan has no leads this year."""
    leads = bulletin_section(facts.plan, facts.period.key)
    f = leads.figures
    if not f.signed and not leads.signings:
        return None
    sec = Section("attraction", "招商引资")
    for sentence in sentences_zh(section_facts(leads)):
        sec.para(sentence)
    figures["attraction"] = {"signed": f.signed, "signed_investment": str(f.signed_investment),
                             "started": f.started, "start_rate": N.text(N.percent(f.start_rate)),
                             "funds": str(f.funds), "funds_rate": N.text(N.percent(f.funds_rate))}
    if leads.signings:
        rows = [[s.name, s.investor or N.DASH, s.mode, _yi(s.investment), format_date_zh(s.signed_on)]
                for s in leads.signings]
        cols = [Column("项目名称", width=2.6), Column("投资方", width=2.0), Column("招商方式"),
                Column("协议投资额（亿元）", NUMBER, 2), Column("签约日期", width=1.4)]
        sec.add_table(Table("attraction_signings", f"{facts.period.month}月新签约项目表", cols, rows))
    if leads.by_mode:
        rows = [[k.group, str(k.figures.signed), _yi(k.figures.signed_investment), str(k.figures.started),
                 N.text(N.percent(k.figures.start_rate)), N.text(N.percent(k.figures.funds_rate))]
                for k in leads.by_mode]
        cols = [Column("招商方式", width=1.6), Column("签约（个）", NUMBER), Column("签约额（亿元）", NUMBER, 2),
                Column("开工（个）", NUMBER), Column("开工率（%）", NUMBER, 1), Column("资金到位率（%）", NUMBER, 1)]
        sec.add_table(Table("attraction_modes", "各招商方式成效表", cols, rows))
    return sec
