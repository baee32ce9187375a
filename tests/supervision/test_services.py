"""The lifecycle through the services: roles, bad input (nothing written), history, concurrency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.supervision import services
from shigongtu.supervision.models import ItemEvent, SupervisionItem, SupervisionSettings


@pytest.fixture(autouse=True)
def _june() -> Any:
    with time_machine.travel(dt.datetime(2023, 6, 1, 10, tzinfo=dt.UTC)):
        yield


def test_it_registers_an_item_with_the_default_deadline_and_history(cast: Any) -> None:
    item = services.save_item(cast.plan, {"code": "PS-1", "title": "批示事项", "source": "领导批示",
                                          "lead_unit": cast.dept, "assigned_on": "2023-05-01"}, cast.coordinator)
    assert item.deadline == dt.date(2023, 5, 16) and item.original_deadline == item.deadline
    urgent = services.save_item(cast.plan, {"code": "PS-2", "title": "急件", "source": "领导批示", "doc_kind": "急件",
                                            "assigned_on": "2023-05-01"}, cast.coordinator)
    assert urgent.deadline == dt.date(2023, 5, 6)
    entry = AuditEntry.objects.filter(object_type="supervision_item", object_id=str(item.pk)).get()
    assert entry.changes["code"] == [None, "PS-1"]
    assert ItemEvent.objects.filter(item=item, kind="assigned").count() == 1


def test_the_whole_path_to_closure(cast: Any, item: Any) -> None:
    item = services.acknowledge(item, cast.reporter, on="2023-03-02")
    item = services.report_progress(item, "已完成苫盖50%", cast.reporter, on="2023-04-01", evidence="photo-1.jpg")
    item = services.apply_done(item, "已全部苫盖", "验收照片.zip", cast.reporter, on="2023-05-20")
    for step_day in ("2023-05-21", "2023-05-25", "2023-05-28"):
        item = services.review(item, True, cast.coordinator, on=step_day)
        assert item.status == "已办结"
    item = services.review(item, True, cast.coordinator, on="2023-05-30", person="王五（示例）")
    assert (item.status, item.closed_on) == ("已销号", dt.date(2023, 5, 30))
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == ["assigned", "acknowledged", "progress", "done", "review", "review", "review", "closed"]
    steps = list(item.events.filter(kind__in=("review", "closed")).values_list("step", flat=True))
    assert steps == ["自查", "区级验收", "主要领导审签", "销号报备"]
    assert AuditEntry.objects.filter(object_type="supervision_item", object_id=str(item.pk)).count() == len(kinds)


def test_the_review_steps_are_configurable_and_a_return_sends_it_back(cast: Any, item: Any) -> None:
    SupervisionSettings.objects.create(plan=cast.plan, review_steps=["区级验收"])
    services.acknowledge(item, cast.reporter)
    item = services.apply_done(item, "", "材料", cast.reporter)
    item = services.review(item, False, cast.coordinator, note="材料不全")
    assert item.status == "办理中"
    assert item.events.filter(kind="returned", text="材料不全").exists()
    item = services.apply_done(item, "", "补充材料", cast.reporter)
    item = services.review(item, True, cast.coordinator)
    assert item.status == "已销号"


def test_extension_before_the_deadline_keeps_the_original(cast: Any, item: Any) -> None:
    services.acknowledge(item, cast.reporter)
    event = services.request_extension(item, "2023-07-31", "雨季施工受限", cast.reporter)
    item = services.decide_extension(event, True, cast.coordinator)
    assert (item.deadline, item.original_deadline) == (dt.date(2023, 7, 31), dt.date(2023, 6, 30))


@pytest.mark.parametrize(("when", "new", "field"), [
    ("2023-07-01", "2023-08-31", "on"),  # after the deadline
    ("2023-06-01", "2023-06-20", "new_deadline"),  # earlier than the deadline
])
def test_a_late_or_earlier_extension_is_refused(cast: Any, item: Any, when: str, new: str, field: str) -> None:
    with pytest.raises(InputRejected) as exc:
        services.request_extension(item, new, "理由", cast.reporter, on=when)
    assert exc.value.problems[0].field == field
    assert not ItemEvent.objects.filter(kind="extension_asked").exists()


def test_a_remote_sensing_finding_is_not_closed_without_verification(cast: Any) -> None:
    item = services.save_item(cast.plan, {"code": "TB-1", "title": "裸露地面", "source": "遥感图斑",
                                          "lead_unit": cast.dept, "assigned_on": "2023-05-01",
                                          "deadline": "2023-06-30", "lng": "125.45", "lat": "43.80"}, cast.coordinator)
    SupervisionSettings.objects.create(plan=cast.plan, review_steps=["销号报备"])
    services.acknowledge(item, cast.reporter)
    item = services.apply_done(item, "", "苫盖照片", cast.reporter)
    with pytest.raises(InputRejected) as exc:
        services.review(item, True, cast.coordinator)
    assert exc.value.problems[0].field == "verification"
    assert SupervisionItem.objects.get(pk=item.pk).status == "已办结"
    item = services.verify(item, "生态环境分局", "2023-05-20", "张三", "现场照片.jpg", cast.reporter)
    assert services.review(item, True, cast.coordinator).status == "已销号"


def test_a_finding_needing_nothing_is_approved_after_verification(cast: Any) -> None:
    item = services.save_item(cast.plan, {"code": "TB-2", "title": "疑似违建", "source": "遥感图斑",
                                          "assigned_on": "2023-05-01", "deadline": "2023-06-30"}, cast.coordinator)
    with pytest.raises(InputRejected):
        services.mark_no_action(item, "误判", "核查照片", cast.coordinator)
    item = services.verify(item, "城管执法局", "2023-05-10", "李四", "p.jpg", cast.coordinator)
    item = services.mark_no_action(item, "实为合法临建", "核查照片", cast.coordinator)
    assert item.status == "无需整改"


def test_escalation_climbs_the_ladder(cast: Any, item: Any) -> None:
    for rung in ("提醒", "督办函", "约谈"):
        item = services.escalate(item, "逾期未办", cast.coordinator)
        assert item.escalation == rung
    with pytest.raises(InputRejected):
        services.escalate(item, "", cast.coordinator)


def test_bad_registrations_name_the_field_and_write_nothing(cast: Any) -> None:
    cases = [({"source": "网络舆情"}, "source"), ({"finding_type": "鱼塘"}, "finding_type"),
             ({"deadline": "2023-01-01"}, "deadline"), ({"status": "已销号"}, "closed_on"),
             ({"status": "已销号", "closed_on": "2023-01-01"}, "closed_on"),
             ({"lng": "2.3", "lat": "48.8"}, "lng"), ({"lng": "125°99′", "lat": "43"}, "lng")]
    for extra, field in cases:
        data = {"code": "X", "title": "t", "assigned_on": "2023-03-01", **extra}
        with pytest.raises(InputRejected) as exc:
            services.save_item(cast.plan, data, cast.coordinator)
        assert [p.field for p in exc.value.problems] == [field], extra
    assert not SupervisionItem.objects.exists()
    assert not AuditEntry.objects.filter(object_type="supervision_item").exists()


def test_roles(cast: Any, item: Any) -> None:
    from tests.conftest import make_user

    stranger = make_user("tech", cast.other_dept, "reporter")
    with pytest.raises(InputRejected) as exc:
        services.acknowledge(item, stranger)
    assert exc.value.problems[0].field == "lead_unit"
    with pytest.raises(NotAllowed):
        services.acknowledge(item, cast.viewer)
    with pytest.raises(NotAllowed):
        services.review(item, True, cast.reporter)
    with pytest.raises(NotAllowed):
        services.save_item(cast.plan, {"code": "Y", "title": "t"}, cast.reporter)
    assert SupervisionItem.objects.get(pk=item.pk).status == "已交办"


def test_a_stale_version_is_a_conflict(cast: Any, item: Any) -> None:
    services.acknowledge(item, cast.reporter, expected_version=1)
    with pytest.raises(Conflict):
        services.escalate(item, "", cast.coordinator, expected_version=1)
