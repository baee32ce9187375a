"""The contract's JSON document for supervision (§4): the items at d and the summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shigongtu.plans.models import Plan
from shigongtu.supervision import selectors
from shigongtu.supervision.models import SupervisionItem


def item_document(item: SupervisionItem, as_of: dt.date, days: int) -> dict[str, Any]:
    """One item as the contract shows it (plus a few extra keys)."""
    return {
        "code": item.code, "title": item.title, "source": item.source, "status": item.status,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "closed_on": item.closed_on.isoformat() if item.closed_on else None,
        "light": selectors.light_of(item, as_of, days),
        "lead_unit": item.lead_unit.name if item.lead_unit_id and item.lead_unit else None,
        "longitude": float(item.lng) if item.lng is not None else None,
        "latitude": float(item.lat) if item.lat is not None else None,
        "campaign": item.campaign, "assigned_on": item.assigned_on.isoformat() if item.assigned_on else None,
        "original_deadline": item.original_deadline.isoformat() if item.original_deadline else None,
        "long_term": item.long_term, "leader": item.leader, "finding_type": item.finding_type,
        "escalation": item.escalation, "version": item.version,
    }


def supervision_document(plan: Plan, as_of: dt.date, user: Any = None) -> dict[str, Any]:
    """``{"plan", "as_of", "items": [...], "summary": {...}}`` (contract §4)."""
    qs = selectors.items(plan, user)
    days = selectors.yellow_days(plan)
    rows = [item_document(i, as_of, days) for i in qs.select_related("lead_unit").order_by("code").iterator(5000)]
    return {"plan": plan.code, "as_of": as_of.isoformat(), "items": rows,
            "summary": selectors.summary(plan, as_of, qs).as_dict()}
