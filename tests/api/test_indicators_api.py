"""Indicator fields (基数, 完成时限, 累计值), progress sources and statistics figures through the API."""

from __future__ import annotations

import json

import pytest

from shigongtu.plans import services
from shigongtu.plans.models import StatisticValue


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def fai(cast):
    return services.save_indicator(cast.node("1.2"), {"name": "固定资产投资", "unit": "亿元", "target": "222.5",
                                                      "cumulative": True})


@pytest.mark.parametrize(("role", "status"), [("coordinator", 200), ("reporter", 403), ("viewer", 403),
                                              ("outsider", 404)])
def test_only_the_plans_managers_record_statistics(cast, fai, role, status):
    response = put(cast.client(role), f"/api/v1/plans/JY-T/indicators/{fai.pk}/statistics",
                   {"period": "2023年1-6月", "value": "110.5", "yoy": "6.1"})
    assert response.status_code == status
    assert StatisticValue.objects.exists() == (status == 200)


def test_statistics_are_listed_and_a_bad_month_names_the_field(cast, fai):
    client = cast.client("coordinator")
    put(client, f"/api/v1/plans/JY-T/indicators/{fai.pk}/statistics", {"period": "2023-05", "value": 85.1})
    assert cast.client("viewer").get("/api/v1/plans/JY-T/statistics").json() == [
        {"indicator": "固定资产投资", "period": "2023-05", "value": "85.1000", "yoy": None, "version": 1}]
    response = put(client, f"/api/v1/plans/JY-T/indicators/{fai.pk}/statistics", {"period": "2024-01", "value": 1})
    assert response.status_code == 422
    assert StatisticValue.objects.count() == 1


def test_an_indicator_takes_baseline_due_and_cumulative_and_the_tree_shows_the_baseline(cast):
    client = cast.client("coordinator")
    response = client.post("/api/v1/plans/JY-T/nodes/2.1/indicators", data=json.dumps(
        {"name": "高新技术企业", "unit": "家", "kind": "stock", "target": 500, "baseline": 402, "due": "2023-12-31"}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["baseline"], body["due"], body["cumulative"]) == ("402", "2023-12-31", False)
    tree = client.get("/api/v1/plans/JY-T/tree?as_of=2023-06-30").json()
    ind = next(i for n in tree["nodes"] for i in n["indicators"])
    assert ind["baseline"] == 402 and ind["completion"] == 0


def test_a_stock_baseline_equal_to_its_target_is_refused_by_field(cast):
    response = cast.client("coordinator").post("/api/v1/plans/JY-T/nodes/2.1/indicators", data=json.dumps(
        {"name": "高新技术企业", "kind": "stock", "target": 500, "baseline": 500}), content_type="application/json")
    assert response.status_code == 422
    assert "baseline" in response.content.decode()


def test_a_node_takes_its_progress_source_through_the_api(cast):
    client = cast.client("coordinator")
    response = client.patch("/api/v1/plans/JY-T/nodes/1.2", data=json.dumps({"progress_source": "projects"}),
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["progress_source"] == "projects"
    response = client.patch("/api/v1/plans/JY-T/nodes/1.2", data=json.dumps({"progress_source": "indicator"}),
                            content_type="application/json")
    assert response.status_code == 422 and "progress_source" in response.content.decode()
