"""The blueprint API: every endpoint tried by the whole cast, validation, conflicts."""

from __future__ import annotations

import json

import pytest

from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Report

EXPECTED = {
    # name: (method, url, body, {role: status})
    "list plans": ("get", "/api/v1/plans", None, {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 200}),
    "plan": ("get", "/api/v1/plans/JY-T", None, {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "tree": ("get", "/api/v1/plans/JY-T/tree?as_of=2023-06-30", None,
             {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "warnings": ("get", "/api/v1/plans/JY-T/warnings?as_of=2023-06-30", None,
                 {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "nodes": ("get", "/api/v1/plans/JY-T/nodes", None,
              {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "node": ("get", "/api/v1/plans/JY-T/nodes/1.1", None,
             {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "create node": ("post", "/api/v1/plans/JY-T/nodes", {"code": "1.3", "title": "新任务"},
                    {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
    "edit node": ("patch", "/api/v1/plans/JY-T/nodes/1.2", {"title": "改名", "version": 1},
                  {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "move node": ("post", "/api/v1/plans/JY-T/nodes/1.2/move", {"parent": "2"},
                  {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "delete node": ("delete", "/api/v1/plans/JY-T/nodes/1.2", None,
                    {"coordinator": 204, "reporter": 403, "viewer": 403, "outsider": 404}),
    "indicators": ("get", "/api/v1/plans/JY-T/indicators", None,
                   {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "create indicator": ("post", "/api/v1/plans/JY-T/nodes/1.1/indicators",
                         {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30},
                         {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
    "file report": ("post", "/api/v1/plans/JY-T/nodes/1.1/reports", {"period": "2023-04", "progress": 30},
                    {"coordinator": 201, "reporter": 201, "viewer": 403, "outsider": 404}),
    "file report elsewhere": ("post", "/api/v1/plans/JY-T/nodes/2.1/reports", {"period": "2023-04", "progress": 30},
                              {"coordinator": 201, "reporter": 403, "viewer": 403, "outsider": 404}),
    "node reports": ("get", "/api/v1/plans/JY-T/nodes/1.1/reports", None,
                     {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "review queue": ("get", "/api/v1/plans/JY-T/reports?status=submitted", None,
                     {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "report": ("get", "/api/v1/reports/{report}", None,
               {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "approve": ("post", "/api/v1/reports/{report}/approve", {},
                {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "return": ("post", "/api/v1/reports/{report}/return", {"reason": "请补充"},
               {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
}


def _call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("role", ["coordinator", "reporter", "viewer", "outsider"])
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_every_role_gets_what_it_should_from_every_endpoint(cast, role, endpoint):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 20})
    method, url, body, expected = EXPECTED[endpoint]
    response = _call(cast.client(role), method, url.format(report=report.pk), body)
    assert response.status_code == expected[role], response.content


def test_anonymous_requests_are_refused(cast):
    from django.test import Client

    assert Client().get("/api/v1/plans").status_code == 401


def test_the_outsider_does_not_see_the_plan_in_the_list(cast):
    codes = [p["code"] for p in cast.client("outsider").get("/api/v1/plans").json()]
    assert "JY-T" not in codes


def test_a_token_authenticates(cast):
    from django.test import Client

    from shigongtu.orgs.services import issue_token

    token = issue_token(cast.viewer)
    response = Client().get("/api/v1/plans/JY-T", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert Client().get("/api/v1/plans/JY-T", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_a_bad_progress_is_a_422_naming_the_field(cast):
    response = _call(cast.client("reporter"), "post", "/api/v1/plans/JY-T/nodes/1.1/reports",
                     {"period": "2023-04", "progress": 140})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "progress"
    assert not Report.objects.exists()


def test_a_due_before_start_is_a_422(cast):
    response = _call(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1",
                     {"start": "2023-05-01", "due": "2023-04-01", "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "due"


def test_a_negative_weight_is_a_422_in_the_field_tables_wording(cast):
    response = _call(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1", {"weight": -1, "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"message": "权重应为不小于0的数：-1", "field": "weight", "value": "-1"}]


def test_a_malformed_date_is_a_422_not_a_500(cast):
    response = _call(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1", {"due": "明年", "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "due"


def test_a_stale_version_is_a_409(cast):
    client = cast.client("coordinator")
    version = client.get("/api/v1/plans/JY-T/nodes/1.1").json()["version"]
    assert _call(client, "patch", "/api/v1/plans/JY-T/nodes/1.1", {"title": "甲", "version": version}).status_code == 200
    response = _call(client, "patch", "/api/v1/plans/JY-T/nodes/1.1", {"title": "乙", "version": version})
    assert response.status_code == 409
    assert client.get("/api/v1/plans/JY-T/nodes/1.1").json()["title"] == "甲"


def test_an_unknown_lead_unit_is_a_422(cast):
    response = _call(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1", {"lead_unit": "火星局", "version": 1})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "lead_unit"


def test_a_lead_unit_of_another_zone_is_not_found(cast):
    services.ensure_unit("双阳区财政局", cast.other_zone, OrgUnit.Kind.DEPARTMENT)
    response = _call(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1", {"lead_unit": "双阳区财政局", "version": 1})
    assert response.status_code == 422


def test_the_tree_endpoint_follows_the_contract_shape(cast):
    services.file_report(cast.node("1.1"), "2023-04", {"progress": 50})
    doc = cast.client("viewer").get("/api/v1/plans/JY-T/tree?as_of=2023-04-30").json()
    assert doc["plan"] == "JY-T" and doc["as_of"] == "2023-04-30"
    node = next(n for n in doc["nodes"] if n["code"] == "1.1")
    assert set(node) >= {"code", "parent", "title", "weight", "start", "due", "progress", "expected", "light",
                         "indicators"}
    assert node["parent"] == "1" and node["progress"] == 50


def test_the_tree_can_be_limited_to_the_top_levels(cast):
    doc = cast.client("viewer").get("/api/v1/plans/JY-T/tree?as_of=2023-04-30&depth=0").json()
    assert [n["code"] for n in doc["nodes"]] == ["1", "2"]


def test_the_openapi_document_is_served(cast):
    response = cast.client("viewer").get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/plans/{code}/tree" in response.json()["paths"]


def test_deleting_a_node_with_reports_is_refused(cast):
    services.file_report(cast.node("1.1"), "2023-03", {"progress": 20})
    response = cast.client("coordinator").delete("/api/v1/plans/JY-T/nodes/1.1")
    assert response.status_code == 422


def test_creating_a_node_takes_a_pinned_number_of_queries(cast, django_assert_max_num_queries):
    client = cast.client("coordinator")
    # session, user, grants, plan; the plan locked and re-checked; the node and its parent;
    # the insert; the history (head, entry, head); the revision (UPDATE … RETURNING), its journal;
    # in a test the transaction is a savepoint and its release (13 statements when served)
    with django_assert_max_num_queries(14):
        response = client.post("/api/v1/plans/JY-T/nodes", json.dumps({"code": "1.3", "title": "新任务"}),
                               content_type="application/json")
    assert response.status_code == 201 and response.json()["code"] == "1.3"


def test_creating_a_node_whose_code_is_taken_is_a_422_naming_the_code(cast):
    response = cast.client("coordinator").post("/api/v1/plans/JY-T/nodes", json.dumps({"code": "1.1", "title": "重复"}),
                                               content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "code"
