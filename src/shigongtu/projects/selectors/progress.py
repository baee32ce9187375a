"""A plan leaf's progress from the projects that serve it (进度来源：项目) — contract §2.

Registered in :data:`shigongtu.plans.selectors.PROGRESS_SOURCES` as ``projects``: p = 100 ·
min(1, Σ year-to-date completed investment (调度口径, counting reports of periods not after
the as-of month) / Σ annual planned investment), over the projects serving the leaf that have
an annual plan; none → 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import PROGRESS_SOURCES
from shigongtu.projects.models import InvestmentReport, Project


def projects_progress(plan: Plan, node_ids: list[int], as_of: dt.date) -> dict[int, float]:
    """node id → progress in % from its projects' year-to-date investment against their annual plans."""
    serving: dict[int, list[int]] = defaultdict(list)
    annual: dict[int, Decimal] = {}
    links = Project.nodes.through.objects.filter(node_id__in=node_ids, project__plan=plan,
                                                 project__annual_plan__gt=0)
    for node_id, project_id, plan_amount in links.values_list("node_id", "project_id", "project__annual_plan"):
        serving[node_id].append(project_id)
        annual[project_id] = plan_amount
    if not annual:
        return {}
    cutoff = min(Period.of(as_of).key, f"{plan.year:04d}-12")
    ytd: dict[int, Decimal] = dict(
        InvestmentReport.objects.filter(project_id__in=list(annual), status__in=InvestmentReport.COUNTING,
                                        period__gte=f"{plan.year:04d}-01", period__lte=cutoff)
        .values_list("project_id").annotate(s=Sum("amount")).order_by().values_list("project_id", "s"))
    out: dict[int, float] = {}
    for node_id, projects in serving.items():
        planned = sum((annual[p] for p in projects), Decimal(0))
        done = sum((ytd.get(p) or Decimal(0) for p in projects), Decimal(0))
        out[node_id] = 100 * min(1.0, float(done / planned))
    return out


def register() -> None:
    """Put the projects' progress source into the plans' registry (called from the app's ready())."""
    PROGRESS_SOURCES["projects"] = projects_progress
