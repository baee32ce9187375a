"""Every list and detail endpoint of the API, tried by the whole cast (tests/roles.py), and the
query count of every list endpoint pinned: a list costs the same few queries however long it is."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from tests.roles import NOWHERE, READ, TODAY, Endpoint, assert_roles, build_world, matrix

PLAN = "/api/v1/plans/{plan}"
PROJECT = f"{PLAN}/projects/{{project}}"

ENDPOINTS = [
    # the blueprint (施工图)
    Endpoint("plans", "/api/v1/plans", {r: 200 for r in READ}),
    Endpoint("plan", PLAN),
    Endpoint("unknown plan", "/api/v1/plans/NOPE", NOWHERE),
    Endpoint("tree", f"{PLAN}/tree?as_of=2023-06-30"),
    Endpoint("warnings", f"{PLAN}/warnings?as_of=2023-06-30"),
    Endpoint("nodes", f"{PLAN}/nodes"),
    Endpoint("node", f"{PLAN}/nodes/1.1"),
    Endpoint("unknown node", f"{PLAN}/nodes/9.9", NOWHERE),
    Endpoint("node indicators", f"{PLAN}/nodes/1.1/indicators"),
    Endpoint("indicators", f"{PLAN}/indicators"),
    Endpoint("node reports", f"{PLAN}/nodes/1.1/reports"),
    Endpoint("reports", f"{PLAN}/reports"),
    Endpoint("report", "/api/v1/reports/{report}"),
    # the key-project library (重点项目库)
    Endpoint("projects", f"{PLAN}/projects"),
    Endpoint("project warnings list", f"{PLAN}/projects/warnings?as_of=2023-06-30"),
    Endpoint("project", PROJECT),
    Endpoint("unknown project", f"{PLAN}/projects/NOPE", NOWHERE),
    Endpoint("project warnings", f"{PROJECT}/warnings"),
    Endpoint("investment reports", f"{PROJECT}/reports"),
    Endpoint("approvals", f"{PROJECT}/approvals"),
    Endpoint("problems", f"{PROJECT}/problems"),
    Endpoint("bonds", f"{PLAN}/bonds"),
    Endpoint("bond", f"{PROJECT}/bond"),
    # ledgers (台账)
    Endpoint("imports", f"{PLAN}/imports"),
    Endpoint("export", f"{PLAN}/ledgers/nodes/export"),
    Endpoint("column mappings", f"{PLAN}/ledgers/projects/mappings"),
    # bulletins (调度通报)
    Endpoint("bulletins", f"{PLAN}/bulletins"),
    Endpoint("bulletin preview", f"{PLAN}/bulletins/preview?period=2023-06"),
    Endpoint("bulletin", f"{PLAN}/bulletins/{{bulletin}}"),
    Endpoint("unknown bulletin", f"{PLAN}/bulletins/99", NOWHERE),
    Endpoint("bulletin file", f"{PLAN}/bulletins/{{bulletin}}/file?format=xlsx"),
    Endpoint("bulletin of a period", f"{PLAN}/bulletins/file?period=2023-06&format=xlsx"),
]


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHIGONGTU_CHROMIUM", "/nonexistent/chromium")


@pytest.fixture
def world(cast: Any) -> dict[str, Any]:
    return build_world(cast)


@pytest.mark.parametrize("endpoint", matrix(ENDPOINTS))
def test_every_role_gets_what_is_declared(cast: Any, world: dict[str, Any], endpoint: Endpoint) -> None:
    assert_roles(cast, endpoint, world)


# list endpoint → the queries it runs for the coordinator once the session and the plan's read model
# are warm (session, user, memberships, plan, the rows and their prefetches), as measured.
LISTS = {
    "plans": ("/api/v1/plans", 4),
    "nodes": ("/api/v1/plans/JY-T/nodes", 7),  # + the default date and the cached roll-up's revision
    "warnings": ("/api/v1/plans/JY-T/warnings?as_of=2023-06-30", 7),
    "projects": ("/api/v1/plans/JY-T/projects", 17),  # constant: the lights come from every warning kind
    "approvals": ("/api/v1/plans/JY-T/projects/P-001/approvals", 7),
    "bonds": ("/api/v1/plans/JY-T/bonds", 11),
    "imports": ("/api/v1/plans/JY-T/imports", 5),
    "bulletins": ("/api/v1/plans/JY-T/bulletins", 5),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_endpoint_runs_a_pinned_number_of_queries(cast: Any, world: dict[str, Any], name: str,
                                                            django_assert_max_num_queries: Any) -> None:
    url, most = LISTS[name]
    client = cast.client("coordinator")
    with time_machine.travel(TODAY, tick=False):
        client.get(url)  # warm the session and the plan's cached read model
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
