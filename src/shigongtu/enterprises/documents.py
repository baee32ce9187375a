"""The contract's JSON document for the registry (§4 ``enterprises``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shigongtu.enterprises import selectors
from shigongtu.enterprises.models import Enterprise
from shigongtu.enterprises.rules import tiers as T
from shigongtu.plans.models import Plan


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def enterprises_document(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    """``{"plan", "as_of", "enterprises": [...], "tiers": [...]}``: one entry per enterprise and tier
    (an enterprise with no tier record once, with a null tier), then every tier's counts at d;
    ``targets`` adds the registry-sourced indicators judged by the stock rule."""
    order = {t: i for i, t in enumerate(T.TIERS)}
    rows: list[dict[str, Any]] = []
    qs = Enterprise.objects.within(plan.unit).order_by("credit_code")
    tiers_by: dict[int, list[Any]] = {}
    for r in selectors.records_of(plan.unit).values_list("enterprise_id", "tier", "status", "granted_on",
                                                         "expires_on"):
        tiers_by.setdefault(r[0], []).append(r)
    for pk, name, code in qs.values_list("pk", "name", "credit_code").iterator(5000):
        mine = sorted(tiers_by.get(pk, []), key=lambda r: order.get(r[1], 99))
        if not mine:
            rows.append({"name": name, "credit_code": code, "tier": None, "status": None, "granted": None,
                         "expires": None, "valid": False})
        for _, tier, status, granted, expires in mine:
            rows.append({"name": name, "credit_code": code, "tier": tier, "status": status,
                         "granted": _iso(granted), "expires": _iso(expires),
                         "valid": T.is_valid(status, granted, expires, as_of)})
    s = selectors.summary(plan, as_of)
    return {
        "plan": plan.code,
        "as_of": as_of.isoformat(),
        "enterprises": rows,
        "tiers": [{"tier": c.tier, "valid": c.valid, "pipeline": c.pipeline, "expiring": c.expiring,
                   "pool": c.pool, "planned": c.planned, "applied": c.applied, "expiring_unrenewed": c.unrenewed}
                  for c in s.tiers],
        "targets": [{"name": t.name, "target": t.target, "baseline": t.baseline, "actual": t.actual,
                     "net": t.net, "completion": t.completion, "expected_share": t.expected_share,
                     "light": t.light, "month": t.month} for t in s.targets],
    }
