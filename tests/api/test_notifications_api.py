"""The notifications API: the inbox for everyone (their own only), rules and the send log for the
plan's coordinators (viewers 403, outsiders 404); bad input names its field; query counts pinned."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from shigongtu.notifications import runs, services
from shigongtu.notifications.models import Notice, NotificationRule
from shigongtu.plans import services as plan_services
from tests.roles import MANAGE, READ, Endpoint, assert_roles

API = "/api/v1"
EVERYONE = {r: 200 for r in READ}
ENDPOINTS = [
    Endpoint("inbox", f"{API}/notifications", EVERYONE),
    Endpoint("unread", f"{API}/notifications/unread", EVERYONE),
    Endpoint("rules", f"{API}/plans/{{plan}}/notification-rules", MANAGE),
    Endpoint("send log", f"{API}/plans/{{plan}}/notification-log", MANAGE),
]


@pytest.fixture
def returned(cast: Any, settings: Any) -> Notice:
    settings.NOTIFY_WECOM_ROBOTS = {}
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": ["wecom"]},
                       cast.coordinator)
    report = plan_services.file_report(cast.node("1.1"), "2023-05", {"progress": 40}, cast.reporter)
    plan_services.review_report(report, False, cast.coordinator, reason="请补充现场照片")
    runs.run(cast.plan, dt.date(2023, 6, 10))
    return Notice.objects.get(recipient=cast.reporter)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_every_role_gets_what_is_declared(cast: Any, endpoint: Endpoint) -> None:
    assert_roles(cast, endpoint)


def test_the_inbox_holds_the_persons_own_notices_and_marks_them_read(cast: Any, returned: Notice) -> None:
    client = cast.client("reporter")
    doc = client.get(f"{API}/notifications").json()
    assert doc["unread"] == 1 and doc["notices"][0]["kind"] == "report_returned"
    assert cast.client("viewer").get(f"{API}/notifications").json()["total"] == 0
    answer = client.post(f"{API}/notifications/read", json.dumps({"ids": [returned.pk]}),
                         content_type="application/json")
    assert answer.json() == {"marked": 1} and client.get(f"{API}/notifications/unread").json() == {"unread": 0}


def test_the_send_log_lists_rule_object_recipient_channel_status_and_read_at(cast: Any, returned: Notice,
                                                                           django_assert_max_num_queries: Any) -> None:
    client = cast.client("coordinator")
    client.get(f"{API}/plans/{cast.plan.code}/notification-log")
    with django_assert_max_num_queries(10):
        doc = client.get(f"{API}/plans/{cast.plan.code}/notification-log").json()
    rows = {d["channel"]: d for d in doc["deliveries"]}
    assert rows["inbox"]["status"] == "sent" and rows["wecom"]["status"] == "skipped"
    assert rows["inbox"]["object"] == "1.1" and rows["inbox"]["recipient"] == "reporter"
    assert {"rule", "sent_at", "error", "read_at"} <= set(rows["inbox"])


def test_a_coordinator_creates_changes_and_deletes_a_rule(cast: Any) -> None:
    client = cast.client("coordinator")
    url = f"{API}/plans/{cast.plan.code}/notification-rules"
    made = client.post(url, json.dumps({"kind": "supervision_overdue", "escalate_after": 7, "roles": ["reporter"],
                                        "channels": ["dingtalk", "sms"]}), content_type="application/json")
    assert made.status_code == 201 and made.json()["channels"] == ["inbox", "dingtalk", "sms"]
    rule_id = made.json()["id"]
    changed = client.put(f"{url}/{rule_id}", json.dumps({"kind": "supervision_overdue", "escalate_after": 3,
                                                         "roles": ["reporter"], "version": 1}),
                         content_type="application/json")
    assert changed.json()["escalate_after"] == 3 and changed.json()["version"] == 2
    stale = client.put(f"{url}/{rule_id}", json.dumps({"kind": "supervision_overdue", "roles": ["reporter"],
                                                       "version": 1}), content_type="application/json")
    assert stale.status_code == 409
    assert client.delete(f"{url}/{rule_id}?version=2").status_code == 204
    assert not NotificationRule.objects.exists()


def test_a_bad_rule_names_each_field_and_writes_nothing(cast: Any) -> None:
    answer = cast.client("coordinator").post(
        f"{API}/plans/{cast.plan.code}/notification-rules",
        json.dumps({"kind": "weather", "days": 500, "roles": [], "channels": ["pigeon"], "unit": "月球"}),
        content_type="application/json")
    assert answer.status_code == 422
    fields = {p["field"] for p in answer.json()["detail"]}
    assert fields == {"kind", "days", "roles", "channels", "unit"} and not NotificationRule.objects.exists()
