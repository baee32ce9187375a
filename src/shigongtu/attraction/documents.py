"""The leads as the contract's JSON document (``shigongtu leads --json`` and the API share it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shigongtu.attraction import selectors
from shigongtu.plans.models import Plan


def leads_document(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    """Every lead of the plan with its stage at ``as_of``, and the year's summary (contract §4)."""
    rows = selectors.leads_at(plan, as_of)
    fig = selectors.summary(plan, as_of)
    return {
        "plan": plan.code,
        "as_of": as_of.isoformat(),
        "unit": "万元",
        "leads": [{
            "code": r.code, "name": r.name, "stage": r.stage, "investment": r.investment, "funds": r.funds,
            "mode": r.mode or None, "investor": r.investor, "team": r.team or None, "lead_unit": r.unit or None,
            "signed_on": r.signed_on, "started_on": r.started_on, "project": r.project, "light": r.light,
            "warnings": [{"kind": w.kind, "light": w.light, "due": w.due, "message": w.message} for w in r.warnings],
        } for r in rows],
        "summary": fig.as_summary(),
        "kpis": {by: [{"group": k.group, **k.figures.as_summary()} for k in selectors.kpis(plan, as_of, by)]
                 for by in ("mode", "team")},
    }
