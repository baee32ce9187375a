"""The pure roll-up on a zone-sized plan, without the database: 5 fronts × 20 tasks × 20
sub-tasks × 10 milestones (22,105 nodes; some dates, weights and cancels).

Figures for ``shigongtu bench tree``: the whole tree computed from scratch (best of three)
and one leaf updated incrementally (median of 500). These were wall-clock assertions in the
suite; speed lives here, where it is measured and reported instead of asserted.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
import time
from typing import Any

from shigongtu.plans.rules.rollup import NodeIn, RollupState, compute_tree

PLAN_START, PLAN_END, AS_OF = dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2023, 7, 15)


def big_tree(shape: tuple[int, ...] = (5, 20, 20, 10)) -> list[NodeIn]:
    """A synthetic plan tree of ``shape`` (fan-out per level), seeded so every run is the same."""
    rnd = random.Random(7)
    nodes: list[NodeIn] = []
    level: list[tuple[int | None, str]] = [(None, "")]
    for fan_out in shape:
        below: list[tuple[int | None, str]] = []
        for parent, prefix in level:
            for k in range(1, fan_out + 1):
                node_id = len(nodes) + 1
                code = f"{prefix}.{k}" if prefix else str(k)
                start = dt.date(2023, rnd.randint(1, 6), 1) if rnd.random() < 0.3 else None
                due = dt.date(2023, rnd.randint(7, 12), 28) if rnd.random() < 0.3 else None
                weight = rnd.choice([0.0, 1.0, 1.0, 2.0])
                nodes.append(NodeIn(node_id, code, parent, weight, start, due, rnd.random() < 0.02))
                below.append((node_id, code))
        level = below
    return nodes


def run(options: dict[str, Any]) -> dict[str, Any]:
    """Time the pure roll-up: a full computation and single-leaf updates, in milliseconds."""
    nodes = big_tree()
    progress = {node.id: float(node.id % 101) for node in nodes}
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        compute_tree(nodes, progress, PLAN_START, PLAN_END, AS_OF)
        best = min(best, time.perf_counter() - started)
    state = RollupState(nodes, {}, PLAN_START, PLAN_END, AS_OF)
    leaves = [node_id for node_id, out in state.results.items() if out.is_leaf]
    rnd = random.Random(3)
    times = []
    for _ in range(500):
        leaf, value = rnd.choice(leaves), rnd.uniform(0, 100)
        started = time.perf_counter()
        state.set_leaf_progress(leaf, value)
        times.append(time.perf_counter() - started)
    return {"nodes": len(nodes), "compute_tree_ms": round(best * 1000, 1),
            "leaf_update_median_ms": round(statistics.median(times) * 1000, 4)}
