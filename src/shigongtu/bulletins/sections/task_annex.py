"""附件：任务进展情况表 — every node of the plan."""

from __future__ import annotations

from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import format_date_zh

TASK_COLUMNS = [Column("编号", width=0.7), Column("任务名称", width=4.2), Column("牵头单位", width=1.3),
                Column("包保领导", width=1.1), Column("完成时限", width=1.2), Column("进度（%）", NUMBER, 1, 0.8),
                Column("序时进度（%）", NUMBER, 1, 0.8), Column("灯色", LIGHT, width=0.7)]


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """Every node of the plan with its lead unit, leader, due date, progress, 序时 and light."""
    rows, levels = [], []
    names, meta_of, results = facts.unit_names, facts.rollup.meta, facts.rollup.results
    for node_id in facts.rollup.order:
        meta, res = meta_of[node_id], results[node_id]
        rows.append([meta.code, meta.title, names.get(meta.lead_unit_id, "") if meta.lead_unit_id else "",
                     meta.leader, format_date_zh(res.due), N.text(N.pct(res.progress)),
                     N.text(N.pct(res.expected)), S.light_word(res.light)])
        levels.append(res.depth)
    sec = Section("task_annex", "附件")
    title = f"{facts.plan.name}任务进展情况表（{S.month_end(facts.period.month, facts.period.year)}）"
    sec.add_table(Table("tasks", title, list(TASK_COLUMNS), rows, levels))
    return sec
