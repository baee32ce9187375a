"""The notification pages: the bell and the inbox for everyone, the rules and the send log for
the plan's coordinators (viewers 403, outsiders 404); query counts pinned; English whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from shigongtu.notifications import runs, services
from shigongtu.notifications.models import Delivery, Notice, NotificationRule
from shigongtu.plans import services as plan_services
from tests.roles import MANAGE, READ, Endpoint, assert_roles

PLAN = "/plans/{plan}/notifications"
EVERYONE = {r: 200 for r in READ}
PAGES = [
    Endpoint("inbox", "/notifications/", EVERYONE),
    Endpoint("bell", "/notifications/bell", EVERYONE),
    Endpoint("rules", f"{PLAN}/rules", MANAGE),
    Endpoint("send log", f"{PLAN}/log", MANAGE),
    Endpoint("run now", f"{PLAN}/run", {**MANAGE, "coordinator": 302}, method="post"),
]


@pytest.fixture
def returned(cast: Any, settings: Any) -> Notice:
    """A rule on returned reports (inbox and 企业微信), a returned report, one run: the reporter's notice."""
    settings.NOTIFY_WECOM_ROBOTS = {}
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": ["wecom"]},
                       cast.coordinator)
    report = plan_services.file_report(cast.node("1.1"), "2023-05", {"progress": 40}, cast.reporter)
    plan_services.review_report(report, False, cast.coordinator, reason="请补充现场照片")
    runs.run(cast.plan, dt.date(2023, 6, 10))
    return Notice.objects.get(recipient=cast.reporter)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_role_gets_what_is_declared(cast: Any, page: Endpoint) -> None:
    assert_roles(cast, page)


def test_the_bell_counts_the_unread(cast: Any, returned: Notice) -> None:
    body = cast.client("reporter").get("/notifications/bell").content.decode()
    assert 'class="topbar-bell-count">1<' in body
    assert "topbar-bell-count" not in cast.client("viewer").get("/notifications/bell").content.decode()


def test_every_page_carries_the_bell_without_a_query_for_it(cast: Any) -> None:
    body = cast.client("reporter").get("/my/").content.decode()
    assert 'hx-get="/notifications/bell"' in body


def test_the_inbox_shows_the_notice_and_opening_it_marks_it_read(cast: Any, returned: Notice) -> None:
    client = cast.client("reporter")
    assert "1.1 春季开工" in client.get("/notifications/").content.decode()
    answer = client.get(f"/notifications/{returned.pk}/open")
    assert answer.status_code == 302 and answer["Location"] == f"/plans/{cast.plan.code}/nodes/1.1/"
    returned.refresh_from_db()
    assert returned.read_at is not None


def test_someone_elses_notice_is_not_found(cast: Any, returned: Notice) -> None:
    assert cast.client("viewer").get(f"/notifications/{returned.pk}/open").status_code == 404


def test_mark_all_read(cast: Any, returned: Notice) -> None:
    cast.client("reporter").post("/notifications/read")
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_the_coordinator_sees_the_send_log(cast: Any, returned: Notice) -> None:
    body = cast.client("coordinator").get(f"/plans/{cast.plan.code}/notifications/log").content.decode()
    assert "月报被退回" in body and "无发送地址" in body and "站内信" in body


def test_a_coordinator_adds_a_rule_and_a_bad_one_names_its_field(cast: Any) -> None:
    client = cast.client("coordinator")
    url = f"/plans/{cast.plan.code}/notifications/rules"
    ok = client.post(url, {"kind": "supervision_overdue", "escalate_after": "5", "roles": ["reporter"],
                           "channels": ["dingtalk"], "enabled": "on"})
    assert ok.status_code == 302
    rule = NotificationRule.objects.get()
    assert rule.escalate_after == 5 and rule.channels == ["inbox", "dingtalk"]
    bad = client.post(url, {"kind": "nope", "days": "400", "roles": ["boss"]})
    assert bad.status_code == 422
    text = bad.content.decode()
    assert "请选择提醒类型" in text and "提前天数应为 0–90 的整数" in text and NotificationRule.objects.count() == 1


def test_a_stale_edit_is_a_conflict(cast: Any) -> None:
    rule = services.save_rule(cast.plan, {"kind": "node_red", "roles": ["coordinator"]}, cast.coordinator)
    services.save_rule(cast.plan, {"kind": "node_red", "roles": ["coordinator"], "days": 2}, cast.coordinator, rule)
    answer = cast.client("coordinator").post(f"/plans/{cast.plan.code}/notifications/rules",
                                             {"rule": rule.pk, "version": "1", "action": "toggle"})
    assert answer.status_code == 409


def test_the_send_log_query_count_does_not_grow_with_its_rows(cast: Any, returned: Notice,
                                                               django_assert_max_num_queries: Any) -> None:
    client = cast.client("coordinator")
    client.get(f"/plans/{cast.plan.code}/notifications/log")
    with django_assert_max_num_queries(12):
        client.get(f"/plans/{cast.plan.code}/notifications/log")
    reporter = cast.client("reporter")
    reporter.get("/notifications/")
    with django_assert_max_num_queries(8):
        reporter.get("/notifications/")


def test_the_pages_read_whole_in_english(cast: Any, returned: Notice) -> None:
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        log = client.get(f"/plans/{cast.plan.code}/notifications/log", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        rules = client.get(f"/plans/{cast.plan.code}/notifications/rules", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send log" in log and "Report returned" in log and "No address" in log
    assert "Notification rules" in rules and "Add rule" in rules
    assert Delivery.objects.filter(status="skipped").exists()


def test_the_send_log_and_rules_let_words_wrap_so_every_column_stays_on_screen(cast: Any, returned: Notice) -> None:
    client = cast.client("coordinator")
    log = client.get(f"/plans/{cast.plan.code}/notifications/log").content.decode()
    rules = client.get(f"/plans/{cast.plan.code}/notifications/rules").content.decode()
    assert "col-wide" not in log and '<td class="nowrap">净月' not in log
    assert '<td><span class="muted">对象的责任单位</span></td>' in rules  # a rule's row, wrapping
    assert '<td class="nowrap">统筹协调' not in rules and '<td class="nowrap"><span class="muted">对象的责任单位' not in rules
