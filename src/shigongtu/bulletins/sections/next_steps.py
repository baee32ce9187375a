"""下步工作安排: tasks due or starting next month, and the standing requirements."""

from __future__ import annotations

from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import format_date_zh
from shigongtu.plans.rules.lights import CANCELLED, DONE, RED, YELLOW
from shigongtu.plans.rules.warnings import LAG, OVERDUE

LISTED_LIMIT = 300  # a longer list keeps its first rows; the annex has every due date


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """Tasks due next month (and those starting then), with the next steps their reports name,
    and the standing requirements that follow from the month's picture."""
    sec = Section("next", "下步工作安排")
    nxt = facts.period.next()
    due, starting = [], []
    for node_id in facts.rollup.order:
        res = facts.result(node_id)
        if res.depth == 0 or res.light in (CANCELLED, DONE):
            continue
        if res.due in nxt:
            due.append(node_id)
        elif res.start in nxt:
            starting.append(node_id)
    sec.sub(f"（一）{nxt.month}月份到期任务" if nxt.year == facts.plan.year else "（一）年度收官任务")
    if nxt.year != facts.plan.year:
        sec.para("本年度施工图任务已到期，未完成任务请各牵头单位逐项说明原因并提出后续安排。")
    elif due or starting:
        text = f"{nxt.month}月份到期任务{len(due)}项" if due else f"{nxt.month}月份无到期任务"
        if starting:
            text += f"，计划启动任务{len(starting)}项"
        sec.para(text + "，请各牵头单位对照时间节点倒排工期、挂图作战，确保按期完成。")
        rows = []
        listed = (due + starting)[:LISTED_LIMIT]
        for node_id in listed:
            meta, res = facts.meta(node_id), facts.result(node_id)
            report = facts.reports.get(node_id)
            rows.append([meta.code, meta.title, facts.unit(node_id), meta.leader,
                         format_date_zh(res.due) if node_id in due else f"{format_date_zh(res.start)}启动",
                         N.text(N.pct(res.progress)), (report.next_steps if report else "") or N.DASH])
        cols = [Column("编号", width=0.7), Column("任务名称", width=3.4), Column("牵头单位", width=1.3),
                Column("包保领导", width=1.1), Column("时间节点", width=1.5), Column("当前进度（%）", NUMBER, 1, 0.9),
                Column("下步计划（月报）", width=2.4)]
        note = "" if len(listed) == len(due) + len(starting) else \
            f"共{len(due) + len(starting)}项，此处列出前{len(listed)}项，全部任务的完成时限见附件1。"
        sec.add_table(Table("next", f"{nxt.month}月份到期及启动任务表", cols, rows, note=note))
    else:
        sec.para(f"{nxt.month}月份无到期或计划启动的任务。")
    sec.sub("（二）工作要求")
    counts = facts.figures.warning_counts
    reds = sum(counts.get(kind, {}).get(RED, 0) for kind in (LAG, OVERDUE))
    yellows = sum(counts.get(kind, {}).get(YELLOW, 0) for kind in (LAG, OVERDUE))
    demands = []
    if reds:
        demands.append(f"对{reds}项红灯任务，包保领导要亲自调度，牵头单位要形成推进方案，明确时间节点和责任人，"
                       "倒排工作计划，限期扭转滞后局面")
    if yellows:
        demands.append(f"对{yellows}项黄灯任务，牵头单位要加强跟踪调度，防止转为红灯")
    demands.append(f"各牵头单位要于每月{facts.plan.report_deadline_day}日前如实报送上月进展情况，"
                   "对月报反映的问题及时协调解决")
    for i, text in enumerate(demands, start=1):
        sec.para(f"{S.ordinal(i)}是{text}。")
    return sec
