"""The coordinator's month: the review queue filtered, and reports reviewed in bulk, all or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected
from shigongtu.plans import services
from shigongtu.plans.models import Report
from shigongtu.plans.reviews import review_many


@pytest.fixture
def filed(cast: Any) -> list[Report]:
    return [services.file_report(cast.node(code), "2023-06", {"progress": 40}) for code in ("1.1", "1.2", "2.1")]


def ticked(reports: list[Report]) -> list[str]:
    return [f"{r.pk}:{r.version}" for r in reports]


def test_bulk_approval_approves_every_ticked_report_and_records_each(cast: Any, filed: list[Report]) -> None:
    response = cast.client("coordinator").post("/plans/JY-T/review/bulk",
                                               {"decision": "approve", "report": ticked(filed[:2])}, follow=True)
    assert "已通过 2 份月报" in response.content.decode()
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in filed] == ["approved", "approved", "submitted"]
    assert AuditEntry.objects.filter(action="approve", object_type="report").count() == 2


def test_a_bulk_return_needs_a_reason(cast: Any, filed: list[Report]) -> None:
    response = cast.client("coordinator").post("/plans/JY-T/review/bulk",
                                               {"decision": "return", "report": ticked(filed)}, follow=True)
    assert "退回时请填写原因" in response.content.decode()
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_bulk_return_gives_every_report_the_reason(cast: Any, filed: list[Report]) -> None:
    cast.client("coordinator").post("/plans/JY-T/review/bulk",
                                    {"decision": "return", "reason": "请补充佐证材料", "report": ticked(filed)})
    assert set(Report.objects.values_list("return_reason", flat=True)) == {"请补充佐证材料"}


def test_a_batch_with_a_report_out_of_scope_is_refused_whole_naming_it(cast: Any, filed: list[Report]) -> None:
    other = services.create_plan("SY-T", "双阳测试", 2023, unit=cast.other_zone)
    services.save_node(other, "1", {"title": "外区任务"})
    foreign = services.file_report(other.nodes.get(code="1"), "2023-06", {"progress": 10})
    with pytest.raises(InputRejected) as exc:
        review_many(cast.plan, [(filed[0].pk, filed[0].version), (foreign.pk, foreign.version)], True,
                    user=cast.coordinator)
    assert f"#{foreign.pk}" in exc.value.problems[0].message
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_stale_report_refuses_the_whole_batch_naming_it(cast: Any, filed: list[Report]) -> None:
    with pytest.raises(Conflict) as exc:
        review_many(cast.plan, [(filed[0].pk, filed[0].version), (filed[1].pk, filed[1].version - 1)], True,
                    user=cast.coordinator)
    assert "1.2 2023-06" in str(exc.value)
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_stale_batch_on_the_page_says_which_report_changed(cast: Any, filed: list[Report]) -> None:
    response = cast.client("coordinator").post(
        "/plans/JY-T/review/bulk", {"decision": "approve", "report": [f"{filed[0].pk}:{filed[0].version + 5}"]},
        follow=True)
    assert "1.1 2023-06" in response.content.decode() and "整批未处理" in response.content.decode()


def test_viewers_and_reporters_cannot_review_in_bulk_and_outsiders_do_not_see_the_plan(
        cast: Any, filed: list[Report]) -> None:
    data = {"decision": "approve", "report": ticked(filed)}
    assert cast.client("viewer").post("/plans/JY-T/review/bulk", data).status_code == 403
    assert cast.client("reporter").post("/plans/JY-T/review/bulk", data).status_code == 403
    assert cast.client("outsider").post("/plans/JY-T/review/bulk", data).status_code == 404
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}


def test_the_queue_filters_by_unit_and_front(cast: Any, filed: list[Report]) -> None:
    client = cast.client("coordinator")
    by_unit = client.get(f"/plans/JY-T/review/?unit={cast.other_dept.pk}").content.decode()
    assert by_unit.count('class="review-row') == 1 and "企业梯度培育" in by_unit
    by_front = client.get("/plans/JY-T/review/?front=1").content.decode()
    assert by_front.count('class="review-row') == 2


def test_the_queue_filters_by_light(cast: Any, filed: list[Report]) -> None:
    body = cast.client("coordinator").get("/plans/JY-T/review/?light=done").content.decode()
    assert body.count('class="review-row') == 0


def test_every_waiting_row_has_a_box_to_tick_for_the_bulk_form(cast: Any, filed: list[Report]) -> None:
    body = cast.client("coordinator").get("/plans/JY-T/review/").content.decode()
    assert body.count('form="bulk-review"') >= 3 + 3  # three boxes, the reason and the two buttons
    assert 'id="bulk-review"' in body


def test_the_english_queue_labels_the_narrative_with_an_english_colon(cast: Any) -> None:
    services.file_report(cast.node("1.1"), "2023-06", {"progress": 40, "narrative": "主体施工"})
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    page = client.get("/plans/JY-T/review/").content.decode()
    assert "Progress this month: </span>主体施工" in page and "Progress this month：" not in page
