"""The role matrix: every endpoint or page tried by the whole cast, each answer as declared.

An ``Endpoint`` names a method, a URL (``{placeholders}`` filled from the world the test
built) and the status each of the four cast members gets: the zone coordinator, a front's
reporter, a viewer of the zone and a coordinator of another zone (the outsider). Outsiders
get 404 (the plan is not theirs to know about), read-only members 403 on writes.

``assert_roles`` tries one endpoint with all four and reports every mismatch at once;
``matrix`` turns a list of endpoints into pytest parameters named after them. A new record
type's pages and endpoints join by adding lines to a matrix (ARCHITECTURE.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client

# Writers last: a write that succeeds must not change what a later role is refused.
ROLES = ("outsider", "viewer", "reporter", "coordinator")
READ = {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}
MANAGE = {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}
NOWHERE = {"coordinator": 404, "reporter": 404, "viewer": 404, "outsider": 404}
# The day every matrix runs on: June's reports are due, the half year can be looked at.
TODAY = dt.datetime(2023, 7, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass(frozen=True)
class Endpoint:
    """One request the cast tries, and what each member of the cast gets back."""

    name: str
    url: str
    expect: Mapping[str, int] = field(default_factory=lambda: READ)
    method: str = "get"
    body: Mapping[str, Any] | None = None
    json: bool = True  # API bodies are JSON; page posts are forms

    def call(self, client: Client, world: Mapping[str, Any]) -> HttpResponse:
        url = self.url.format(**world)
        if self.body is None:
            return getattr(client, self.method)(url)
        if self.json:
            return getattr(client, self.method)(url, data=json.dumps(self.body), content_type="application/json")
        return getattr(client, self.method)(url, data=self.body)


def assert_roles(cast: Any, endpoint: Endpoint, world: Mapping[str, Any] | None = None) -> None:
    """Try ``endpoint`` as each member of the cast; fail naming every role that got another status."""
    world = {"plan": cast.plan.code, **(world or {})}
    wrong = {}
    with time_machine.travel(TODAY, tick=False):
        for role in ROLES:
            status = endpoint.call(cast.client(role), world).status_code
            if status != endpoint.expect[role]:
                wrong[role] = f"got {status}, expected {endpoint.expect[role]}"
    assert not wrong, f"{endpoint.method.upper()} {endpoint.url}: {wrong}"


def matrix(endpoints: Iterable[Endpoint]) -> list[Any]:
    """The endpoints as pytest parameters, each test named after its endpoint."""
    return [pytest.param(e, id=e.name) for e in endpoints]


def build_world(cast: Any) -> dict[str, Any]:
    """What the list and detail endpoints need to have something to show, ids by name.

    On the cast's plan: a June report on 1.1 (submitted), the project P-001 with an investment
    report, an approval, a problem and a special bond, an import record, and bulletin No. 1.
    """
    from shigongtu.bulletins import services as bulletins
    from shigongtu.ledgers.engine import import_ledger
    from shigongtu.plans import services as plans
    from shigongtu.projects.services.approvals import save_approval
    from shigongtu.projects.services.bonds import save_bond
    from shigongtu.projects.services.investment import submit_investment
    from shigongtu.projects.services.problems import save_problem
    from tests.ledgers.helpers import xlsx
    from tests.projects.conftest import make_project

    with time_machine.travel(TODAY, tick=False):
        report = plans.file_report(cast.node("1.1"), "2023-06", {"progress": "40"}, cast.reporter)
        project = make_project(cast, actual_start="2023-03-01", stage="在建")
        investment = submit_investment(project, {"period": "2023-06", "amount": "1000"})
        approval = save_approval(project, {"kind": "环评", "status": "办理中"})
        problem = save_problem(project, {"title": "资金未到位"})
        save_bond(project, {"state": "审核通过"})
        record = import_ledger(xlsx([["编号", "任务名称"], ["1.3", "新任务"]]), "台账.xlsx", "nodes",
                               cast.plan, cast.coordinator, dry_run=True)
        bulletin = bulletins.issue(cast.plan, "2023-06", cast.coordinator)
    return {"report": report.pk, "project": project.code, "investment": investment.pk,
            "approval": approval.pk, "problem": problem.pk, "record": record.record_id,
            "bulletin": bulletin.number, "dept": cast.dept.pk}
