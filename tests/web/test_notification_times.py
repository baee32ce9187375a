"""A notice shows when it was raised (and, on the send log, when it was sent), in Chinese
date-time and in English — the same moment on the inbox page, the send log and the API, never the
date the run was evaluated for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from shigongtu.notifications import runs, services
from shigongtu.plans import services as plan_services

RAISED = dt.datetime(2023, 7, 15, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai, a month after the run's date


@pytest.fixture
def raised(cast: Any, settings: Any) -> None:
    settings.NOTIFY_WECOM_ROBOTS = {}
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter", "coordinator"],
                                   "channels": []}, cast.coordinator)
    report = plan_services.file_report(cast.node("1.1"), "2023-05", {"progress": 40}, cast.reporter)
    plan_services.review_report(report, False, cast.coordinator, reason="请补充现场照片")
    with time_machine.travel(RAISED, tick=False):
        runs.run(cast.plan, dt.date(2023, 6, 10))


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def test_the_inbox_shows_the_time_the_notice_was_raised_not_the_runs_date(cast: Any, raised: None) -> None:
    page = cast.client("reporter").get("/notifications/").content.decode()
    assert "2023年7月15日 09:30" in page and "提醒时间" in page and "2023-06-10" not in page
    page = english(cast.client("reporter")).get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "15 Jul 2023 09:30" in page and "Raised at" in page and "2023年" not in page


def test_the_bells_drop_down_lists_the_newest_notices_with_the_same_time(cast: Any, raised: None,
                                                                         django_assert_max_num_queries: Any) -> None:
    client = cast.client("reporter")
    client.get("/notifications/bell")
    with django_assert_max_num_queries(5):  # session, user, the notices, the unread count
        bell = client.get("/notifications/bell").content.decode()
    assert "1.1 春季开工" in bell and "2023年7月15日 09:30" in bell and 'href="/notifications/"' in bell
    bell = english(cast.client("reporter")).get("/notifications/bell", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "15 Jul 2023 09:30" in bell and "See all notices" in bell


def test_the_send_log_shows_the_send_time_in_chinese_and_in_english(cast: Any, raised: None) -> None:
    log = f"/plans/{cast.plan.code}/notifications/log"
    assert "2023年7月15日 09:30" in cast.client("coordinator").get(log).content.decode()
    page = english(cast.client("coordinator")).get(log, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "15 Jul 2023 09:30" in page


def test_the_api_gives_the_same_moment_as_the_pages(cast: Any, raised: None) -> None:
    [notice] = cast.client("reporter").get("/api/v1/notifications").json()["notices"]
    assert dt.datetime.fromisoformat(notice["created_at"]) == RAISED
    assert notice["created_at_text"] == "2023年7月15日 09:30"
    [notice] = english(cast.client("reporter")).get("/api/v1/notifications",
                                                    HTTP_ACCEPT_LANGUAGE="en").json()["notices"]
    assert notice["created_at_text"] == "15 Jul 2023 09:30"
    log = cast.client("coordinator").get(f"/api/v1/plans/{cast.plan.code}/notification-log").json()
    assert {d["sent_at_text"] for d in log["deliveries"]} == {"2023年7月15日 09:30"}
