"""``shigongtu bench scale``: does the cost per node stay flat as the plan grows? (issue 19, item 7)

For each size (``--sizes``, default 2,000, 20,000 and 200,000 nodes: four levels, 20 leaves per
task, ``--months`` reports per leaf) a synthetic plan is built in the database of DATABASE_URL
and measured through the same URLs and services a user reaches:

- ``tree_page``: the plan tree page (``/plans/CODE/``), warm;
- ``dashboard_after_write``: a report filed on a random leaf, then the dashboard page — the
  first view after a write (the read model brings the picture forward);
- ``rollup``: the full roll-up from cold (every cache forgotten);
- ``list_api``: the node list endpoint (``/api/v1/plans/CODE/nodes?limit=100``);
- ``reports_import``: a 20,000-row monthly reports ledger (CSV) applied through the ledger engine.

Each figure is wall-clock p50/p95 (ms) and the process's CPU time per call (``cpu_ms``: robust
when other work shares the machine; on PostgreSQL the server's own CPU is not in it), divided by
the number of nodes (``us_per_node``). ``growth`` is, per figure, the cost per node at the
largest size over that at the smallest (target ≤ 1.5); a bounded page's cost per node falls.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from shigongtu.bench.synthetic import build_plan, drop_plan, open_leaves
from shigongtu.bench.util import percentiles
from shigongtu.orgs.models import Membership
from shigongtu.plans import services
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.rules.lights import CANCELLED
from shigongtu.plans.selectors import clear_cache, get_rollup

AS_OF = dt.date(2023, 6, 30)
IMPORT_ROWS = 20_000
TARGET_GROWTH = 1.5
FIGURES = ("tree_page", "dashboard_after_write", "rollup", "list_api", "reports_import")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--sizes", default="2000,20000,200000", help="node counts, comma-separated")
    parser.add_argument("--months", type=int, default=6, help="reports per leaf (January onwards)")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plans afterwards")


def branching(nodes: int) -> tuple[int, ...]:
    """Four levels, 20 leaves per task, about ``nodes`` nodes in all."""
    tasks = max(1, round(nodes / 21))
    fronts = max(1, min(10, round(tasks ** (1 / 3))))
    groups = max(1, min(10, round((tasks / fronts) ** 0.5)))
    return (fronts, groups, max(1, round(tasks / (fronts * groups))), 20)


def run(options: dict[str, Any]) -> dict[str, Any]:
    sizes = [int(s) for s in str(options.get("sizes") or "2000,20000,200000").split(",") if s.strip()]
    months, repeat = int(options.get("months", 6)), int(options.get("repeat", 10))
    results: dict[str, Any] = {}
    for size in sizes:
        results[str(size)] = measure_size(size, months, repeat, bool(options.get("keep")))
    return {"sizes": results, "growth": growth(results), "target_growth": TARGET_GROWTH}


def growth(results: dict[str, Any]) -> dict[str, Any]:
    """Per figure: cost per node at the largest size over the smallest (wall p50 and CPU)."""
    if len(results) < 2:
        return {}
    ordered = sorted(results.values(), key=lambda r: r["nodes"])
    small, large = ordered[0], ordered[-1]
    out: dict[str, Any] = {}
    for name in FIGURES:
        a, b = small.get(name, {}), large.get(name, {})
        if "us_per_node" not in a or "us_per_node" not in b or not a["us_per_node"] or not a["cpu_us_per_node"]:
            continue
        wall = b["us_per_node"] / a["us_per_node"]
        cpu = b["cpu_us_per_node"] / a["cpu_us_per_node"]
        out[name] = {"wall": round(wall, 3), "cpu": round(cpu, 3), "flat": cpu <= TARGET_GROWTH}
    return out


def _sample(fn: Callable[[], Any], repeat: int, nodes: int) -> dict[str, Any]:
    walls, cpus = [], []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    figures: dict[str, Any] = percentiles(walls)
    cpu_ms = 1000 * sum(cpus) / len(cpus)
    figures.update(cpu_ms=round(cpu_ms, 3), us_per_node=round(1000 * figures["p50_ms"] / nodes, 4),
                   cpu_us_per_node=round(1000 * cpu_ms / nodes, 4))
    return figures


def measure_size(size: int, months: int, repeat: int, keep: bool) -> dict[str, Any]:
    code = "BENCH-S-" + uuid.uuid4().hex[:6].upper()
    t0 = time.perf_counter()
    built = build_plan(code, branching(size), months=months)
    plan: Plan = built["plan"]
    out: dict[str, Any] = {"nodes": built["nodes"], "leaves": built["leaves"], "reports": built["reports"],
                           "branching": list(branching(size)), "build_seconds": round(time.perf_counter() - t0, 1)}
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
    try:
        Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
        client = Client()
        client.force_login(user)
        out.update(_pages(plan, client, repeat, built["nodes"]))
        out["reports_import"] = _import(plan, user, built["nodes"])
    finally:
        user.delete()
        if not keep:
            drop_plan(plan)
            clear_cache()
            cache.clear()
    return out


def _get(client: Client, url: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
        return response
    return call


def _pages(plan: Plan, client: Client, repeat: int, nodes: int) -> dict[str, Any]:
    code, as_of = plan.code, AS_OF.isoformat()
    out: dict[str, Any] = {}
    tree = _get(client, f"/plans/{code}/?as_of={as_of}")
    tree()  # warm, as a running server would be
    out["tree_page"] = {**_sample(tree, max(3, repeat // 2), nodes), "bytes": len(tree().content)}

    def cold_rollup() -> None:
        clear_cache()
        get_rollup(plan, AS_OF)
    out["rollup"] = _sample(cold_rollup, 3, nodes)

    dashboard = _get(client, f"/plans/{code}/dashboard/?as_of={as_of}")
    dashboard()
    leaves = open_leaves(plan)
    rng = random.Random(5)
    walls, cpus = [], []
    for _ in range(repeat):
        services.file_report(Node.objects.get(pk=rng.choice(leaves)), "2023-06", {"progress": rng.randint(0, 100)})
        c0, t0 = time.process_time(), time.perf_counter()
        dashboard()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    cpu_ms = 1000 * sum(cpus) / len(cpus)
    out["dashboard_after_write"] = {**percentiles(walls), "cpu_ms": round(cpu_ms, 3),
                                    "us_per_node": round(1000 * percentiles(walls)["p50_ms"] / nodes, 4),
                                    "cpu_us_per_node": round(1000 * cpu_ms / nodes, 4), "target_p95_ms": 150}
    listing = _get(client, f"/api/v1/plans/{code}/nodes?limit=100")
    listing()
    out["list_api"] = {**_sample(listing, max(3, repeat // 2), nodes), "bytes": len(listing().content)}
    return out


def reports_csv(codes: list[str], rows: int, year: int = 2023) -> bytes:
    """A monthly reports ledger of ``rows`` rows over the given leaves (month after month)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["编号", "填报月份", "进度", "本月进展"])
    for i in range(rows):
        month = (6 + i // len(codes)) % 12 + 1  # July first, then on (a leaf never twice a month)
        writer.writerow([codes[i % len(codes)], f"{year}-{month:02d}", (i * 7) % 101, "按计划推进"])
    return buf.getvalue().encode("utf-8")


def _import(plan: Plan, user: Any, nodes: int) -> dict[str, Any]:
    from shigongtu.ledgers.engine import import_ledger

    rollup = get_rollup(plan, AS_OF)  # leaves that take reports: not cancelled, nor under a cancelled node
    codes = [rollup.meta[i].code for i in rollup.order
             if rollup.results[i].is_leaf and rollup.results[i].light != CANCELLED][:IMPORT_ROWS]
    data = reports_csv(codes, IMPORT_ROWS)
    c0, t0 = time.process_time(), time.perf_counter()
    result = import_ledger(data, "reports.csv", "reports", plan, user, keep_record=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if not result.ok:
        return {"failed": [str(e) for e in list(getattr(result, "errors", []))[:5]]}
    return {"rows": IMPORT_ROWS, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "rows_per_second": round(IMPORT_ROWS / wall), "us_per_node": round(1e6 * wall / nodes, 4),
            "cpu_us_per_node": round(1e6 * cpu / nodes, 4), "us_per_row": round(1e6 * wall / IMPORT_ROWS, 2)}
