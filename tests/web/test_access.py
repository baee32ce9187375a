"""Every page and every write, tried by the whole cast: outsiders get 404, read-only users 403."""

from __future__ import annotations

import pytest
from django.test import Client

from shigongtu.plans import services
from shigongtu.plans.models import Report
from tests.conftest import ROLES
from tests.web.conftest import HTMX

PAGES = {
    # name: (url, {role: status})
    "landing (each role's own work, else the plan list)": (
        "/", {"coordinator": 200, "reporter": 302, "viewer": 302, "outsider": 200}),
    "plan list at /plans/": ("/plans/", {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 200}),
    "plan tree": ("/plans/JY-T/?as_of=2023-06-30", {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "tree children": ("/plans/JY-T/tree/children?parent=1&as_of=2023-06-30",
                      {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "warnings": ("/plans/JY-T/warnings/?as_of=2023-06-30",
                 {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "review queue": ("/plans/JY-T/review/", {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "node page": ("/plans/JY-T/nodes/1.1/", {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "node page of another unit": ("/plans/JY-T/nodes/2.1/",
                                  {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}),
    "unknown plan": ("/plans/NOPE/", {"coordinator": 404, "reporter": 404, "viewer": 404, "outsider": 404}),
    "unknown node": ("/plans/JY-T/nodes/9.9/", {"coordinator": 404, "reporter": 404, "viewer": 404, "outsider": 404}),
}

REPORT = {"period": "2023-06", "progress": "40", "narrative": "按计划推进", "action": "submit"}
WRITES = {
    # name: (url, data, {role: status}); HTMX posts answer 200 with the refreshed panel
    "file a report": ("/plans/JY-T/nodes/1.1/reports", REPORT,
                      {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "file a report for another unit's node": ("/plans/JY-T/nodes/2.1/reports", REPORT,
                                              {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "open a draft for editing": ("/plans/JY-T/nodes/1.1/report-form?report={draft}", None,
                                 {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "edit a node": ("/plans/JY-T/nodes/1.2/edit", {"version": "1", "title": "改名", "weight": "1"},
                    {"coordinator": 302, "reporter": 403, "viewer": 403, "outsider": 404}),
    "approve a report": ("/plans/JY-T/reports/{submitted}/review", {"decision": "approve"},
                         {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
    "return a report": ("/plans/JY-T/reports/{submitted}/review", {"decision": "return", "reason": "请补充"},
                        {"coordinator": 200, "reporter": 403, "viewer": 403, "outsider": 404}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_role_gets_what_it_should_from_every_page(cast, role, page):
    url, expected = PAGES[page]
    response = cast.client(role).get(url)
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_role_gets_what_it_should_from_every_write(cast, role, write):
    draft = services.file_report(cast.node("1.1"), "2023-05", {"progress": 10}, submit=False)
    submitted = services.file_report(cast.node("1.1"), "2023-04", {"progress": 5})
    url, data, expected = WRITES[write]
    url = url.format(draft=draft.pk, submitted=submitted.pk)
    client = cast.client(role)
    response = client.get(url, **HTMX) if data is None else client.post(url, data, **HTMX)
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_a_refused_write_changes_nothing(cast, role):
    submitted = services.file_report(cast.node("1.1"), "2023-04", {"progress": 5})
    client = cast.client(role)
    client.post("/plans/JY-T/nodes/1.1/reports", REPORT, **HTMX)
    client.post("/plans/JY-T/nodes/1.2/edit", {"version": "1", "title": "改名", "weight": "1"})
    client.post(f"/plans/JY-T/reports/{submitted.pk}/review", {"decision": "approve"}, **HTMX)
    assert Report.objects.count() == 1
    assert Report.objects.get().status == Report.Status.SUBMITTED
    assert cast.node("1.2").title == "重点项目开工"


def test_anonymous_visitors_are_sent_to_sign_in(cast):
    response = Client().get("/plans/JY-T/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/plans/JY-T/")


def test_anonymous_posts_are_sent_to_sign_in_and_write_nothing(cast):
    response = Client().post("/plans/JY-T/nodes/1.1/reports", REPORT)
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_the_outsider_does_not_see_the_plan_in_the_list(cast):
    response = cast.client("outsider").get("/")
    assert "JY-T" not in response.content.decode()
    assert "暂无可查看的施工图" in response.content.decode()


def test_only_coordinators_see_the_review_link(cast):
    assert "/plans/JY-T/review/" in cast.client("coordinator").get("/plans/JY-T/").content.decode()
    for role in ("reporter", "viewer"):
        assert "/plans/JY-T/review/" not in cast.client(role).get("/plans/JY-T/").content.decode()
