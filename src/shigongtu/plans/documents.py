"""The contract's JSON shapes for tree and warnings (contract §4), shared by CLI and API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from shigongtu.plans.models import Plan
from shigongtu.plans.rules.indicators import RATE, IndicatorOut, expected_share
from shigongtu.plans.rules.warnings import Warning
from shigongtu.plans.selectors import Rollup, compute_indicators, compute_warnings, get_rollup


def time_share(out: IndicatorOut) -> float:
    """序时 of an indicator as a share: min(1, m / D) by the calendar alone (1 for a rate), beside
    ``expected_share``, which follows the plan curve (计划进度, also given as ``plan_share``) where
    there is one — two figures under two names, never one under the other's."""
    if out.kind == RATE:
        return 1.0
    return expected_share(None, out.month, out.due.month if out.due is not None else 12)


def indicator_dict(out: IndicatorOut) -> dict[str, Any]:
    """One judged indicator as the tree's JSON gives it (contract §4, with ``baseline``)."""
    return {
        "id": out.id,
        "name": out.name,
        "unit": out.unit,
        "kind": out.kind,
        "target": out.target,
        "baseline": out.baseline,
        "actual": out.actual,
        "expected_share": out.expected_share,
        "time_share": time_share(out),
        "plan_share": out.expected_share if out.has_curve else None,
        "completion": out.completion,
        "light": out.light,
        "month": out.month,
        "due": out.due.isoformat() if out.due is not None else None,
        "has_value": out.has_value,
        "after_due": out.after_due,
    }


def tree_document(plan: Plan, as_of: dt.date, max_depth: int | None = None,
                  rollup: Rollup | None = None, with_indicators: bool = True) -> dict[str, Any]:
    rollup = rollup or get_rollup(plan, as_of)
    by_node: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if with_indicators:
        for out in compute_indicators(plan, as_of):
            by_node[out.node_id].append(indicator_dict(out))
    nodes = []
    results = rollup.results
    for node_id in rollup.order:
        meta = rollup.meta[node_id]
        res = results[node_id]
        if max_depth is not None and res.depth > max_depth:
            continue
        nodes.append({
            "code": meta.code,
            "parent": meta.parent_code,
            "title": meta.title,
            "weight": meta.weight,
            "start": res.start.isoformat(),
            "due": res.due.isoformat(),
            "progress": res.progress,
            "expected": res.expected,
            "light": res.light,
            "leaf": res.is_leaf,
            "depth": res.depth,
            "indicators": by_node.get(node_id, []),
        })
    return {"plan": plan.code, "as_of": as_of.isoformat(), "nodes": nodes}


def warning_dict(w: Warning) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": w.kind, "node": w.code, "light": w.light}
    if w.indicator is not None:
        out["indicator"] = w.indicator
    out.update(w.detail or {})
    return out


def warnings_document(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    warnings = compute_warnings(plan, as_of)
    return {"plan": plan.code, "as_of": as_of.isoformat(), "warnings": [warning_dict(w) for w in warnings]}
