"""The project list as one JSON document (``shigongtu projects --json`` and the API share it)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import month_of
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.stages import REMOVED
from shigongtu.projects.selectors.filters import attach_lights
from shigongtu.projects.selectors.warnings import lights_by_project, project_warnings, ytd_through


def projects_document(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    """Every project of the plan with stage, amounts (万元) and year-to-date investment through the
    last complete month at ``as_of`` (contract §2's m), its lights and warnings, and totals."""
    month = month_of(as_of, plan)
    r = ProjectSettings.rules_for(plan)
    projects = list(Project.objects.filter(plan=plan).select_related("lead_unit").prefetch_related("nodes")
                    .order_by("code"))
    ytd = ytd_through(plan, month)
    stats_ytd = ytd_through(plan, month, basis="stats_amount")
    found = project_warnings(plan, as_of)
    attach_lights(projects, as_of, month, r, plan.year, ytd, warned=lights_by_project(found))
    warnings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for w in found:
        warnings[w.project].append(w.as_dict())
    rows = []
    for p in projects:
        started = p.actual_start is not None and p.actual_start <= as_of
        rows.append({
            "code": p.code,
            "name": p.name,
            "national_code": p.national_code or None,
            "stage": p.stage,
            "level": p.level,
            "nature": p.nature,
            "industry": p.industry,
            "owner": p.owner,
            "lead_unit": p.lead_unit.name if p.lead_unit else None,
            "leader": p.leader,
            "nodes": [n.code for n in p.nodes.all()],
            "total_investment": p.total_investment,
            "annual_plan": p.annual_plan,
            "ytd_investment": ytd.get(p.pk, Decimal(0)),
            "ytd_stats_investment": stats_ytd.get(p.pk, Decimal(0)),
            "planned_start": p.planned_start,
            "actual_start": p.actual_start,
            "resumed_on": p.resumed_on,
            "planned_completion": p.planned_completion,
            "actual_completion": p.actual_completion,
            "started": started,
            "year_kind": p.year_kind or None,
            "in_statistics": p.in_statistics,
            "light": p.light,  # type: ignore[attr-defined]
            "lights": p.lights,  # type: ignore[attr-defined]
            "warnings": warnings.get(p.code, []),
        })
    open_rows = [row for row, p in zip(rows, projects, strict=True) if p.stage != REMOVED]
    totals = {
        "projects": len(open_rows),
        "started": sum(1 for row in open_rows if row["started"]),
        "total_investment": sum((row["total_investment"] for row in open_rows), Decimal(0)),
        "annual_plan": sum((row["annual_plan"] for row in open_rows), Decimal(0)),
        "ytd_investment": sum((row["ytd_investment"] for row in open_rows), Decimal(0)),
    }
    return {"plan": plan.code, "as_of": as_of.isoformat(), "month": month, "unit": "万元", "totals": totals,
            "projects": rows}

