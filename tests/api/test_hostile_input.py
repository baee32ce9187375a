"""The fuzzer's findings, kept: every hostile input is a 422 naming the field, and nothing is written."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Node


def _send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _fields(response):
    return [p["field"] for p in response.json()["detail"]]


@pytest.fixture
def indicator(cast):
    return services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 10})


@pytest.mark.parametrize("target", ["1e30", "0.00001", 1e30, "-5", "NaN", "Infinity"])
def test_a_target_out_of_range_is_a_422_and_the_plan_still_reads(cast, indicator, target):
    url = f"/api/v1/plans/JY-T/indicators/{indicator.pk}"
    response = _send(cast.client("coordinator"), "patch", url, {"target": target, "version": indicator.version})
    assert response.status_code == 422
    assert _fields(response) == ["target"]
    assert Indicator.objects.get(pk=indicator.pk).target == 10
    assert cast.client("viewer").get("/api/v1/plans/JY-T/tree").status_code == 200


@pytest.mark.parametrize("query", ["limit=-1", "limit=100000", "offset=-5", "offset=99999999999999999999"])
def test_odd_limits_and_offsets_are_a_422_naming_the_parameter(cast, query):
    response = cast.client("viewer").get(f"/api/v1/plans/JY-T/reports?{query}")
    assert response.status_code == 422
    assert _fields(response) == [query.split("=")[0]]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_an_as_of_outside_1900_to_2100_is_a_422_naming_it(cast, as_of):
    for url in ("/api/v1/plans/JY-T/tree", "/api/v1/plans/JY-T/warnings", "/api/v1/plans/JY-T/projects"):
        response = cast.client("viewer").get(f"{url}?as_of={as_of}")
        assert response.status_code == 422, url
        assert _fields(response) == ["as_of"]


def test_a_null_cancelled_is_a_422_and_the_node_is_unchanged(cast):
    response = _send(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1",
                     {"cancelled": None, "version": 1})
    assert response.status_code == 422
    assert _fields(response) == ["cancelled"]
    assert Node.objects.get(plan=cast.plan, code="1.1").cancelled is False


@pytest.mark.parametrize("text", ["春季\x00开工", "春季\x07开工", "\u202e工开季春"])
def test_control_characters_are_refused_naming_the_field(cast, text):
    before = AuditEntry.objects.count()
    response = _send(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1",
                     {"title": text, "version": 1})
    assert response.status_code == 422
    assert _fields(response) == ["title"]
    assert "控制字符" in response.json()["detail"][0]["message"]
    assert Node.objects.get(plan=cast.plan, code="1.1").title == "春季开工"
    assert AuditEntry.objects.count() == before


def test_a_nul_in_a_query_or_path_is_a_422_not_a_500(cast):
    assert cast.client("viewer").get("/api/v1/plans/JY-T/reports?status=%00").status_code == 422
    assert cast.client("viewer").get("/api/v1/plans/JY%00T/tree").status_code == 422


def test_a_nul_in_a_page_form_is_refused_and_nothing_written(cast):
    client = cast.client("coordinator")
    multipart = client.post("/plans/JY-T/nodes/1.1/edit", {"title": "a\x00b"})  # the field tables' rule
    encoded = client.post("/plans/JY-T/nodes/1.1/edit", "title=a%00b", content_type="application/x-www-form-urlencoded")
    assert (multipart.status_code, encoded.status_code) == (422, 400)
    assert Node.objects.get(plan=cast.plan, code="1.1").title == "春季开工"


def test_a_huge_amount_is_a_422_naming_it(cast):
    response = _send(cast.client("coordinator"), "post", "/api/v1/plans/JY-T/projects",
                     {"code": "P-9", "name": "示例项目", "total_investment": "1e20"})
    assert response.status_code == 422
    assert "total_investment" in _fields(response)


def test_an_id_beyond_any_row_is_a_422_not_an_overflow(cast):
    assert cast.client("viewer").get("/api/v1/reports/99999999999999999999999").status_code == 422


def test_a_patch_without_version_is_a_422_naming_version(cast):
    response = _send(cast.client("coordinator"), "patch", "/api/v1/plans/JY-T/nodes/1.1", {"title": "改名"})
    assert response.status_code == 422
    assert _fields(response) == ["version"]
    assert Node.objects.get(plan=cast.plan, code="1.1").title == "春季开工"


def test_a_partial_report_edit_keeps_the_narrative(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 20, "narrative": "完成土方",
                                  "problems": "征地", "next_steps": "开工"}, user=cast.reporter, submit=False)
    response = _send(cast.client("reporter"), "patch", f"/api/v1/reports/{report.pk}",
                     {"progress": 30, "version": report.version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert Decimal(body["progress"]) == 30
    assert (body["narrative"], body["problems"], body["next_steps"]) == ("完成土方", "征地", "开工")


def test_the_openapi_document_declares_refusals_and_bounds(cast):
    doc = cast.client("viewer").get("/api/v1/openapi.json").json()
    patch = doc["paths"]["/api/v1/plans/{code}/nodes/{node_code}"]["patch"]
    assert {"400", "401", "403", "404", "409", "422"} <= set(patch["responses"])
    reports = doc["paths"]["/api/v1/plans/{code}/reports"]["get"]
    limit = next(p for p in reports["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 1000)
