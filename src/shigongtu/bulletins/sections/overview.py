"""总体情况: the tasks' lights, the indicators' figures, their table and the curve chart."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Chart, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import Period
from shigongtu.plans.documents import time_share
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.selectors import compute_indicators

SENTENCE_LIMIT = 10  # up to this many indicators each get a sentence; beyond, only the headline ones


def _previous_year(plan: Plan, names: set[str], month: int) -> dict[str, float]:
    """Last year's actual of each indicator name at the same month's end, from the previous
    year's plan of the same unit (同比 base); only names found there."""
    out: dict[str, float] = {}
    for prev in Plan.objects.filter(unit_id=plan.unit_id, year=plan.year - 1).order_by("code"):
        inds = [i for i in Indicator.objects.filter(plan=prev, name__in=names - set(out)).select_related("node")]
        if not inds or month <= 0:
            continue
        for result in compute_indicators(prev, Period(prev.year, month).last_day, inds):
            out.setdefault(result.name, result.actual)
    return out


def indicator_figures(facts: Facts) -> list[dict[str, Any]]:
    """Each indicator's printed figures: actual, target, completion, 序时 (min(1, m/D)), plan curve
    share (when it has a curve), the gaps in points and 同比 — all rounded once."""
    names = {i.name for i in facts.indicators}
    month = facts.indicators[0].month if facts.indicators else 0
    last_year = _previous_year(facts.plan, names, month) if names else {}
    out = []
    for ind in facts.indicators:
        row = facts.indicator_rows.get(ind.id)
        q = N.quantity(ind.unit, [ind.target, ind.actual])
        completion = N.percent(ind.completion)
        linear = N.percent(Decimal(str(time_share(ind))))  # 序时: min(1, m/D), one function for every face
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
                     S.light_word(f["light"])])
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


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """（一）任务总体进展 from the month's task light counts, （二）重点指标 with table and curve."""
    sec = Section("overview", "总体情况")
    month, year = facts.period.month, facts.period.year
    items = indicator_figures(facts)
    fronts = [i for i in facts.fronts() if facts.live(i)]
    counts = Counter(facts.figures.task_lights)  # 末级任务 by light: the figure the dashboard prints too
    leaves = sum(counts.values())
    sec.sub("（一）任务总体进展")
    sec.para(S.ensure_period(
        f"{S.month_end(month, year)}，{facts.plan.name}共有战线{len(fronts)}条、末级任务{leaves}项，其中"
        + S.counted([(S.light_word(light), counts[light]) for light in S.LIGHT_ORDER])))
    figures["tasks"] = {"fronts": len(fronts), "leaves": leaves, **{k: counts[k] for k in S.LIGHT_ORDER}}
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
