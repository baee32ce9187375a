"""Plan-wide monthly investment totals (本年各月完成投资合计), kept fresh as reports change.

Readers call :func:`month_totals`; every write to a report calls :func:`invalidate` for its
month (the services do so explicitly for bulk writes; a signal covers a report saved or
deleted one by one), and a project moving in or out of 调出 invalidates its plan's year. A
stale month is recomputed by the next reader with one grouped query and stored only if no
writer touched it in between (optimistic ``version``), so the cache never keeps a sum older
than the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from shigongtu.projects.models import InvestmentReport, InvestmentTotal, Project
from shigongtu.projects.rules.stages import REMOVED

Sums = dict[str, tuple[Decimal | None, Decimal | None]]


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


def compute(plan_id: int, periods: list[str]) -> Sums:
    """The months' sums straight from the reports (counting ones, projects not 调出)."""
    removed = list(Project.objects.filter(plan_id=plan_id, stage=REMOVED).values_list("pk", flat=True))
    qs = InvestmentReport.objects.filter(plan_id=plan_id, period__gte=min(periods), period__lte=max(periods),
                                         status__in=InvestmentReport.COUNTING)
    if removed:
        qs = qs.exclude(project_id__in=removed)
    wanted = set(periods)
    rows = qs.values_list("period").annotate(a=Sum("amount"), s=Sum("stats_amount")).order_by()
    return {period: (a, s) for period, a, s in rows.values_list("period", "a", "s") if period in wanted}


def month_totals(plan_id: int, periods: list[str]) -> Sums:
    """Each month's (调度口径, 统计口径) sum for the plan, from the cache where it is fresh."""
    rows = {r.period: r for r in InvestmentTotal.objects.filter(plan_id=plan_id, period__in=periods)}
    out: Sums = {p: (r.amount, r.stats_amount) for p, r in rows.items() if not r.stale}
    missing = [p for p in periods if p not in out]
    if not missing:
        return out
    computed = compute(plan_id, missing)
    new = []
    for period in missing:
        a, s = computed.get(period, (None, None))
        out[period] = (a, s)
        row = rows.get(period)
        if row is None:
            new.append(InvestmentTotal(plan_id=plan_id, period=period, amount=a, stats_amount=s, stale=False))
        else:
            InvestmentTotal.objects.filter(pk=row.pk, version=row.version).update(amount=a, stats_amount=s,
                                                                                    stale=False)
    InvestmentTotal.objects.bulk_create(new, ignore_conflicts=True)
    return out


def on_report_change(sender: Any, instance: InvestmentReport, **kwargs: Any) -> None:
    """Signal receiver: a report saved or deleted on its own makes its month stale."""
    invalidate(instance.plan_id, [instance.period])
