"""The roll-up stays fast on a zone-sized plan: 20,000 nodes, four levels (loose bounds, no timing jitter)."""

from __future__ import annotations

import math
import random
import statistics
import time
from datetime import date

from shigongtu.plans.rules.rollup import NodeIn, RollupState, compute_tree
from tests.plans.rules.trees import PLAN_END, PLAN_START

AS_OF = date(2023, 7, 15)


def big_tree(shape: tuple[int, ...] = (5, 20, 20, 10)) -> list[NodeIn]:
    """5 fronts × 20 tasks × 20 sub-tasks × 10 milestones: 22,105 nodes; some dates, weights, cancels."""
    rnd = random.Random(7)
    nodes: list[NodeIn] = []
    level: list[tuple[int | None, str]] = [(None, "")]
    for fan_out in shape:
        below: list[tuple[int | None, str]] = []
        for parent, prefix in level:
            for k in range(1, fan_out + 1):
                node_id = len(nodes) + 1
                code = f"{prefix}.{k}" if prefix else str(k)
                start = date(2023, rnd.randint(1, 6), 1) if rnd.random() < 0.3 else None
                due = date(2023, rnd.randint(7, 12), 28) if rnd.random() < 0.3 else None
                weight = rnd.choice([0.0, 1.0, 1.0, 2.0])
                nodes.append(NodeIn(node_id, code, parent, weight, start, due, rnd.random() < 0.02))
                below.append((node_id, code))
        level = below
    return nodes


def test_twenty_thousand_nodes_roll_up_in_well_under_half_a_second() -> None:
    nodes = big_tree()
    progress = {node.id: float(node.id % 101) for node in nodes}
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        compute_tree(nodes, progress, PLAN_START, PLAN_END, AS_OF)
        best = min(best, time.perf_counter() - started)
    assert best < 0.5, f"compute_tree took {best * 1000:.0f} ms"


def test_one_leaf_update_takes_well_under_a_millisecond() -> None:
    nodes = big_tree()
    state = RollupState(nodes, {}, PLAN_START, PLAN_END, AS_OF)
    leaves = [node_id for node_id, out in state.results.items() if out.is_leaf]
    rnd = random.Random(3)
    updates = [(rnd.choice(leaves), rnd.uniform(0, 100)) for _ in range(500)]
    times = []
    for leaf, value in updates:
        started = time.perf_counter()
        state.set_leaf_progress(leaf, value)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.001
