"""Properties of the roll-up over random trees (hypothesis): bounds, weights, incremental = fresh."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shigongtu.plans.rules.lights import CANCELLED, Thresholds
from shigongtu.plans.rules.rollup import NodeIn, RollupState, compute_tree
from tests.plans.rules.trees import PLAN_END, PLAN_START

YEAR = [PLAN_START + timedelta(days=n) for n in range(0, 365, 7)]
weights = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0]), st.floats(min_value=0, max_value=1000))
maybe_day = st.one_of(st.none(), st.sampled_from(YEAR))
as_of_days = st.dates(min_value=date(2022, 12, 1), max_value=date(2024, 1, 31))


@st.composite
def trees(draw: st.DrawFn, max_nodes: int = 40) -> list[NodeIn]:
    """A random plan tree: every node's parent comes before it (or it is at the top)."""
    size = draw(st.integers(min_value=1, max_value=max_nodes))
    nodes: list[NodeIn] = []
    for number in range(1, size + 1):
        parent = None if number == 1 else draw(st.one_of(st.none(), st.integers(1, number - 1)))
        code = f"{nodes[parent - 1].code}.{number}" if parent else str(number)
        nodes.append(
            NodeIn(
                id=number,
                code=code,
                parent_id=parent,
                weight=draw(weights),
                start=draw(maybe_day),
                due=draw(maybe_day),
                cancelled=draw(st.integers(min_value=0, max_value=5)) == 0,  # one in six
            )
        )
    return nodes


def progress_for(nodes: list[NodeIn]) -> st.SearchStrategy[dict[int, float]]:
    return st.fixed_dictionaries({}, optional={node.id: st.floats(min_value=-50, max_value=150) for node in nodes})


@st.composite
def trees_with_progress(draw: st.DrawFn) -> tuple[list[NodeIn], dict[int, float]]:
    nodes = draw(trees())
    return nodes, draw(progress_for(nodes))


def children_of(nodes: list[NodeIn]) -> dict[int, list[NodeIn]]:
    kids: dict[int, list[NodeIn]] = {}
    for node in nodes:
        if node.parent_id is not None:
            kids.setdefault(node.parent_id, []).append(node)
    return kids


@given(trees_with_progress(), as_of_days)
def test_progress_always_stays_between_0_and_100(case: tuple[list[NodeIn], dict[int, float]], as_of: date) -> None:
    nodes, progress = case
    for out in compute_tree(nodes, progress, PLAN_START, PLAN_END, as_of).values():
        assert 0 <= out.progress <= 100


@given(trees_with_progress(), as_of_days)
def test_a_parent_lies_between_its_lowest_and_highest_counted_child(
    case: tuple[list[NodeIn], dict[int, float]], as_of: date
) -> None:
    nodes, progress = case
    results = compute_tree(nodes, progress, PLAN_START, PLAN_END, as_of)
    for parent_id, kids in children_of(nodes).items():
        counted = [results[kid.id].progress for kid in kids if not kid.cancelled]
        if counted:
            assert min(counted) <= results[parent_id].progress <= max(counted)
            assert not results[parent_id].is_leaf
        else:
            assert results[parent_id].is_leaf


@given(trees_with_progress(), as_of_days)
def test_every_node_under_a_cancelled_one_is_lit_cancelled(
    case: tuple[list[NodeIn], dict[int, float]], as_of: date
) -> None:
    nodes, progress = case
    by_id = {node.id: node for node in nodes}
    results = compute_tree(nodes, progress, PLAN_START, PLAN_END, as_of)
    for node in nodes:
        chain = [node]
        while chain[-1].parent_id is not None:
            chain.append(by_id[chain[-1].parent_id])
        assert (results[node.id].light == CANCELLED) == any(link.cancelled for link in chain)


@given(trees_with_progress(), st.floats(min_value=0.001, max_value=1000), as_of_days)
def test_scaling_every_weight_leaves_progress_unchanged(
    case: tuple[list[NodeIn], dict[int, float]], factor: float, as_of: date
) -> None:
    nodes, progress = case
    scaled = [replace(node, weight=node.weight * factor) for node in nodes]
    before = compute_tree(nodes, progress, PLAN_START, PLAN_END, as_of)
    after = compute_tree(scaled, progress, PLAN_START, PLAN_END, as_of)
    for node_id, out in before.items():
        assert math.isclose(out.progress, after[node_id].progress, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=150)
@given(st.data(), as_of_days)
def test_incremental_updates_equal_a_fresh_roll_up(data: st.DataObject, as_of: date) -> None:
    nodes = data.draw(trees())
    progress = data.draw(progress_for(nodes))
    th = Thresholds(yellow=data.draw(st.sampled_from([5.0, 10.0])), red=20.0)
    state = RollupState(nodes, progress, PLAN_START, PLAN_END, as_of, th)
    current = {node_id: min(max(p, 0.0), 100.0) for node_id, p in progress.items()}
    updates = data.draw(st.lists(st.tuples(st.sampled_from([n.id for n in nodes]), st.floats(-10, 110)), max_size=25))
    for node_id, value in updates:
        before = dict(state.results)
        changed = state.set_leaf_progress(node_id, value)
        current[node_id] = min(max(value, 0.0), 100.0)
        fresh = compute_tree(nodes, current, PLAN_START, PLAN_END, as_of, th)
        assert state.results == fresh
        assert {i for i in fresh if fresh[i] != before[i]} == set(changed)
