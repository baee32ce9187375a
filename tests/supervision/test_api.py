"""The supervision API: list with filters and counts, summary, map, registration and actions by role."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from shigongtu.supervision.models import ItemEvent, SupervisionItem

BASE = "/api/v1/plans/JY-T/supervision"


@pytest.fixture(autouse=True)
def _june() -> Any:
    with time_machine.travel(dt.datetime(2023, 6, 15, 10, tzinfo=dt.UTC)):
        yield


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_the_list_filters_and_counts_by_light(cast: Any, item: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        _post(cast.client("coordinator"), BASE, {"code": f"L-{n}", "title": f"事项{n}", "source": "审计",
                                                 "assigned_on": "2023-05-01", "deadline": "2023-06-01"})
    client = cast.client("viewer")
    with django_assert_max_num_queries(12):
        doc = client.get(BASE, {"source": "审计", "as_of": "2023-06-15"}).json()
    assert doc["count"] == 5 and doc["lights"]["red"] == 5
    assert {r["light"] for r in doc["results"]} == {"red"}
    # Dated explicitly: without ?as_of the plan's default date (the end of May here) is read.
    assert client.get(BASE, {"overdue": "1", "as_of": "2023-06-15"}).json()["count"] == 5
    assert client.get(BASE, {"light": "green", "as_of": "2023-06-15"}).json()["count"] == 1
    bad = client.get(BASE, {"source": "网络"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "source"


def test_summary_document_and_map(cast: Any, item: Any) -> None:
    client = cast.client("viewer")
    s = client.get(f"{BASE}/summary", {"as_of": "2023-07-01"}).json()
    assert s["summary"] == {"total": 1, "closed": 0, "done": 0, "overdue": 1, "closure_rate": 0.0}
    assert s["overdue_by_unit"][0]["unit"] == "项目服务中心"
    assert client.get(f"{BASE}/document").json()["items"][0]["code"] == "DC-1"
    assert client.get(f"{BASE}/map").json()["points"] == []


def test_the_lead_unit_acknowledges_and_the_coordinator_closes(cast: Any, item: Any) -> None:
    reporter, coordinator = cast.client("reporter"), cast.client("coordinator")
    assert _post(reporter, f"{BASE}/DC-1/acknowledge", {}).json()["status"] == "已签收"
    assert _post(reporter, f"{BASE}/DC-1/progress", {"text": "推进中", "evidence": "a.jpg"}).json()["status"] == "办理中"
    asked = _post(reporter, f"{BASE}/DC-1/extension", {"new_deadline": "2023-07-31", "text": "雨季"}).json()
    event = next(e for e in asked["events"] if e["kind"] == "extension_asked")
    decided = _post(coordinator, f"/api/v1/supervision-extensions/{event['id']}/decide", {"approve": True}).json()
    assert (decided["deadline"], decided["original_deadline"]) == ("2023-07-31", "2023-06-30")
    _post(reporter, f"{BASE}/DC-1/done", {"text": "完成", "evidence": "验收.zip"})
    for _ in range(4):
        doc = _post(coordinator, f"{BASE}/DC-1/review", {"approve": True}).json()
    assert doc["status"] == "已销号" and doc["closed_on"] == "2023-06-15"


def test_scope_outsider_404_viewer_403_other_unit_422(cast: Any, item: Any) -> None:
    from tests.conftest import make_user

    assert cast.client("outsider").get(f"{BASE}/DC-1").status_code == 404
    assert _post(cast.client("outsider"), f"{BASE}/DC-1/acknowledge", {}).status_code == 404
    assert _post(cast.client("viewer"), f"{BASE}/DC-1/acknowledge", {}).status_code == 403
    assert _post(cast.client("viewer"), BASE, {"code": "N", "title": "t"}).status_code == 403
    assert _post(cast.client("reporter"), f"{BASE}/DC-1/review", {}).status_code == 403
    make_user("tech", cast.other_dept, "reporter")
    from django.test import Client

    other = Client()
    other.login(username="tech", password="correct-horse-battery")
    response = _post(other, f"{BASE}/DC-1/acknowledge", {})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "lead_unit"
    assert SupervisionItem.objects.get(code="DC-1").status == "已交办"
    assert not ItemEvent.objects.filter(kind="acknowledged").exists()


def test_bad_registration_is_422_naming_the_field(cast: Any) -> None:
    response = _post(cast.client("coordinator"), BASE, {"code": "N", "title": "t", "assigned_on": "2023-06-01",
                                                        "deadline": "2023-05-01"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "deadline"
    assert not SupervisionItem.objects.exists()


def test_a_stale_version_is_409(cast: Any, item: Any) -> None:
    _post(cast.client("reporter"), f"{BASE}/DC-1/acknowledge", {"version": 1})
    assert _post(cast.client("coordinator"), f"{BASE}/DC-1/escalate", {"version": 1}).status_code == 409
