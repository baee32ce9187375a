"""The bulletin's follow-up sections: 存在问题, 报送情况 and 下步工作."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.content import LIGHT, NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import format_date_zh
from shigongtu.plans.rules.lights import CANCELLED, DONE, RED, YELLOW
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, OVERDUE

if TYPE_CHECKING:
    from shigongtu.bulletins.projects_part import ProjectsPart


LAGGING_LIMIT = 300  # a longer red/yellow list keeps its red rows (up to this many); the annex has all


def _word(light: str) -> str:
    return S.LIGHT_WORDS.get(light, light)


# -- 存在问题 ---------------------------------------------------------------------------------

def problems(facts: Facts, projects: ProjectsPart | None = None) -> Section:
    """Red and yellow tasks with their lead unit and 包保领导, lagging indicators, the problems
    the month's reports raised, and (with the project library) the projects' warnings."""
    sec = Section("problems", "存在问题")
    month = facts.period.month
    lagging = [w for w in facts.warnings if w.kind in (LAG, OVERDUE)]
    lagging.sort(key=lambda w: 0 if w.light == RED else 1)  # stable: code order within each light
    reds = [w for w in lagging if w.light == RED]
    overdue = [w for w in lagging if w.kind == OVERDUE]
    sec.sub("（一）进度滞后任务")
    if lagging:
        text = f"{S.month_end(month)}，亮红灯任务{len(reds)}项、亮黄灯任务{len(lagging) - len(reds)}项"
        text += f"，其中已过完成时限仍未完成{len(overdue)}项" if overdue else ""
        sec.para(text + "。具体如下表，请各牵头单位和包保领导高度重视，逐项研究解决。")
        rows = []
        shown = lagging if len(lagging) <= LAGGING_LIMIT else reds[:LAGGING_LIMIT]
        for w in shown:
            meta, res = facts.meta(w.node_id), facts.result(w.node_id)
            progress, expected = N.pct(res.progress), N.pct(res.expected)
            if w.kind == OVERDUE:
                state = f"逾期{w.detail.get('days_overdue', 0)}天（完成时限{format_date_zh(res.due)}）"
            else:
                state = f"落后序时进度{N.text(N.points(expected, progress))}个百分点"
            rows.append([meta.code, meta.title, facts.unit(w.node_id), meta.leader, N.text(progress),
                         N.text(expected), state, _word(w.light)])
        cols = [Column("编号", width=0.7), Column("任务名称", width=3.6), Column("牵头单位", width=1.3),
                Column("包保领导", width=1.1), Column("进度（%）", NUMBER, 1, 0.8),
                Column("序时进度（%）", NUMBER, 1, 0.8),
                Column("滞后情况", width=1.9), Column("灯色", LIGHT, width=0.7)]
        note = "" if shown is lagging else (f"红黄灯任务共{len(lagging)}项，此处列出红灯任务{len(shown)}项，"
                                              "全部任务的灯色见附件1。")
        sec.add_table(Table("lagging", "红黄灯任务清单" if shown is lagging else "红灯任务清单", cols, rows, note=note))
    else:
        sec.para(f"{S.month_end(month)}，未出现红灯、黄灯任务。")
    ind_lag = [w for w in facts.warnings if w.kind == INDICATOR_LAG]
    if ind_lag:
        parts = []
        for w in ind_lag:
            completion = N.percent(w.detail["completion"])
            expected = N.percent(w.detail["expected_share"])
            parts.append(f"{w.indicator}完成{N.text(completion)}%，落后计划进度{N.text(N.points(expected, completion))}"
                         f"个百分点（{_word(w.light)}）")
        sec.para("指标方面，" + "；".join(parts) + "。")
    if projects is not None:
        projects.problems(sec)
    raised = _reported_problems(facts)
    n = "（三）" if projects is not None else "（二）"
    sec.sub(f"{n}月报反映的主要问题")
    if raised:
        sec.para(f"各牵头单位{month}月份月报共反映问题{sum(len(v) for v in raised.values())}条，主要有：")
        for i, (text, codes) in enumerate(sorted(raised.items(), key=lambda kv: -len(kv[1])), start=1):
            sec.para(S.ensure_period(f"{i}. {text.rstrip('。；;')}（{_involving(codes)}）"))
    else:
        sec.para(f"{month}月份月报未反映需要协调解决的问题。")
    return sec


def _involving(codes: list[str]) -> str:
    """涉及1.5 / 涉及1.5、2.1共2项任务 / 涉及1.5、2.1……等12项任务."""
    if len(codes) == 1:
        return f"涉及{codes[0]}"
    if len(codes) <= 6:
        return f"涉及{'、'.join(codes)}共{len(codes)}项任务"
    return f"涉及{S.listing(codes, 6)}任务"


def _reported_problems(facts: Facts) -> dict[str, list[str]]:
    """The period's reported problems, identical texts together, with the task codes."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for node_id in facts.rollup.order:
        report = facts.reports.get(node_id)
        if report is not None and report.problems:
            grouped[report.problems].append(facts.meta(node_id).code)
    return dict(grouped)


# -- 报送情况 ---------------------------------------------------------------------------------

def reporting(facts: Facts, figures: dict[str, Any]) -> Section:
    """On-time reporting by lead unit: the live leaves expected to report for the month (started
    by its end and not already done before it), reported by the deadline day of the next
    month, late, or missing (named)."""
    sec = Section("reporting", "月报报送情况")
    deadline = facts.deadline()
    month_end = facts.period.last_day
    by_unit: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"expected": [], "on_time": [], "late": [],
                                                                    "missing": []})
    for node_id in facts.rollup.order:
        res = facts.result(node_id)
        if not res.is_leaf or res.light == CANCELLED or res.start > month_end:
            continue
        report = facts.reports.get(node_id)
        if report is None and res.light == DONE:
            continue  # done before this month: nothing left to report
        unit = facts.unit(node_id) or "未明确牵头单位"
        slot = by_unit[unit]
        code = facts.meta(node_id).code
        slot["expected"].append(code)
        if report is None:
            slot["missing"].append(code)
        elif report.first_submitted is not None and report.first_submitted > deadline:
            slot["late"].append(code)
        else:
            slot["on_time"].append(code)
    totals = {k: sum(len(v[k]) for v in by_unit.values()) for k in ("expected", "on_time", "late", "missing")}
    rate = N.percent(totals["on_time"] / totals["expected"]) if totals["expected"] else None
    figures["reporting"] = {**totals, "rate": N.text(rate), "deadline": deadline.isoformat()}
    if not totals["expected"]:
        sec.para(f"{facts.period.month}月份没有需要报送月报的末级任务。")
        return sec
    text = (f"按照每月{facts.plan.report_deadline_day}日前报送上月进展的要求，{facts.period.month}月份应报送月报的"
            f"末级任务{totals['expected']}项，截至{format_date_zh(deadline)}按时报送{totals['on_time']}项，"
            f"按时报送率{N.text(rate)}%")
    tail = S.counted([("逾期报送", totals["late"]), ("未报送", totals["missing"])])
    sec.para(text + (f"；{tail}。" if tail else "，全部按时报送。"))
    laggards = [(u, v) for u, v in sorted(by_unit.items()) if v["missing"] or v["late"]]
    if laggards:
        parts = []
        for unit, v in laggards:
            bits = []
            if v["missing"]:
                bits.append(f"未报送{len(v['missing'])}项：{S.listing(v['missing'], 6)}")
            if v["late"]:
                bits.append(f"逾期报送{len(v['late'])}项")
            parts.append(f"{unit}（{'；'.join(bits)}）")
        sec.para("未按时报送的单位：" + "；".join(parts) + "。请相关单位及时补报，并严格落实月报报送制度。")
    rows = []
    for unit, v in sorted(by_unit.items(), key=lambda kv: (-len(kv[1]["missing"]) - len(kv[1]["late"]), kv[0])):
        unit_rate = N.percent(len(v["on_time"]) / len(v["expected"]))
        rows.append([unit, str(len(v["expected"])), str(len(v["on_time"])), str(len(v["late"])),
                     str(len(v["missing"])), N.text(unit_rate), S.listing(v["missing"], 10) or N.DASH])
    cols = [Column("牵头单位", width=1.6), Column("应报", NUMBER), Column("按时报送", NUMBER),
            Column("逾期报送", NUMBER),
            Column("未报送", NUMBER), Column("按时报送率（%）", NUMBER, 1), Column("未报送任务编号", width=2.4)]
    sec.add_table(Table("reporting", "各单位月报报送情况表", cols, rows))
    return sec


# -- 下步工作 ---------------------------------------------------------------------------------

def next_steps(facts: Facts) -> Section:
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
        listed = (due + starting)[:LAGGING_LIMIT]
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
    reds = sum(1 for w in facts.warnings if w.kind in (LAG, OVERDUE) and w.light == RED)
    yellows = sum(1 for w in facts.warnings if w.kind in (LAG, OVERDUE) and w.light == YELLOW)
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
