"""The investment curve: completed investment month by month against the plan curve and 序时."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from shigongtu.dashboard.cards.common import YI
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.cards.project_tally import Tally
from shigongtu.lib.amounts import convert, is_money_unit
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Plan
from shigongtu.projects.models import InvestmentReport, Project, ProjectSettings
from shigongtu.projects.rules.stages import REMOVED
from shigongtu.projects.selectors import unit_q
from shigongtu.projects.totals import month_totals


@dataclass
class InvestmentSeries:
    """Completed investment month by month (亿元) against the plan curve and the linear time line.

    ``monthly``/``stats_monthly`` hold months 1..m (调度口径 as owners report; 统计口径 as it
    entered the statistics), None where nothing was reported; ``stats_monthly`` is None when no
    statistics figure exists at all. ``curve`` holds the 12 cumulative plan shares.
    """

    month: int
    target: float
    curve: list[float]
    basis: str                        # "indicator": the plan's investment indicator; "projects": Σ annual plans
    indicator: str
    monthly: list[float | None]
    stats_monthly: list[float | None] | None

    @staticmethod
    def _cumulate(values: list[float | None]) -> list[float]:
        out, total = [], 0.0
        for v in values:
            total += v or 0.0
            out.append(total)
        return out

    @property
    def cumulative(self) -> list[float]:
        return self._cumulate(self.monthly)

    @property
    def stats_cumulative(self) -> list[float] | None:
        return self._cumulate(self.stats_monthly) if self.stats_monthly is not None else None

    @property
    def plan_line(self) -> list[float]:
        return [self.target * c for c in self.curve]

    @property
    def linear_line(self) -> list[float]:
        return [self.target * m / 12 for m in range(1, 13)]

    @property
    def actual(self) -> float:
        return self.cumulative[-1] if self.monthly else 0.0

    @property
    def completion(self) -> float | None:
        return 100 * self.actual / self.target if self.target else None

    @property
    def vs_curve(self) -> float | None:
        if not self.target or not self.month:
            return None
        return 100 * (self.actual / self.target - self.curve[self.month - 1])

    @property
    def vs_linear(self) -> float | None:
        if not self.target or not self.month:
            return None
        return 100 * (self.actual / self.target - self.month / 12)


def investment_series(plan: Plan, as_of: dt.date, month: int, path: str | None,
                      indicators: list[Indicator], kept: Tally | None = None) -> InvestmentSeries | None:
    """The investment curve of the plan (or unit), None when there is neither a project nor an
    investment report. The target is the plan's investment indicator for the whole plan, the
    sum of the projects' annual plans for a unit (from the projects' ``kept`` tally when given)."""
    projects = Project.objects.filter(plan=plan).filter(unit_q(path)).exclude(stage=REMOVED)
    periods = [Period(plan.year, m).key for m in range(1, month + 1)]
    sums: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    if periods and path is None:
        sums = month_totals(plan.pk, periods)  # the library's own cache of the plan-wide sums
    elif periods and path:
        reports = InvestmentReport.objects.filter(plan=plan, status__in=InvestmentReport.COUNTING,
                                                  period__gte=periods[0], period__lte=periods[-1],
                                                  project__lead_unit__path__startswith=path)
        removed = list(Project.objects.filter(plan=plan, stage=REMOVED).values_list("pk", flat=True))
        if removed:
            reports = reports.exclude(project_id__in=removed)
        sums = {p: (a, s) for p, a, s in reports.values_list("period").annotate(
            a=Sum("amount"), s=Sum("stats_amount")).order_by().values_list("period", "a", "s")}
    if kept is not None:
        annual = {"s": kept.annual if kept.annual_seen else None, "n": kept.totals["n"]}
    else:
        annual = projects.aggregate(s=Sum("annual_plan"), n=Count("pk"))
    if not annual["n"] and not any(a is not None for a, _ in sums.values()):
        return None
    r = ProjectSettings.rules_for(plan)
    curve = list(r.curve or [m / 12 for m in range(1, 13)])
    target = float((annual["s"] or Decimal(0)) / YI)
    basis, name = "projects", ""
    if path is None:
        for ind in indicators:
            opts = ind.source_options if isinstance(ind.source_options, dict) else {}
            if ind.source == "projects.investment" and opts.get("basis", "dispatch") != "statistics":
                if is_money_unit(ind.unit):
                    target = float(convert(Decimal(ind.target), ind.unit, "亿元"))
                    curve = [float(c) for c in ind.curve] if ind.curve else [m / 12 for m in range(1, 13)]
                    basis, name = "indicator", ind.name
                break

    def month_values(index: int) -> list[float | None]:
        out: list[float | None] = []
        for m in range(1, month + 1):
            row = sums.get(Period(plan.year, m).key)
            value = row[index] if row else None
            out.append(float(value / YI) if value is not None else None)
        return out

    stats = month_values(1)
    return InvestmentSeries(month=month, target=target, curve=curve, basis=basis, indicator=name,
                            monthly=month_values(0),
                            stats_monthly=stats if any(v is not None for v in stats) else None)


def build(ctx: CardContext) -> dict[str, Any]:
    return {"investment": investment_series(ctx.plan, ctx.as_of, ctx.month, ctx.path, ctx.figures.indicators,
                                            ctx.tally)}
