"""Every list and detail page of plans, projects, ledgers, bulletins and the dashboard, tried by
the whole cast (tests/roles.py): members see, outsiders get 404, coordinator-only pages 403."""

from __future__ import annotations

from typing import Any

import pytest

from tests.roles import MANAGE, NOWHERE, READ, Endpoint, assert_roles, build_world, matrix

PLAN = "/plans/{plan}"
PROJECT = f"{PLAN}/projects/{{project}}"
IMPORT = f"{PLAN}/ledgers/imports/{{record}}"
EVERYONE = {r: 200 for r in READ}

PAGES = [
    # the blueprint (施工图)
    Endpoint("plan list", "/plans/", EVERYONE),
    Endpoint("plan tree", f"{PLAN}/?as_of=2023-06-30"),
    Endpoint("tree children", f"{PLAN}/tree/children?parent=1&as_of=2023-06-30"),
    Endpoint("warnings", f"{PLAN}/warnings/?as_of=2023-06-30"),
    Endpoint("review queue", f"{PLAN}/review/", MANAGE),
    Endpoint("node", f"{PLAN}/nodes/1.1/"),
    Endpoint("unknown node", f"{PLAN}/nodes/9.9/", NOWHERE),
    Endpoint("unknown plan", "/plans/NOPE/", NOWHERE),
    # the key-project library (重点项目库)
    Endpoint("project list", f"{PLAN}/projects/"),
    Endpoint("project warnings", f"{PLAN}/projects/warnings/"),
    Endpoint("project", f"{PROJECT}/"),
    Endpoint("project chart", f"{PROJECT}/chart.json"),
    Endpoint("unknown project", f"{PLAN}/projects/NOPE/", NOWHERE),
    # ledgers (台账)
    Endpoint("ledgers", f"{PLAN}/ledgers/"),
    Endpoint("ledger export", f"{PLAN}/ledgers/export?kind=nodes"),
    Endpoint("import preview", f"{IMPORT}/"),
    Endpoint("imported file", f"{IMPORT}/file"),
    # bulletins (调度通报)
    Endpoint("bulletin list", f"{PLAN}/bulletins/"),
    Endpoint("bulletin", f"{PLAN}/bulletins/{{bulletin}}/"),
    Endpoint("unknown bulletin", f"{PLAN}/bulletins/99/", NOWHERE),
    Endpoint("bulletin file", f"{PLAN}/bulletins/{{bulletin}}/file?format=xlsx"),
    Endpoint("bulletin of a period", f"{PLAN}/bulletins/file?period=2023-06&format=xlsx"),
    # the dashboard (驾驶舱)
    Endpoint("dashboard", f"{PLAN}/dashboard/"),
    Endpoint("dashboard chart", f"{PLAN}/dashboard/charts/lights.json"),
    Endpoint("big screen", f"{PLAN}/bigscreen/"),
    Endpoint("my tasks", "/my/", EVERYONE),
    # the enterprise registry (企业梯度培育)
    Endpoint("enterprise registry", f"{PLAN}/enterprises/"),
    Endpoint("new enterprise", f"{PLAN}/enterprises/new/", MANAGE),
]


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch: Any) -> None:
    monkeypatch.setenv("SHIGONGTU_CHROMIUM", "/nonexistent/chromium")


@pytest.fixture
def world(cast: Any) -> dict[str, Any]:
    return build_world(cast)


@pytest.mark.parametrize("page", matrix(PAGES))
def test_every_role_gets_what_is_declared(cast: Any, world: dict[str, Any], page: Endpoint) -> None:
    assert_roles(cast, page, world)
