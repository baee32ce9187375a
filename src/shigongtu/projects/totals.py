"""Plan-wide monthly investment totals (本年各月完成投资合计), kept fresh as reports change.

Readers call :func:`month_totals`. One report filed or reviewed through the services adds its
difference to its month (:func:`adjust`: the month's row locked, the old counted figures out,
the new in); bulk writes, a report saved any other way (a signal) and a project moving in or
out of 调出 mark months stale instead (:func:`invalidate`). A stale month is recomputed by the
next reader with one grouped query and stored only if no writer touched it in between
(optimistic ``version``), so the cache never keeps a sum older than the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum

from shigongtu.projects.models import InvestmentReport, InvestmentTotal, Project
from shigongtu.projects.rules.stages import REMOVED

Sums = dict[str, tuple[Decimal | None, Decimal | None]]
KEPT = "_totals_kept"  # set on a report whose service adjusts the sums itself (the signal leaves it)


@dataclass(frozen=True)
class Counted:
    """What one counting report adds to its month: 调度口径 and 统计口径 (None when not given)."""

    amount: Decimal
    stats_amount: Decimal | None

    @classmethod
    def of(cls, status: str, amount: Decimal | None, stats_amount: Decimal | None, stage: str) -> Counted | None:
        """The report's share of the sums, None when it does not count (its status, or its project 调出)."""
        if status not in InvestmentReport.COUNTING or stage == REMOVED or amount is None:
            return None
        return cls(amount, stats_amount)


def invalidate(plan_id: int, periods: Iterable[str]) -> None:
    """Mark the plan's months stale (creating their rows, so a reader racing this write cannot
    store a sum it computed before it)."""
    keys = sorted(set(periods))
    if not keys:
        return
    InvestmentTotal.objects.bulk_create([InvestmentTotal(plan_id=plan_id, period=p) for p in keys],
                                        ignore_conflicts=True)
    InvestmentTotal.objects.filter(plan_id=plan_id, period__in=keys).update(stale=True, version=F("version") + 1)


def invalidate_year(plan_id: int, year: int) -> None:
    invalidate(plan_id, [f"{year:04d}-{m:02d}" for m in range(1, 13)])


def adjust(plan_id: int, period: str, before: Counted | None, after: Counted | None) -> None:
    """One report's change applied to its month's sums inside the writer's transaction (a stale
    or missing month is left to the next reader). Concurrent writers queue on the month's row."""
    if before == after:
        return
    row = InvestmentTotal.objects.select_for_update().filter(plan_id=plan_id, period=period).first()
    if row is None or row.stale:
        invalidate(plan_id, [period])
        return
    n, sn = row.reports, row.stats_reports
    amount, stats = row.amount or Decimal(0), row.stats_amount or Decimal(0)
    for sign, share in ((-1, before), (1, after)):
        if share is None:
            continue
        n, amount = n + sign, amount + sign * share.amount
        if share.stats_amount is not None:
            sn, stats = sn + sign, stats + sign * share.stats_amount
    if n < 0 or sn < 0:  # the row did not hold what the report says it counted: recompute
        invalidate(plan_id, [period])
        return
    InvestmentTotal.objects.filter(pk=row.pk).update(
        amount=amount if n else None, stats_amount=stats if sn else None, reports=n, stats_reports=sn,
        version=F("version") + 1)


def _counted(plan_id: int, periods: list[str]) -> dict[str, tuple[Decimal | None, Decimal | None, int, int]]:
    """The months' sums and counts straight from the reports (counting ones, projects not 调出)."""
    removed = list(Project.objects.filter(plan_id=plan_id, stage=REMOVED).order_by().values_list("pk", flat=True))
    qs = InvestmentReport.objects.filter(plan_id=plan_id, period__gte=min(periods), period__lte=max(periods),
                                         status__in=InvestmentReport.COUNTING)
    if removed:
        qs = qs.exclude(project_id__in=removed)
    wanted = set(periods)
    rows = qs.values_list("period").annotate(a=Sum("amount"), s=Sum("stats_amount"), n=Count("amount"),
                                             sn=Count("stats_amount")).order_by()
    return {period: (a, s, n, sn) for period, a, s, n, sn in rows.values_list("period", "a", "s", "n", "sn")
            if period in wanted}


def compute(plan_id: int, periods: list[str]) -> Sums:
    """The months' sums straight from the reports (counting ones, projects not 调出)."""
    return {period: (a, s) for period, (a, s, _, _) in _counted(plan_id, periods).items()}


def month_totals(plan_id: int, periods: list[str]) -> Sums:
    """Each month's (调度口径, 统计口径) sum for the plan, from the cache where it is fresh."""
    rows = {r.period: r for r in InvestmentTotal.objects.filter(plan_id=plan_id, period__in=periods)}
    out: Sums = {p: (r.amount, r.stats_amount) for p, r in rows.items() if not r.stale}
    missing = [p for p in periods if p not in out]
    if not missing:
        return out
    computed = _counted(plan_id, missing)
    new = []
    for period in missing:
        a, s, n, sn = computed.get(period, (None, None, 0, 0))
        out[period] = (a, s)
        row = rows.get(period)
        kept = {"amount": a, "stats_amount": s, "reports": n, "stats_reports": sn, "stale": False}
        if row is None:
            new.append(InvestmentTotal(plan_id=plan_id, period=period, **kept))
        else:
            InvestmentTotal.objects.filter(pk=row.pk, version=row.version).update(**kept)
    InvestmentTotal.objects.bulk_create(new, ignore_conflicts=True)
    return out


def on_report_change(sender: Any, instance: InvestmentReport, **kwargs: Any) -> None:
    """Signal receiver: a report saved on its own makes its month stale (unless its service adjusts
    the sums itself)."""
    if not getattr(instance, KEPT, False):
        invalidate(instance.plan_id, [instance.period])
