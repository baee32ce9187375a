"""``shigongtu bench create``: creating one item over REST (issue 19: ≤ 8 ms p50).

A synthetic plan of ``--nodes`` nodes (20,000 by default), then, through the Django test client
as a coordinator signed in by session (and, for nodes, by bearer token too), ``--repeat`` creates
one by one of a node (``POST /api/v1/plans/P/nodes``), a project (``…/projects``) and a
supervision item (``…/supervision``). Each figure gives p50/p95 wall time, the CPU time per
request (robust when the machine is shared) and the SQL statements of one request;
``--sql`` lists those statements too (for profiling).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from shigongtu.bench.pages import measure
from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.bench.util import timed
from shigongtu.orgs import services as org_services
from shigongtu.orgs.models import Membership
from shigongtu.plans.selectors import clear_cache

TARGET_P50_MS = 8


def add_arguments(parser: Any) -> None:
    parser.add_argument("--nodes", type=int, default=20_000, help="about this many nodes (leaves)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--sql", action="store_true", help="also list the statements of one create")


def _bodies(tag: str) -> dict[str, tuple[str, Callable[[int], dict[str, Any]]]]:
    first = {"s": 7000, "t": 8000}.get(tag, 9000)
    return {
        "node": ("nodes", lambda i: {"code": f"1.1.1.{first + i}", "title": f"新增任务{tag}{i}"}),
        "project": ("projects", lambda i: {"code": f"BP-{tag}-{i}", "name": f"新增项目{i}"}),
        "supervision": ("supervision", lambda i: {"code": f"BS-{tag}-{i}", "title": f"督办事项{i}",
                                                  "source": "审计", "assigned_on": "2023-05-01",
                                                  "deadline": "2023-09-01"}),
    }


def _statements(client: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> list[str]:
    seen: list[str] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql[:160])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        client.post(url, json.dumps(body), content_type="application/json", headers=headers)
    return seen


def run(options: dict[str, Any]) -> dict[str, Any]:
    repeat = int(options.get("repeat", 50))
    nodes = max(100, round(int(options.get("nodes", 20_000)) * float(options.get("scale", 1.0))))
    code = "BENCH-CR-" + uuid.uuid4().hex[:6].upper()
    build_s, built = timed(lambda: build_plan(code, (10, 10, 10, max(1, nodes // 1000)), months=1))
    plan = built["plan"]
    figures: dict[str, Any] = {"nodes": built["nodes"], "build_seconds": round(build_s, 2),
                               "target_p50_ms": TARGET_P50_MS}
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
    try:
        Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
        session = Client()
        session.force_login(user)
        secret = org_services.issue_token(user, "bench")
        bearer = Client()
        api = f"/api/v1/plans/{code}"
        for name, (path, body) in _bodies("s").items():
            figures[f"create_{name}"] = measure(session, f"{api}/{path}", repeat, "post", body)
        token = {"Authorization": f"Bearer {secret}"}
        figures["create_node_token"] = measure(
            bearer, f"{api}/nodes", repeat, "post", _bodies("t")["node"][1], headers=token)
        if options.get("sql"):
            figures["sql"] = {name: _statements(session, f"{api}/{path}", body(repeat + 99), {})
                              for name, (path, body) in _bodies("q").items()}
        figures["meets_target"] = {name: figures[f"create_{name}"]["p50_ms"] <= TARGET_P50_MS
                                   for name in ("node", "project", "supervision")}
    finally:
        user.delete()
        drop_plan(plan)
        clear_cache()
    return figures
