"""督办事项办理情况: items assigned, done and closed (办结率, 销号率), and the overdue list by unit."""

from __future__ import annotations

from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.supervision.rules.sentences import section_sentences
from shigongtu.supervision.selectors import bulletin_section


def build(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """The supervision items at the month's end (``supervision.selectors.bulletin_section``, the
    read model of the dashboard card and the CLI summary); None when the plan has no items."""
    items = bulletin_section(facts.plan, facts.period)
    if not items.total:
        return None
    sec = Section("supervision", "督办事项办理情况")
    for sentence in section_sentences(items):
        sec.para(sentence)
    figures["supervision"] = {"total": items.total, "done": items.done, "closed": items.closed,
                              "closed_this_month": items.closed_this_month, "overdue": items.overdue,
                              "done_rate": N.text(N.percent(items.done_rate)),
                              "closure_rate": N.text(N.percent(items.closure_rate))}
    if items.overdue_by_unit:
        rows = [[g.unit, str(g.count), "、".join(g.leaders) or N.DASH, "；".join(g.titles[:3]) or N.DASH]
                for g in items.overdue_by_unit]
        cols = [Column("牵头单位", width=1.6), Column("逾期（项）", NUMBER), Column("责任领导", width=1.4),
                Column("逾期事项", width=3.2)]
        sec.add_table(Table("supervision_overdue", "逾期督办事项分布表", cols, rows))
    return sec
