"""The project API: every role on every endpoint, validation (422 naming the field), conflicts (409)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from shigongtu.projects.models import Project
from shigongtu.projects.services.approvals import save_approval
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.investment import submit_investment
from shigongtu.projects.services.problems import save_problem
from tests.projects.conftest import make_project

ALL = {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}
BASE = "/api/v1/plans/JY-T/projects"
EXPECTED = {
    # name: (method, url, body, {role: status})
    "list": ("get", BASE, None, ALL),
    "list filtered": ("get", f"{BASE}?stage=在建&light=green&sort=-total_investment&q=测试", None, ALL),
    "warnings": ("get", f"{BASE}/warnings?as_of=2023-06-30", None, ALL),
    "detail": ("get", f"{BASE}/P-001", None, ALL),
    "project warnings": ("get", f"{BASE}/P-001/warnings", None, ALL),
    "create": ("post", BASE, {"code": "P-NEW", "name": "新项目", "total_investment": "1.5亿"},
               {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
    "update": ("patch", f"{BASE}/P-001", {"leader": "张三", "version": 1},
               {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "delete": ("delete", f"{BASE}/P-EMPTY", None, {"coordinator": 204, "reporter": 403, "viewer": 403, "outsider": 404}),
    "stage": ("post", f"{BASE}/P-001/stage", {"stage": "竣工", "on": "2023-07-01"},
              {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "stage elsewhere": ("post", f"{BASE}/P-ELSE/stage", {"stage": "前期"},
                        {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "reports": ("get", f"{BASE}/P-001/reports", None, ALL),
    "submit report": ("post", f"{BASE}/P-001/reports", {"period": "2023-06", "amount": "800"},
                      {"coordinator": 201, "reporter": 201, "viewer": 403, "outsider": 404}),
    "approve report": ("post", "/api/v1/project-reports/{report}/approve", {},
                       {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "return report": ("post", "/api/v1/project-reports/{report}/return", {"reason": "请补充"},
                      {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "approvals": ("get", f"{BASE}/P-001/approvals", None, ALL),
    "add approval": ("post", f"{BASE}/P-001/approvals", {"kind": "稳评", "status": "办理中"},
                     {"coordinator": 201, "reporter": 201, "viewer": 403, "outsider": 404}),
    "update approval": ("patch", "/api/v1/project-approvals/{approval}", {"status": "已取得", "issued_on": "2023-03-01", "version": 1},
                        {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "delete approval": ("delete", "/api/v1/project-approvals/{approval}", None,
                        {"coordinator": 204, "reporter": 204, "viewer": 403, "outsider": 404}),
    "problems": ("get", f"{BASE}/P-001/problems", None, ALL),
    "add problem": ("post", f"{BASE}/P-001/problems", {"title": "用电未接入", "deadline": "2023-08-01"},
                    {"coordinator": 201, "reporter": 201, "viewer": 403, "outsider": 404}),
    "update problem": ("patch", "/api/v1/project-problems/{problem}", {"status": "已解决", "resolution": "已接入", "version": 1},
                       {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "bonds": ("get", "/api/v1/plans/JY-T/bonds", None, ALL),
    "bond": ("get", f"{BASE}/P-001/bond", None, ALL),
    "save bond": ("put", f"{BASE}/P-001/bond", {"requested_amount": "6000", "version": 2},
                  {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "bond state": ("post", f"{BASE}/P-001/bond/state", {"stage": "已发行"},
                   {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "bond quota": ("post", f"{BASE}/P-001/bond/quotas", {"amount": "100", "date": "2023-06-01", "batch": "第二批"},
                   {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
    "bond disbursement": ("post", f"{BASE}/P-001/bond/disbursements", {"amount": "100", "date": "2023-06-10"},
                          {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
}


def _call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def world(cast):
    with time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)):
        p = make_project(cast, actual_start="2023-03-01", stage="在建")
        make_project(cast, "P-ELSE", lead_unit=cast.other_dept)
        make_project(cast, "P-EMPTY")
        report = submit_investment(p, {"period": "2023-05", "amount": "1000"})
        approval = save_approval(p, {"kind": "环评", "status": "办理中"})
        problem = save_problem(p, {"title": "资金未到位"})
        bond = save_bond(p, {"state": "审核通过"})
        add_movement(bond, "quota", {"amount": "3000", "date": "2023-03-01", "batch": "第一批"})
    return {"report": report.pk, "approval": approval.pk, "problem": problem.pk}


@pytest.mark.parametrize("role", ["coordinator", "reporter", "viewer", "outsider"])
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_every_role_gets_what_it_should_from_every_endpoint(cast, world, role, endpoint):
    method, url, body, expected = EXPECTED[endpoint]
    with time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)):
        response = _call(cast.client(role), method, url.format(**world), body)
    assert response.status_code == expected[role], response.content


def test_anonymous_requests_are_refused(cast, world):
    from django.test import Client

    assert Client().get(BASE).status_code == 401


def test_bad_input_is_422_naming_the_field_and_writes_nothing(cast, world):
    client = cast.client("coordinator")
    response = _call(client, "post", BASE, {"code": "P-X", "name": "坏", "owner_credit_code": "91220101MA0Y4L7Q61",
                                           "lng": "10", "lat": "10", "total_investment": "-1"})
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == {"owner_credit_code", "lng", "total_investment"}
    assert not Project.objects.filter(code="P-X").exists()


def test_an_unknown_filter_value_is_422(cast, world):
    response = cast.client("viewer").get(f"{BASE}?stage=施工中")
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "stage"


def test_a_stale_version_is_409(cast, world):
    response = _call(cast.client("coordinator"), "patch", f"{BASE}/P-001", {"leader": "李四", "version": 99})
    assert response.status_code == 409 and response.json()["current_version"] == 1


def test_the_list_is_paginated_and_sorted(cast, world):
    for i in range(5):
        make_project(cast, f"Q-{i}", total_investment=1000 * (i + 1))
    body = cast.client("viewer").get(f"{BASE}?page_size=3&page=2&sort=-total_investment").json()
    assert body["count"] == 8 and body["pages"] == 3 and body["page"] == 2
    assert [r["code"] for r in body["results"]] == ["Q-4", "Q-3", "Q-2"]  # after the three of 10,000


def test_the_list_filters_by_node_and_text(cast, world):
    make_project(cast, "N-1", name="生命健康产业园", nodes="1.1")
    client = cast.client("viewer")
    assert [r["code"] for r in client.get(f"{BASE}?node=1").json()["results"]] == ["N-1"]
    assert [r["code"] for r in client.get(f"{BASE}?q=生命健康").json()["results"]] == ["N-1"]


def test_the_list_takes_the_same_queries_for_3_or_33_projects(cast, world, django_assert_num_queries):
    client = cast.client("viewer")
    url = f"{BASE}?page_size=50&as_of=2023-06-30&sort=-total_investment"
    client.get(url)
    # session, user, scope, plan, rules, count, page, its nodes; the page's warnings (9: projects,
    # rules, investment, approvals, problems, bonds) give each project its light (contract §4)
    with django_assert_num_queries(17):
        assert len(client.get(url).json()["results"]) == 3
    for i in range(30):
        make_project(cast, f"Q-{i:02d}", nodes="1.1")
    with django_assert_num_queries(17):
        assert len(client.get(url).json()["results"]) == 33


@pytest.mark.parametrize("fields", [
    {},
    {"stage": "前期", "planned_start": "2023-02-01", "annual_plan": "3000"},              # late to start: red
    {"stage": "在建", "actual_start": "2022-11-05", "total_investment": "80000"},        # 开工未入库
    {"stage": "在建", "actual_start": "2023-03-01", "annual_plan": "5000", "in_statistics": "是"},  # nothing done
])
def test_a_project_created_over_rest_answers_with_the_lights_a_read_gives_it(cast, world, fields):
    client = cast.client("coordinator")
    created = client.post(BASE, json.dumps({"code": "P-LIT", "name": "灯色", **fields}),
                          content_type="application/json")
    assert created.status_code == 201, created.content
    read = client.get(f"{BASE}/P-LIT").json()
    body = created.json()
    assert (body["light"], body["lights"]) == (read["light"], read["lights"])
