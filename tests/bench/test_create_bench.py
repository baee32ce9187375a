"""The create benchmark creates a node, a project and a supervision item over REST and cleans up."""

from __future__ import annotations

from typing import Any

from shigongtu.bench import create
from shigongtu.plans.models import Plan


def test_it_times_each_kind_of_create_counts_its_statements_and_leaves_nothing(db: Any) -> None:
    figures = create.run({"nodes": 100, "repeat": 2, "sql": True})
    for name in ("create_node", "create_project", "create_supervision", "create_node_token"):
        assert figures[name]["n"] == 2 and figures[name]["cpu_p50_ms"] > 0
    assert figures["create_node"]["queries"] <= 14 and figures["create_node_token"]["queries"] <= 13
    assert any(sql.startswith("INSERT INTO \"plans_node\"") for sql in figures["sql"]["node"])
    assert not Plan.objects.filter(code__startswith="BENCH-CR").exists()
