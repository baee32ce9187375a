"""各战线推进情况: a paragraph, a table row and a bar per front."""

from __future__ import annotations

from collections import Counter
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Chart, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.plans.rules.lights import CANCELLED, DONE


def _due_in_period(facts: Facts) -> dict[int, list[int]]:
    """Per front, the live tasks (below the front) whose due date falls in the bulletin's month."""
    front_of = facts.front_of()
    out: dict[int, list[int]] = {}
    for node_id in facts.rollup.order:
        res = facts.result(node_id)
        if res.depth == 0 or res.light == CANCELLED or res.due not in facts.period:
            continue
        out.setdefault(front_of[node_id], []).append(node_id)
    return out


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """Each front's progress against 序时, its tasks' lights and the tasks due in the month."""
    sec = Section("fronts", "各战线推进情况")
    due = _due_in_period(facts)
    cols = [Column("战线", width=2.0), Column("牵头单位", width=1.5), Column("包保领导", width=1.4),
            Column("进度（%）", NUMBER, 1), Column("序时进度（%）", NUMBER, 1), Column("比序时（个百分点）", NUMBER, 1),
            Column("灯色", LIGHT, width=0.8), Column("末级任务", NUMBER), Column("已完成", NUMBER),
            Column("绿灯", NUMBER), Column("黄灯", NUMBER), Column("红灯", NUMBER), Column("未开始", NUMBER),
            Column("本月到期", NUMBER), Column("到期已完成", NUMBER)]
    rows: list[list[str]] = []
    paras: list[tuple[str, str]] = []
    bars: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for front in facts.fronts():
        meta, res = facts.meta(front), facts.result(front)
        if res.light == CANCELLED:
            continue
        progress, expected = N.pct(res.progress), N.pct(res.expected)
        gap = N.points(progress, expected)
        leaves = facts.leaves_under(front)
        counts = Counter(facts.result(i).light for i in leaves)
        due_here = due.get(front, [])
        due_done = [i for i in due_here if facts.result(i).light == DONE]
        name = S.short_title(meta.title)
        rows.append([name, facts.unit(front), meta.leader, N.text(progress), N.text(expected), N.text(gap),
                     S.light_word(res.light), str(len(leaves)), *(str(counts[k]) for k in S.LIGHT_ORDER),
                     str(len(due_here)), str(len(due_done))])
        text = f"总体进度{N.text(progress)}%，{S.compare(gap, '序时进度')}，{S.light_word(res.light)}。"
        text += f"末级任务{len(leaves)}项"
        split = S.counted([(S.light_word(k), counts[k]) for k in S.LIGHT_ORDER])
        text += f"，其中{split}。" if split else "。"
        if due_here:
            open_ = [i for i in due_here if i not in due_done]
            text += f"本月到期任务{len(due_here)}项"
            if open_:
                named = [f"{facts.meta(i).code} {S.short_title(facts.meta(i).title, 30)}"
                         f"（进度{N.text(N.pct(facts.result(i).progress))}%）" for i in open_]
                text += f"，已完成{len(due_done)}项，未完成{len(open_)}项" if due_done else "，均未完成"
                text += f"：{S.listing(named, 5)}"
            else:
                text += "，均已完成"
            text += "。"
        who = "，".join(x for x in (f"{facts.unit(front)}牵头" if facts.unit(front) else "",
                                     f"包保领导{meta.leader}" if meta.leader else "") if x)
        n = len(paras) + 1
        paras.append((f"{S.ordinal(n) if n <= 99 else n}是{name}" + (f"（{who}）" if who else "") + "。", text))
        bars.append({"name": name, "progress": float(progress), "expected": float(expected), "light": res.light})
        out.append({"code": meta.code, "progress": N.text(progress), "expected": N.text(expected),
                    "light": res.light, "leaves": len(leaves), "due": len(due_here), "due_done": len(due_done)})
    figures["fronts"] = out
    if not rows:
        sec.para("本施工图尚未设置战线。")
        return sec
    sec.para(f"{S.month_end(facts.period.month)}，各战线推进情况如下：")
    if len(paras) <= 30:
        for lead, text in paras:
            sec.para(text, lead=lead)
    sec.add_table(Table("fronts", "各战线推进情况表", cols, rows))
    sec.add_chart(Chart("fronts", "各战线进度与序时进度（%）", "bars", {"bars": bars[:30]}))
    return sec
