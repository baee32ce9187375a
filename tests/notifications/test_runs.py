"""A run end to end: a returned report reaches the clerk's 企业微信 group and inbox in one run, a
督办 item near its deadline warns its unit and, overdue, escalates to its leader; running twice
sends nothing twice; failures retry with back-off; digests, the daily cap and quiet hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from shigongtu.audit.models import AuditEntry
from shigongtu.notifications import runs, services, sources
from shigongtu.notifications.channels import CHANNELS
from shigongtu.notifications.dispatch import dispatch
from shigongtu.notifications.models import Contact, Delivery, Notice
from shigongtu.orgs.models import Membership
from shigongtu.plans import services as plan_services
from shigongtu.plans.selectors import compute_warnings
from shigongtu.projects.selectors.warnings import lights_by_project, project_warnings
from shigongtu.projects.services.approvals import save_approval
from shigongtu.supervision import services as supervision_services
from tests.notifications.sink import Sink
from tests.projects.conftest import make_project

JUNE_10 = dt.date(2023, 6, 10)


def rule(cast: Any, kind: str, channels: list[str], roles: list[str] | None = None, **extra: Any) -> Any:
    return services.save_rule(cast.plan, {"kind": kind, "roles": roles or ["reporter"], "channels": channels,
                                          **extra}, cast.coordinator)


def returned(cast: Any, code: str, period: str = "2023-05") -> Any:
    report = plan_services.file_report(cast.node(code), period, {"progress": 40}, cast.reporter)
    return plan_services.review_report(report, False, cast.coordinator, reason="请补充现场照片")


def test_a_returned_report_reaches_the_clerks_wecom_group_and_inbox_in_one_run(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    result = runs.run(cast.plan, JUNE_10)
    notice = Notice.objects.get(recipient=cast.reporter)
    assert notice.kind == "report_returned" and "1.1 春季开工" in notice.title and "请补充现场照片" in notice.title
    assert result["notices"] == 1 and result["deliveries"] == {"sent": 1}
    [message] = robots.received
    assert message.path == "/wecom" and "1.1 春季开工" in message.body["markdown"]["content"]
    assert set(Delivery.objects.values_list("channel", "status")) == {("inbox", "sent"), ("wecom", "sent")}


def test_running_twice_sends_nothing_twice(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    runs.run(cast.plan, JUNE_10)
    again = runs.run(cast.plan, JUNE_10)
    assert again["notices"] == 0 and again["deliveries"] == {}
    assert len(robots.received) == 1 and Notice.objects.count() == 1


def test_a_report_returned_again_after_a_resubmission_is_a_new_notice(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", [])
    returned(cast, "1.1")
    runs.run(cast.plan, JUNE_10)
    returned(cast, "1.1")
    assert runs.run(cast.plan, JUNE_10)["notices"] == 1


def test_a_supervision_item_near_its_deadline_warns_its_unit_then_escalates_to_its_leader(
        cast: Any, robots: Sink, item: Any) -> None:
    leader = get_user_model().objects.create_user(username="zhenghai", first_name="郑海")
    Membership.objects.create(user=leader, unit=cast.zone, role="viewer")
    rule(cast, "supervision_due", ["dingtalk"])
    rule(cast, "supervision_overdue", [], escalate_after=3)
    runs.run(cast.plan, dt.date(2023, 6, 28))
    near = Notice.objects.get(kind="supervision_due")
    assert near.recipient == cast.reporter and "还有2天" in near.title
    assert "timestamp" in robots.received[-1].query
    runs.run(cast.plan, dt.date(2023, 7, 2))  # 2 days over: the unit hears, the leader not yet
    assert not Notice.objects.filter(escalated=True).exists()
    runs.run(cast.plan, dt.date(2023, 7, 3))
    up = Notice.objects.get(escalated=True)
    assert up.recipient == leader and "提请责任领导督办" in up.title
    assert Notice.objects.filter(kind="supervision_overdue", escalated=False).count() == 1


def test_a_closed_item_raises_nothing(cast: Any, item: Any) -> None:
    rule(cast, "supervision_due", [])
    supervision_services.save_item(cast.plan, {"code": "DC-1", "title": "扬尘整治", "status": "已办结",
                                               "lead_unit": cast.dept, "deadline": "2023-06-30"},
                                   cast.coordinator, item=item)
    assert runs.run(cast.plan, dt.date(2023, 6, 28))["notices"] == 0


def test_a_failing_webhook_is_logged_and_retried_with_back_off(cast: Any, robots: Sink, settings: Any) -> None:
    settings.NOTIFY_MAX_ATTEMPTS = 2
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    robots.status = 500
    assert runs.run(cast.plan, JUNE_10)["deliveries"] == {"retry": 1}
    d = Delivery.objects.get(channel="wecom")
    assert d.error == "HTTP 500 Internal Server Error" and d.attempts == 1 and d.next_attempt_at > timezone.now()
    assert dispatch() == {}  # not due yet
    assert dispatch(now=d.next_attempt_at) == {"failed": 1}
    d.refresh_from_db()
    assert d.status == "failed" and d.attempts == 2
    assert AuditEntry.objects.filter(object_type="notice_delivery", object_id=str(d.pk)).count() == 2


def test_a_retry_that_gets_through_is_sent(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    robots.delay = 1.5  # slower than the 0.5 s timeout
    runs.run(cast.plan, JUNE_10)
    d = Delivery.objects.get(channel="wecom")
    assert d.status == "retry" and "timed out" in d.error
    robots.delay = 0
    assert dispatch(now=d.next_attempt_at) == {"sent": 1}


def test_many_notices_to_one_group_go_as_one_digest(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    returned(cast, "1.2")
    runs.run(cast.plan, JUNE_10)
    [message] = robots.received
    content = message.body["markdown"]["content"]
    assert "今日 2 条" in content and "1.1 春季开工" in content and "1.2 重点项目开工" in content
    assert set(Delivery.objects.filter(channel="wecom").values_list("digest", flat=True)) == {True}


def test_a_group_robot_says_a_topic_once_for_all_its_members(cast: Any, robots: Sink) -> None:
    rule(cast, "report_returned", ["wecom"], roles=["reporter", "coordinator"])
    returned(cast, "1.1")
    runs.run(cast.plan, JUNE_10)
    assert Notice.objects.count() == 2 and len(robots.received) == 1
    assert "今日" not in robots.received[0].body["markdown"]["content"]


def test_beyond_the_daily_cap_a_notice_stays_in_the_inbox_only(cast: Any, robots: Sink, settings: Any) -> None:
    settings.NOTIFY_DAILY_CAP = 1
    Contact.objects.create(user=cast.reporter, mobile="13800000000")
    rule(cast, "report_returned", ["sms"])
    returned(cast, "1.1")
    runs.run(cast.plan, JUNE_10)
    returned(cast, "1.2")
    assert runs.run(cast.plan, JUNE_10)["deliveries"] == {"capped": 1}
    assert Notice.objects.filter(recipient=cast.reporter).count() == 2


def test_quiet_hours_hold_outside_messages_but_not_the_inbox(cast: Any, robots: Sink, settings: Any) -> None:
    now = timezone.localtime()
    settings.NOTIFY_QUIET_HOURS = (f"{(now - dt.timedelta(hours=1)):%H:%M}-"
                                   f"{(now + dt.timedelta(hours=1)):%H:%M}")
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    assert runs.run(cast.plan, JUNE_10)["deliveries"] == {"held": 1}
    assert robots.received == [] and Delivery.objects.get(channel="inbox").status == "sent"
    assert Delivery.objects.get(channel="wecom").next_attempt_at > timezone.now()


def test_a_channel_with_nowhere_to_send_is_logged_as_skipped(cast: Any, settings: Any) -> None:
    settings.NOTIFY_WECOM_ROBOTS = {}
    rule(cast, "report_returned", ["wecom", "email"])
    returned(cast, "1.1")
    runs.run(cast.plan, JUNE_10)
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("inbox", "sent"), ("wecom", "skipped"), ("email", "skipped")}


@pytest.mark.parametrize(("kind", "warning_kinds", "light"), [("report_overdue", {"missing_report"}, "yellow"),
                                                             ("node_red", {"lag", "overdue"}, "red")])
def test_the_blueprints_rules_raise_exactly_what_the_warnings_page_shows(
        cast: Any, kind: str, warning_kinds: set[str], light: str) -> None:
    rule(cast, kind, [], roles=["coordinator"])
    runs.run(cast.plan, JUNE_10)
    shown = {w.code for w in compute_warnings(cast.plan, JUNE_10) if w.kind in warning_kinds and w.light == light}
    assert shown and set(Notice.objects.filter(kind=kind).values_list("object_id", flat=True)) == shown


def test_a_report_due_in_n_days_reminds_the_leaves_still_missing_it(cast: Any) -> None:
    rule(cast, "report_due", [], days=3)
    plan_services.file_report(cast.node("1.2"), "2023-05", {"progress": 40}, cast.reporter)
    assert runs.run(cast.plan, dt.date(2023, 6, 1))["notices"] == 0  # 4 days before the 5th
    runs.run(cast.plan, dt.date(2023, 6, 2))
    assert set(Notice.objects.values_list("object_id", flat=True)) == {"1.1"}  # 1.2 reported; 2.1 not the reporter's


def test_the_project_rules_raise_exactly_what_the_project_warnings_show(cast: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(sources, "PROJECT_CHUNK", 2)  # chunked reads give the same answer as one read
    make_project(cast, "U", planned_start="2023-02-20", stage="前期")  # red: months past its planned start
    make_project(cast, "S", total_investment=800, actual_start="2023-04-10", stage="在建")
    waiting = make_project(cast, "B", planned_start="2023-09-01", stage="前期")
    save_approval(waiting, {"kind": "用地预审与选址", "status": "已取得", "issued_on": "2023-01-05",
                            "valid_until": "2023-07-20"})
    rule(cast, "project_red", [], roles=["coordinator"])
    rule(cast, "approval_expiring", [], roles=["coordinator"])
    day = dt.date(2023, 7, 1)
    runs.run(cast.plan, day)
    found = project_warnings(cast.plan, day)
    red = {code for code, light in lights_by_project(found).items() if light == "red"}
    assert red and set(Notice.objects.filter(kind="project_red").values_list("object_id", flat=True)) == red
    assert set(Notice.objects.filter(kind="approval_expiring").values_list("object_id", flat=True)) == {
        "B/用地预审与选址"}


def test_a_second_run_while_the_first_is_sending_sends_nothing_twice(cast: Any, robots: Sink,
                                                                    monkeypatch: Any) -> None:
    rule(cast, "report_returned", ["wecom"])
    returned(cast, "1.1")
    runs.raise_notices(cast.plan, JUNE_10, runs.evaluate_each(cast.plan, JUNE_10).__next__())
    channel = CHANNELS["wecom"]
    meanwhile: list[dict[str, int]] = []
    real_send = channel.send

    def send_and_run_again(target: str, message: Any) -> None:
        meanwhile.append(dispatch())  # another `shigongtu notify` starting now finds the delivery leased
        real_send(target, message)

    monkeypatch.setattr(channel, "send", send_and_run_again)
    assert dispatch() == {"sent": 1}
    assert meanwhile == [{}] and len(robots.received) == 1
