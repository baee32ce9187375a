"""Plan trees written as dotted codes, for the roll-up rule tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shigongtu.plans.rules.lights import Thresholds
from shigongtu.plans.rules.rollup import NodeIn, NodeOut, compute_tree

PLAN_START = date(2023, 1, 1)
PLAN_END = date(2023, 12, 31)


def tree(*rows: str | tuple[str, dict[str, Any]]) -> list[NodeIn]:
    """Nodes from codes (``"1.2"``) or ``(code, {"weight", "start", "due", "cancelled"})``.

    Ids count from 1 in the order given; the parent is the code without its last part.
    """
    ids: dict[str, int] = {}
    nodes = []
    for number, row in enumerate(rows, start=1):
        code, attrs = (row, {}) if isinstance(row, str) else row
        ids[code] = number
        nodes.append(
            NodeIn(
                id=number,
                code=code,
                parent_id=ids[code.rsplit(".", 1)[0]] if "." in code else None,
                weight=attrs.get("weight", 1.0),
                start=attrs.get("start"),
                due=attrs.get("due"),
                cancelled=attrs.get("cancelled", False),
            )
        )
    return nodes


def ids_of(nodes: list[NodeIn]) -> dict[str, int]:
    return {node.code: node.id for node in nodes}


def roll(
    nodes: list[NodeIn],
    progress: Mapping[str, float],
    as_of: date,
    th: Thresholds | None = None,
) -> dict[str, NodeOut]:
    """compute_tree over a plan of 2023, with progress given by code; results by code."""
    ids = ids_of(nodes)
    results = compute_tree(
        nodes, {ids[code]: p for code, p in progress.items()}, PLAN_START, PLAN_END, as_of, th or Thresholds()
    )
    return {out.code: out for out in results.values()}
