"""``shigongtu bench tree``: a 20,000-node plan with 240,000 reports.

Figures: the pure roll-up without the database (``bench.rules``), full roll-up + warnings from
cold, incremental refresh after one new report (p95), and the tree API for the top three levels
(p95), on the database of DATABASE_URL (a temporary SQLite file when it is unset).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from shigongtu.bench import rules
from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.bench.util import QueryCounter, percentiles, timed
from shigongtu.plans import services
from shigongtu.plans.models import Node
from shigongtu.plans.selectors import clear_cache, compute_indicators, compute_warnings, get_rollup


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 30))
    leaves_per = max(2, round(20 * scale))
    code = "BENCH-" + uuid.uuid4().hex[:6].upper()
    build_s, built = timed(lambda: build_plan(code, (10, 10, 10, leaves_per)))
    plan = built["plan"]
    as_of = dt.date(2023, 12, 31)
    figures: dict[str, Any] = {
        "nodes": built["nodes"], "leaves": built["leaves"], "reports": built["reports"],
        "build_seconds": round(build_s, 2),
        "pure_rollup": rules.run(options),
    }
    try:
        cold = []
        for _ in range(5):
            clear_cache()
            start = time.perf_counter()
            rollup = get_rollup(plan, as_of)
            indicators = compute_indicators(plan, as_of)
            warnings = compute_warnings(plan, as_of, rollup, indicators)
            cold.append(time.perf_counter() - start)
        figures["full_rollup_and_warnings"] = percentiles(cold)
        figures["warnings"] = len(warnings)

        leaves = list(Node.objects.filter(plan=plan, children__isnull=True, cancelled=False)
                      .values_list("id", flat=True)[:5000])
        rng = random.Random(1)
        submit, refresh = [], []
        for _ in range(repeat):
            node = Node.objects.get(pk=rng.choice(leaves))
            t0 = time.perf_counter()
            services.file_report(node, "2023-12", {"progress": rng.randint(0, 100)})
            t1 = time.perf_counter()
            get_rollup(plan, as_of)
            refresh.append(time.perf_counter() - t1)
            submit.append(t1 - t0)
        figures["incremental_refresh_after_report"] = percentiles(refresh)
        figures["report_submit_service"] = percentiles(submit)

        user = get_user_model().objects.create_superuser(f"bench-{code.lower()}", password=uuid.uuid4().hex)
        client = Client()
        client.force_login(user)
        url = f"/api/v1/plans/{code}/tree?depth=2&as_of={as_of.isoformat()}"
        client.get(url)  # warm the cache as a running server would be
        api = []
        with QueryCounter() as queries:
            response = client.get(url)
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            api.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:200]
        figures["tree_api_top3_levels"] = percentiles(api)
        figures["tree_api_top3_levels"]["queries"] = queries.count
        figures["tree_api_top3_levels"]["nodes_returned"] = len(response.json()["nodes"])
        user.delete()
    finally:
        if not options.get("keep"):
            drop_plan(plan)
            clear_cache()
    return figures
