"""Landing by role: each person starts where their work is; the plan list stays one click away."""

from __future__ import annotations

from typing import Any

from django.test import Client

from shigongtu.plans import services
from tests.conftest import PASSWORD, make_user


def test_a_leader_lands_on_the_plans_dashboard(cast: Any) -> None:
    assert cast.client("viewer").get("/")["Location"] == "/plans/JY-T/dashboard/"


def test_a_reporter_lands_on_my_tasks(cast: Any) -> None:
    assert cast.client("reporter").get("/")["Location"] == "/my/"


def test_a_coordinator_lands_on_the_review_queue_when_reports_wait(cast: Any) -> None:
    services.file_report(cast.node("1.1"), "2023-06", {"progress": 40})
    assert cast.client("coordinator").get("/")["Location"] == "/plans/JY-T/review/"


def test_a_coordinator_with_nothing_waiting_sees_the_plan_list(cast: Any) -> None:
    response = cast.client("coordinator").get("/")
    assert response.status_code == 200 and "测试施工图" in response.content.decode()


def test_a_department_viewer_is_not_a_leader_and_sees_the_plan_list(cast: Any) -> None:
    make_user("dept-viewer", cast.dept, "viewer")
    client = Client()
    client.force_login(make_user("dept-viewer-2", cast.dept, "viewer"))
    assert client.get("/").status_code == 200


def test_signing_in_takes_each_role_to_its_page(cast: Any) -> None:
    client = Client()
    client.post("/login/", {"username": "reporter", "password": PASSWORD})
    assert client.get("/")["Location"] == "/my/"


def test_the_plan_list_stays_one_click_away(cast: Any) -> None:
    body = cast.client("reporter").get("/my/").content.decode()
    assert 'href="/plans/"' in body
    assert cast.client("viewer").get("/plans/").status_code == 200
