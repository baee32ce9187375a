"""``shigongtu bench pages``: the plan tree page and the list API within their budgets.

A synthetic plan of ``--nodes`` nodes (20,000 by default; 200,000 for a province) in one of two
shapes: ``deep`` (10 fronts × 10 × 10 × leaves, four levels) or ``flat`` (20 fronts × 50 or 100
× leaves, three levels: the shape that used to ship every node), with ``--months`` reports per
leaf (the page's cost does not depend on them; the roll-up's cold build does). Through the
Django test client, warm (the roll-up cached as a running server keeps it), each figure gives
p50/p95 wall time, the CPU time per request (robust when the machine is shared), the queries
and the bytes of HTML or JSON:

- ``tree_page``: the page as it opens; ``tree_open``: with one front's first task open (the
  no-script link); ``tree_children``: the HTMX fragment of one branch; ``tree_search`` (text),
  ``tree_light`` (red only), ``tree_unit`` (one lead unit): a page of matches;
- ``api_nodes``: ``GET /api/v1/plans/P/nodes?front=…&limit=100`` and the next page by cursor;
  ``api_reports``: a page of 100 reports of one front; ``api_create``: ``POST`` one node (p50).

Targets (issue 19): tree page HTML ≤ 500 KB and p95 ≤ 150 ms; a list page of 100 ≤ 40 ms p95;
creating one item ≤ 8 ms p50.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.bench.util import QueryCounter, percentiles, timed
from shigongtu.orgs.models import Membership
from shigongtu.plans.models import Node
from shigongtu.plans.selectors import clear_cache

AS_OF = "2023-06-30"
TARGETS = {"tree_html_bytes": 500_000, "tree_p95_ms": 150, "list_p95_ms": 40, "create_p50_ms": 8}


def add_arguments(parser: Any) -> None:
    parser.add_argument("--nodes", type=int, default=20_000, help="about this many nodes (leaves)")
    parser.add_argument("--shape", choices=("deep", "flat"), default="deep")
    parser.add_argument("--months", type=int, default=3, help="reports per leaf")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def branching(nodes: int, shape: str) -> tuple[int, ...]:
    if shape == "flat":
        middle = 50 if nodes <= 50_000 else 100
        return (20, middle, max(2, round(nodes / (20 * middle))))
    return (10, 10, 10, max(2, round(nodes / 1000)))


def measure(client: Client, url: str, repeat: int, method: str = "get", body: Any = None,
            headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Warm once, count the queries of one request, then time ``repeat`` requests (wall and CPU)."""
    def call(i: int) -> Any:
        if method == "post":
            return client.post(url, json.dumps(body(i)), content_type="application/json", headers=headers)
        return client.get(url, headers=headers)

    first = call(0)
    assert first.status_code in (200, 201), (url, first.status_code, first.content[:300])
    with QueryCounter() as queries:
        call(1)
    wall, cpu = [], []
    response = first
    for i in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        response = call(i + 2)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {**percentiles(wall), "cpu_p50_ms": percentiles(cpu)["p50_ms"], "queries": queries.count,
            "bytes": len(response.content)}


def run(options: dict[str, Any]) -> dict[str, Any]:
    repeat = int(options.get("repeat", 30))
    nodes = max(100, round(int(options.get("nodes", 20_000)) * float(options.get("scale", 1.0))))
    shape = str(options.get("shape", "deep"))
    code = "BENCH-PG-" + uuid.uuid4().hex[:6].upper()
    build_s, built = timed(lambda: build_plan(code, branching(nodes, shape), months=int(options.get("months", 3))))
    plan = built["plan"]
    figures: dict[str, Any] = {"nodes": built["nodes"], "leaves": built["leaves"], "reports": built["reports"],
                               "shape": shape, "build_seconds": round(build_s, 2), "targets": TARGETS}
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
    try:
        Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
        client = Client()
        client.force_login(user)
        base = f"/plans/{code}/"
        clear_cache()
        cold_s, response = timed(lambda: client.get(f"{base}?as_of={AS_OF}"))
        figures["tree_page_cold"] = {"ms": round(cold_s * 1000, 1), "bytes": len(response.content)}
        task = Node.objects.filter(plan=plan, depth=1).order_by("sort_key").values_list("code", flat=True)[0]
        unit = Node.objects.filter(plan=plan, depth=2).values_list("lead_unit_id", flat=True)[0]
        pages = {
            "tree_page": f"{base}?as_of={AS_OF}",
            "tree_open": f"{base}?open={task}&as_of={AS_OF}",
            "tree_children": f"{base}tree/children?parent={task}&as_of={AS_OF}",
            "tree_search": f"{base}?q=任务+1.&as_of={AS_OF}",
            "tree_light": f"{base}?light=red&as_of={AS_OF}",
            "tree_unit": f"{base}?unit={unit}&as_of={AS_OF}",
        }
        for name, url in pages.items():
            figures[name] = measure(client, url, repeat)
        figures.update(api_figures(client, code, repeat))
        tree_names = [n for n in pages if n != "tree_children"]
        figures["meets_targets"] = {
            "tree_html_bytes": max(figures[n]["bytes"] for n in tree_names) <= TARGETS["tree_html_bytes"],
            "tree_p95": max(figures[n]["p95_ms"] for n in pages) <= TARGETS["tree_p95_ms"],
            "list_p95": max(figures[n]["p95_ms"] for n in ("api_nodes", "api_nodes_next", "api_reports"))
            <= TARGETS["list_p95_ms"],
            "create_p50": figures["api_create"]["p50_ms"] <= TARGETS["create_p50_ms"],
        }
    finally:
        user.delete()
        if not options.get("keep"):
            drop_plan(plan)
            clear_cache()
    return figures


def api_figures(client: Client, code: str, repeat: int) -> dict[str, Any]:
    """The node and report lists by front, a page by cursor, and creating nodes one by one."""
    api = f"/api/v1/plans/{code}"
    first = client.get(f"{api}/nodes?front=1&limit=100")["X-Next-Cursor"]
    out = {
        "api_nodes": measure(client, f"{api}/nodes?front=1&limit=100", repeat),
        "api_nodes_next": measure(client, f"{api}/nodes?front=1&limit=100&cursor={first}", repeat),
        "api_reports": measure(client, f"{api}/reports?front=1&limit=100", repeat),
    }
    out["api_create"] = measure(client, f"{api}/nodes", repeat, "post",
                                lambda i: {"code": f"1.1.1.{5000 + i}", "title": f"新增任务{i}"})
    return out
