"""The contract's JSON shapes for tree and warnings (contract §4), shared by CLI and API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from shigongtu.plans.models import Plan
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.warnings import Warning
from shigongtu.plans.selectors import Rollup, compute_indicators, compute_warnings, get_rollup


def indicator_dict(out: IndicatorOut) -> dict[str, Any]:
    return {
        "id": out.id,
        "name": out.name,
        "unit": out.unit,
        "kind": out.kind,
        "target": out.target,
        "actual": out.actual,
        "expected_share": out.expected_share,
        "completion": out.completion,
        "light": out.light,
        "month": out.month,
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
