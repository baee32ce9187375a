"""Indicators whose actuals come from the projects (指标取数自项目库), registered in
:data:`shigongtu.plans.selectors.INDICATOR_SOURCES`.

Each source returns, per indicator, month → value for the plan year; the plans' pure
``indicator_status`` then applies flow/stock, plan curves and lights, exactly as for
reported indicators. Sources and their options (``Indicator.source_options``):

- ``projects.investment`` (flow): monthly completed investment of the counting reports,
  converted from 万元 to the indicator's unit. ``basis``: ``dispatch`` (调度口径, default) or
  ``statistics`` (统计口径).
- ``projects.started`` (flow): the number of projects whose actual start falls in the month.
- ``projects.completed`` (flow): the number whose actual completion falls in the month.
- ``projects.bond_count`` (stock): bond projects declared (储备申报 or further) by the month's end.
- ``projects.bond_spending`` (stock): Σ expenditures / Σ quotas at the month's end, in % (or
  the amount spent when the unit is money).

Common options: ``min_total`` (only projects with total investment ≥ this many 万元),
``window`` (``["2023-03-01", "2023-05-31"]``: only starts/completions/reports inside it),
``scope``: ``plan`` (default: every project of the plan) or ``node`` (only projects serving
the indicator's node or a node below it). Projects 调出 from the list never count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from shigongtu.lib.amounts import convert, is_money_unit
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Node, Plan
from shigongtu.plans.readmodel import INVESTMENT
from shigongtu.plans.selectors import INDICATOR_SOURCES, SOURCE_ASPECTS
from shigongtu.projects import totals
from shigongtu.projects.models import (
    BondDisbursement,
    BondExpenditure,
    BondProject,
    BondQuota,
    InvestmentReport,
    Project,
)
from shigongtu.projects.rules.bonds import BOND_DECLARED_STATES, figures_from
from shigongtu.projects.rules.stages import REMOVED

Values = dict[int, dict[int, float]]


def _options(ind: Indicator) -> dict[str, Any]:
    return ind.source_options if isinstance(ind.source_options, dict) else {}


def _window(opts: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    window = opts.get("window")
    if not window or len(window) != 2:
        return None
    return dt.date.fromisoformat(str(window[0])), dt.date.fromisoformat(str(window[1]))


def _projects(plan: Plan, ind: Indicator, opts: dict[str, Any], prefix: str = "") -> Q:
    """The filter (on a model reaching Project through ``prefix``) for the projects an indicator covers."""
    q = Q(**{f"{prefix}plan": plan}) & ~Q(**{f"{prefix}stage": REMOVED})
    if opts.get("min_total") not in (None, ""):
        q &= Q(**{f"{prefix}total_investment__gte": Decimal(str(opts["min_total"]))})
    if opts.get("scope") == "node":
        node = Node.objects.only("code").get(pk=ind.node_id)
        q &= Q(**{f"{prefix}nodes__in": Node.objects.filter(plan=plan).filter(
            Q(pk=ind.node_id) | Q(code__startswith=node.code + "."))})
    return q


def _money(value: Decimal | float, unit: str) -> float:
    return float(convert(Decimal(value), "万元", unit)) if is_money_unit(unit) else float(value)


def _key(opts: dict[str, Any]) -> str:
    return repr(sorted((k, v) for k, v in opts.items() if k != "basis"))


def investment(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
    """Monthly sums of the counting reports; indicators that differ only in basis share one query, and
    plan-wide ones read the maintained month totals (:mod:`shigongtu.projects.totals`)."""
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        groups[_key(_options(ind))].append(ind)
    out: Values = {}
    for inds in groups.values():
        opts = _options(inds[0])
        first, last = f"{plan.year:04d}-01", f"{plan.year:04d}-12"
        window = _window(opts)
        if window:
            first, last = max(first, Period.of(window[0]).key), min(last, Period.of(window[1]).key)
        if opts.get("min_total") in (None, "") and opts.get("scope") != "node":
            periods = [f"{plan.year:04d}-{m:02d}" for m in range(1, 13)]
            sums = totals.month_totals(plan.pk, [p for p in periods if first <= p <= last])
        else:
            qs: QuerySet[Any] = InvestmentReport.objects.filter(
                plan=plan, period__gte=first, period__lte=last, status__in=InvestmentReport.COUNTING,
                project__in=Project.objects.filter(_projects(plan, inds[0], opts)).values("pk"))
            sums = {period: (a, s) for period, a, s in
                    qs.values_list("period").annotate(a=Sum("amount"), s=Sum("stats_amount")).order_by()
                    .values_list("period", "a", "s")}
        for ind in inds:
            pick = 1 if _options(ind).get("basis") == "statistics" else 0
            months: dict[int, float] = {}
            for period, pair in sums.items():
                value = pair[pick]
                if value is not None:
                    months[int(period[5:7])] = _money(value, ind.unit)
            out[ind.pk] = months
    return out


def _dated_count(field: str) -> Any:
    def source(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
        out: Values = {}
        for ind in indicators:
            opts = _options(ind)
            qs = Project.objects.filter(_projects(plan, ind, opts),
                                        **{f"{field}__gte": dt.date(plan.year, 1, 1),
                                           f"{field}__lte": dt.date(plan.year, 12, 31)})
            window = _window(opts)
            if window:
                qs = qs.filter(**{f"{field}__gte": window[0], f"{field}__lte": window[1]})
            if opts.get("scope") == "node":
                qs = Project.objects.filter(pk__in=qs.values("pk"))  # one row per project despite the node join
            # Grouped by the month part of the ISO date, read from a covering index (no per-row date functions).
            month = Substr(Cast(field, output_field=CharField()), 6, 2)
            rows = qs.annotate(m=month).values("m").annotate(n=Count("pk")).order_by().values_list("m", "n")
            out[ind.pk] = {int(m): float(n) for m, n in rows}
        return out

    source.__doc__ = f"Per month, the number of projects whose {field} falls in it."
    return source


def _month_ends(year: int) -> list[tuple[int, dt.date]]:
    return [(m, Period(year, m).last_day) for m in range(1, 13)]


def bond_count(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
    out: Values = {}
    for ind in indicators:
        opts = _options(ind)
        dates = list(BondProject.objects.filter(_projects(plan, ind, opts, "project__"),
                                                state__in=BOND_DECLARED_STATES)
                     .values_list("declared_on", flat=True))
        year_start = dt.date(plan.year, 1, 1)
        out[ind.pk] = {m: float(sum(1 for d in dates if (d or year_start) <= end)) for m, end in _month_ends(plan.year)}
    return out


def bond_spending(plan: Plan, indicators: list[Indicator], as_of: dt.date) -> Values:
    out: Values = {}
    for ind in indicators:
        q = _projects(plan, ind, _options(ind), "bond__project__")
        rows: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for name, model in (("q", BondQuota), ("p", BondDisbursement), ("s", BondExpenditure)):
            rows[name] = list(model.objects.filter(q).values_list("date", "amount"))
        months = {}
        for m, end in _month_ends(plan.year):
            f = figures_from(rows["q"], rows["p"], rows["s"], end)
            if is_money_unit(ind.unit):
                months[m] = _money(f.spent, ind.unit)
            elif f.progress is not None:
                months[m] = 100 * f.progress
        out[ind.pk] = months
    return out


SOURCES = {
    "projects.investment": investment,
    "projects.started": _dated_count("actual_start"),
    "projects.completed": _dated_count("actual_completion"),
    "projects.bond_count": bond_count,
    "projects.bond_spending": bond_spending,
}
SOURCE_LABELS = {
    "projects.investment": "项目库：完成投资",
    "projects.started": "项目库：开工项目数",
    "projects.completed": "项目库：竣工项目数",
    "projects.bond_count": "项目库：专项债项目数",
    "projects.bond_spending": "项目库：专项债支出进度",
}


def register() -> None:
    """Put the project sources into the plans' registry (called from the app's ready())."""
    INDICATOR_SOURCES.update(SOURCES)
    # every source reads the projects; only the investment sums read the monthly reports too
    SOURCE_ASPECTS.update({name: frozenset({""}) for name in SOURCES})
    SOURCE_ASPECTS["projects.investment"] = frozenset({"", INVESTMENT})
