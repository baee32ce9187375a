"""The bulletin's sections on the plan itself: 总体情况, 战线进展 and the task annex.

(存在问题, 报送情况 and 下步工作 are in :mod:`.followup`; 重点项目 in :mod:`.projects_part`.)
Figures are read from :class:`~.facts.Facts` and rounded through :mod:`.numbers`; the
sentences come from :mod:`.sentences`.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.content import LIGHT, NUMBER, Chart, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.bulletins.followup import next_steps, problems, reporting
from shigongtu.lib.periods import format_date_zh
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import CANCELLED, DONE, GREEN, PENDING, RED, YELLOW
from shigongtu.plans.selectors import compute_indicators

__all__ = ["Facts", "fronts", "next_steps", "overview", "problems", "reporting", "task_annex"]

LIGHT_ORDER = (DONE, GREEN, YELLOW, RED, PENDING)
SENTENCE_LIMIT = 10  # up to this many indicators each get a sentence; beyond, only the headline ones


def light_word(light: str) -> str:
    return S.LIGHT_WORDS.get(light, light)


# -- 总体情况 ---------------------------------------------------------------------------------

def _previous_year(plan: Plan, names: set[str], month: int) -> dict[str, float]:
    """Last year's actual of each indicator name at the same month's end, from the previous
    year's plan of the same unit (同比 base); only names found there."""
    out: dict[str, float] = {}
    for prev in Plan.objects.filter(unit_id=plan.unit_id, year=plan.year - 1).order_by("code"):
        inds = [i for i in Indicator.objects.filter(plan=prev, name__in=names - set(out)).select_related("node")]
        if not inds or month <= 0:
            continue
        from shigongtu.lib.periods import Period

        for result in compute_indicators(prev, Period(prev.year, month).last_day, inds):
            out.setdefault(result.name, result.actual)
    return out


def indicator_figures(facts: Facts) -> list[dict[str, Any]]:
    """Each indicator's printed figures: actual, target, completion, 序时 (m/12), plan curve
    share (when it has a curve), the gaps in points and 同比 — all rounded once."""
    names = {i.name for i in facts.indicators}
    month = facts.indicators[0].month if facts.indicators else 0
    last_year = _previous_year(facts.plan, names, month) if names else {}
    out = []
    for ind in facts.indicators:
        row = facts.indicator_rows.get(ind.id)
        q = N.quantity(ind.unit, [ind.target, ind.actual])
        completion = N.percent(ind.completion)
        linear = N.percent(Decimal(ind.month) / 12)
        curve = N.percent(ind.expected_share) if row is not None and row.curve else None
        base = last_year.get(ind.name)
        yoy = N.percent(N.to_decimal(ind.actual) / N.to_decimal(base) - 1) if base else None
        out.append({
            "id": ind.id, "name": ind.name, "kind": ind.kind, "unit": q.unit, "quantity": q,
            "target": N.text(q.of(ind.target)), "actual": N.text(q.of(ind.actual)),
            "completion": completion, "linear": linear, "curve": curve,
            "vs_linear": N.points(completion, linear),
            "vs_curve": None if curve is None else N.points(completion, curve),
            "yoy": yoy, "light": ind.light, "headline": bool(row and row.headline), "done": ind.completion >= 1,
        })
    return out


def _indicator_table(items: list[dict[str, Any]]) -> Table:
    cols = [Column("指标", width=2.2), Column("单位", width=0.8), Column("年度目标", NUMBER, width=1.1),
            Column("累计完成", NUMBER, width=1.1), Column("完成率（%）", NUMBER, 1),
            Column("序时进度（%）", NUMBER, 1), Column("计划进度（%）", NUMBER, 1),
            Column("比序时（个百分点）", NUMBER, 1), Column("比计划（个百分点）", NUMBER, 1),
            Column("同比（%）", NUMBER, 1), Column("灯色", LIGHT, width=0.8)]
    rows = []
    for f in items:
        rows.append([f["name"], f["unit"], f["target"], f["actual"], N.text(f["completion"]), N.text(f["linear"]),
                     N.text(f["curve"]), N.text(f["vs_linear"]), N.text(f["vs_curve"]), N.text(f["yoy"]),
                     light_word(f["light"])])
    return Table("indicators", "重点指标完成情况表", cols, rows,
                 note="序时进度按月份线性计算（m/12）；计划进度为指标分月计划（计划曲线）的累计比例，未设分月计划的不列。")


def _curve_chart(facts: Facts, items: list[dict[str, Any]]) -> Chart | None:
    """The cumulative actual of the first headline flow indicator (one with a plan curve
    preferred) month by month, against its plan curve and the linear 序时."""
    flows = [f for f in items if f["kind"] == "flow"]
    if not flows or facts.indicators[0].month <= 0:
        return None
    flows.sort(key=lambda f: (not f["headline"], f["unit"] not in ("亿元", "万元"), f["curve"] is None))
    pick = flows[0]
    ind = facts.indicator_rows[pick["id"]]
    q: N.Quantity = pick["quantity"]
    month = facts.indicators[0].month
    from shigongtu.lib.periods import Period

    actual = []
    for m in range(1, month + 1):
        out = compute_indicators(facts.plan, Period(facts.plan.year, m).last_day, [ind])[0]
        actual.append(float(q.of(out.actual)))
    target = float(q.of(ind.target))
    curve = [float(c) * target for c in ind.curve] if ind.curve else None
    return Chart("curve", f"{ind.name}累计完成情况（{q.unit}）", "curve", {
        "unit": q.unit, "months": list(range(1, 13)), "actual": actual,
        "plan": curve, "linear": [target * m / 12 for m in range(1, 13)], "target": target,
    })


def _light_counts(facts: Facts, leaves: list[int]) -> Counter[str]:
    return Counter(facts.result(i).light for i in leaves)


def overview(facts: Facts, figures: dict[str, Any]) -> Section:
    sec = Section("overview", "总体情况")
    month, year = facts.period.month, facts.period.year
    items = indicator_figures(facts)
    fronts = [i for i in facts.fronts() if facts.live(i)]
    leaves = [leaf for f in fronts for leaf in facts.leaves_under(f)]
    counts = _light_counts(facts, leaves)
    sec.sub("（一）任务总体进展")
    sec.para(S.ensure_period(
        f"{S.month_end(month, year)}，{facts.plan.name}共有战线{len(fronts)}条、末级任务{len(leaves)}项，其中"
        + S.counted([(light_word(light), counts[light]) for light in LIGHT_ORDER])))
    figures["tasks"] = {"fronts": len(fronts), "leaves": len(leaves), **{k: counts[k] for k in LIGHT_ORDER}}
    if items:
        sec.sub("（二）重点指标完成情况")
        headline = [f for f in items if f["headline"]] or items
        others = [f for f in items if f not in headline]
        told = headline + others if len(items) <= SENTENCE_LIMIT else headline
        told.sort(key=lambda f: (f not in headline, f["unit"] not in ("亿元", "万元")))  # money first, then plan order
        clauses = [S.indicator(f["name"], f["kind"], f"{f['actual']}{f['unit']}", f"{f['target']}{f['unit']}",
                               f["completion"], f["vs_linear"], f["vs_curve"], f["yoy"], f["done"]) for f in told]
        sec.para(S.month_end(month) + "，" + "。".join(clauses) + "。")
        rest = [f for f in items if f not in told]
        if rest:
            lagging = [f["name"] for f in rest if f["light"] in (RED, YELLOW)]
            tail = f"其中{S.listing(lagging)}完成进度滞后于计划" if lagging else "均未滞后于计划"
            sec.para(f"其他{len(rest)}项指标{tail}，详见下表。")
        sec.add_table(_indicator_table(items))
        chart = _curve_chart(facts, items)
        if chart is not None:
            sec.add_chart(chart)
    figures["indicators"] = [
        {k: (N.text(v) if isinstance(v, Decimal) else v) for k, v in f.items() if k != "quantity"} for f in items
    ]
    return sec


# -- 战线进展 ---------------------------------------------------------------------------------

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


def fronts(facts: Facts, figures: dict[str, Any]) -> Section:
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
        counts = _light_counts(facts, leaves)
        due_here = due.get(front, [])
        due_done = [i for i in due_here if facts.result(i).light == DONE]
        name = S.short_title(meta.title)
        rows.append([name, facts.unit(front), meta.leader, N.text(progress), N.text(expected), N.text(gap),
                     light_word(res.light), str(len(leaves)), *(str(counts[k]) for k in LIGHT_ORDER),
                     str(len(due_here)), str(len(due_done))])
        text = f"总体进度{N.text(progress)}%，{S.compare(gap, '序时进度')}，{light_word(res.light)}。"
        text += f"末级任务{len(leaves)}项"
        split = S.counted([(light_word(k), counts[k]) for k in LIGHT_ORDER])
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


# -- 附件：任务进展情况表 ------------------------------------------------------------------------

TASK_COLUMNS = [Column("编号", width=0.7), Column("任务名称", width=4.2), Column("牵头单位", width=1.3),
                Column("包保领导", width=1.1), Column("完成时限", width=1.2), Column("进度（%）", NUMBER, 1, 0.8),
                Column("序时进度（%）", NUMBER, 1, 0.8), Column("灯色", LIGHT, width=0.7)]


def task_annex(facts: Facts) -> Section:
    """Every node of the plan with its lead unit, leader, due date, progress, 序时 and light."""
    rows, levels = [], []
    names, meta_of, results = facts.unit_names, facts.rollup.meta, facts.rollup.results
    for node_id in facts.rollup.order:
        meta, res = meta_of[node_id], results[node_id]
        rows.append([meta.code, meta.title, names.get(meta.lead_unit_id, "") if meta.lead_unit_id else "",
                     meta.leader, format_date_zh(res.due), N.text(N.pct(res.progress)),
                     N.text(N.pct(res.expected)), light_word(res.light)])
        levels.append(res.depth)
    sec = Section("task_annex", "附件")
    title = f"{facts.plan.name}任务进展情况表（{S.month_end(facts.period.month, facts.period.year)}）"
    sec.add_table(Table("tasks", title, list(TASK_COLUMNS), rows, levels))
    return sec


def indicator_by_name(items: list[IndicatorOut], name: str) -> IndicatorOut | None:
    return next((i for i in items if i.name == name), None)
