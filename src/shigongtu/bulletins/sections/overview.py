"""总体情况: the tasks' lights, the indicators' figures, their table and the curve chart."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Chart, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import Period, format_date_zh
from shigongtu.plans.documents import time_share
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.rules.indicators import FLOW, RATE, STOCK, IndicatorOut
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.selectors import compute_indicators

KIND_WORDS = {FLOW: "流量", STOCK: "存量", RATE: "增速"}
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


def _linear(ind: IndicatorOut) -> Decimal | None:
    """序时 of a flow as printed: min(1, m / D) with D the due date's month (12 without one);
    None for stocks and rates, which are not judged by the calendar."""
    if ind.kind != FLOW:
        return None
    return N.percent(Decimal(str(time_share(ind))))  # the one 序时 function every face calls


def indicator_figures(facts: Facts) -> list[dict[str, Any]]:
    """Each indicator's printed figures by its kind: actual, target, completion, 序时 (flows),
    plan-curve share (with a curve), a stock's change from its baseline, a rate's gap to its
    target, 同比, and after its due date whether it was met — all rounded once."""
    names = {i.name for i in facts.indicators}
    month = facts.indicators[0].month if facts.indicators else 0
    last_year = _previous_year(facts.plan, names, month) if names else {}
    out = []
    for ind in facts.indicators:
        row = facts.indicator_rows.get(ind.id)
        q = N.quantity(ind.unit, [ind.target, ind.actual, ind.baseline])
        completion = N.percent(ind.completion)
        linear = _linear(ind)
        curve = N.percent(ind.expected_share) if row is not None and row.curve and ind.kind != RATE else None
        base = last_year.get(ind.name)
        yoy = N.percent(N.to_decimal(ind.actual) / N.to_decimal(base) - 1) if base and ind.kind == FLOW else None
        rate = N.pct(ind.actual) if ind.kind == RATE and ind.has_value else None
        short = abs(N.to_decimal(ind.target) - N.to_decimal(ind.actual))
        out.append({
            "id": ind.id, "name": ind.name, "kind": ind.kind, "unit": q.unit, "quantity": q,
            "target": N.text(q.of(ind.target)), "actual": N.text(q.of(ind.actual)),
            "baseline": N.text(q.of(ind.baseline)) if ind.kind == STOCK else None,
            "completion": completion, "linear": linear, "curve": curve,
            "vs_linear": None if linear is None else N.points(completion, linear),
            "vs_curve": None if curve is None else N.points(completion, curve),
            "vs_target": None if rate is None else N.points(rate, N.pct(ind.target)),
            "rate": rate, "yoy": yoy, "light": ind.light, "headline": bool(row and row.headline),
            "done": ind.completion >= 1, "after_due": ind.after_due, "has_value": ind.has_value,
            "due": format_date_zh(ind.due) if ind.due else "",
            "delta": q.of(ind.actual - ind.baseline) if ind.kind == STOCK else None,
            "goal": q.say(abs(ind.target - ind.baseline)) if ind.kind == STOCK else "",
            "reduction": ind.kind == STOCK and ind.target < ind.baseline,
            "shortfall": f"{N.text(N.pct(short))}个百分点" if ind.kind == RATE else q.say(short),
        })
    return out


def told(f: dict[str, Any]) -> S.IndicatorFigures:
    """The sentence's view of an indicator's printed figures."""
    unit = "" if f["kind"] == RATE else f["unit"]
    return S.IndicatorFigures(
        name=f["name"], kind=f["kind"], actual=f"{f['actual']}{unit}", target=f"{f['target']}{unit}",
        completion=f["completion"], vs_linear=f["vs_linear"], vs_curve=f["vs_curve"], yoy=f["yoy"],
        done=f["done"], delta=f["delta"], goal=f["goal"], unit=f["unit"], rate=f["rate"],
        vs_target=f["vs_target"], has_value=f["has_value"], after_due=f["after_due"], due=f["due"],
        shortfall=f["shortfall"], reduction=f["reduction"],
    )


def _indicator_table(items: list[dict[str, Any]]) -> Table:
    cols = [Column("指标", width=2.2), Column("类型", width=0.8), Column("单位", width=0.7),
            Column("基数", NUMBER, width=0.9), Column("年度目标", NUMBER, width=1.0),
            Column("完成值", NUMBER, width=1.0), Column("完成率（%）", NUMBER, 1),
            Column("序时进度（%）", NUMBER, 1), Column("计划进度（%）", NUMBER, 1),
            Column("比序时（个百分点）", NUMBER, 1), Column("比计划（个百分点）", NUMBER, 1),
            Column("同比（%）", NUMBER, 1), Column("灯色", LIGHT, width=0.8)]
    rows = []
    for f in items:
        rows.append([f["name"], KIND_WORDS.get(f["kind"], f["kind"]), f["unit"], f["baseline"] or N.DASH,
                     f["target"], f["actual"], N.text(f["completion"]), N.text(f["linear"]), N.text(f["curve"]),
                     N.text(f["vs_linear"]), N.text(f["vs_curve"]), N.text(f["yoy"]), S.light_word(f["light"])])
    return Table("indicators", "重点指标完成情况表", cols, rows,
                 note="流量指标的序时进度按月份计算（截至月份 ÷ 完成时限所在月份）；存量指标按较上年末基数的净增计算"
                      "完成率，增速类指标与目标值比较，均不列序时进度；计划进度为指标分月计划的累计比例，"
                      "未设分月计划的不列。")


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
        chosen = headline + others if len(items) <= SENTENCE_LIMIT else headline
        # money first, then plan order
        chosen.sort(key=lambda f: (f not in headline, f["unit"] not in ("亿元", "万元")))
        clauses = [S.indicator(told(f)) for f in chosen]
        sec.para(S.month_end(month) + "，" + "。".join(clauses) + "。")
        rest = [f for f in items if f not in chosen]
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
