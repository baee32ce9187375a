"""Supervision pages: the list (filters, counts, pinned queries), the item page and its actions by role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from shigongtu.supervision import services
from shigongtu.supervision.models import SupervisionItem

LIST = "/plans/JY-T/supervision/"


@pytest.fixture(autouse=True)
def _june() -> Any:
    with time_machine.travel(dt.datetime(2023, 6, 15, 10, tzinfo=dt.UTC)):
        yield


def _many(cast: Any, n: int) -> None:
    for i in range(n):
        services.save_item(cast.plan, {"code": f"M-{i:03d}", "title": f"事项{i}", "source": "审计",
                                       "lead_unit": cast.other_dept, "assigned_on": "2023-05-01",
                                       "deadline": "2023-06-01" if i % 2 else "2023-08-01"}, cast.coordinator)


def test_the_list_shows_counts_and_filters_with_a_fixed_number_of_queries(cast: Any, item: Any,
                                                                           django_assert_max_num_queries: Any) -> None:
    _many(cast, 60)
    client = cast.client("viewer")
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(16):
        response = client.get(LIST, {"source": "审计", "light": "red", "as_of": "2023-06-15"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "M-001" in body and "M-002" not in body and "DC-1" not in body
    assert "督办与整改" in body and "销号率" in body


def test_the_list_in_english_has_no_chinese_labels(cast: Any, item: Any) -> None:
    import re

    client = cast.client("viewer")
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    for url in (LIST, f"{LIST}DC-1/"):
        body = client.get(url).content.decode()
        assert "Supervision" in body
        main = body.split("<main", 1)[1]
        text = re.sub(r"<[^>]+>", " ", main)
        chinese = set(re.findall(r"[\u4e00-\u9fff]+", text))
        assert chinese <= {"测试施工图", "扬尘整治", "项目服务中心", "科技创新局", "郑海", "示例"}, chinese


def test_outsider_gets_404_and_viewer_cannot_act(cast: Any, item: Any) -> None:
    assert cast.client("outsider").get(LIST).status_code == 404
    assert cast.client("outsider").get(f"{LIST}DC-1/").status_code == 404
    viewer = cast.client("viewer")
    page = viewer.get(f"{LIST}DC-1/").content.decode()
    assert "签收" not in page.split("办理过程")[1]
    assert viewer.post(f"{LIST}DC-1/acknowledge", {}).status_code == 403
    assert SupervisionItem.objects.get(code="DC-1").status == "已交办"


def test_the_lead_unit_acknowledges_and_the_coordinator_reviews_on_the_page(cast: Any, item: Any) -> None:
    reporter = cast.client("reporter")
    assert "签收" in reporter.get(f"{LIST}DC-1/").content.decode()
    response = reporter.post(f"{LIST}DC-1/acknowledge", {"version": "1"})
    assert response.status_code == 302
    reporter.post(f"{LIST}DC-1/done", {"text": "完成", "evidence": "验收.zip"})
    coordinator = cast.client("coordinator")
    page = coordinator.get(f"{LIST}DC-1/").content.decode()
    assert "自查" in page and "退回重办" in page
    coordinator.post(f"{LIST}DC-1/return", {"text": "材料不全"})
    assert SupervisionItem.objects.get(code="DC-1").status == "办理中"


def test_a_refused_action_comes_back_as_a_message_and_writes_nothing(cast: Any, item: Any) -> None:
    reporter = cast.client("reporter")
    reporter.post(f"{LIST}DC-1/acknowledge", {})
    response = reporter.post(f"{LIST}DC-1/extension", {"new_deadline": "2023-06-01", "text": "x"}, follow=True)
    assert "须晚于现时限" in response.content.decode()
    assert not SupervisionItem.objects.get(code="DC-1").events.filter(kind="extension_asked").exists()
