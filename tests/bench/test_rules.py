"""The zone-sized tree the pure roll-up benchmark times (``shigongtu bench tree``) is what it says:
speed is measured there, not asserted here; the suite checks the tree and the figures' shape."""

from __future__ import annotations

from shigongtu.bench import rules


def test_the_benchmark_tree_has_twenty_two_thousand_nodes_in_four_levels() -> None:
    nodes = rules.big_tree()
    assert len(nodes) == 5 + 100 + 2000 + 20000
    assert max(node.code.count(".") for node in nodes) == 3


def test_the_pure_rollup_bench_reports_its_figures_in_milliseconds() -> None:
    figures = rules.run({})
    assert figures["nodes"] == 22105
    assert figures["compute_tree_ms"] > 0 and figures["leaf_update_median_ms"] >= 0
