"""Every dashboard page and chart endpoint, tried by the whole cast: outsiders get 404, writes 405."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import ROLES

SEEN = {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}
CHARTS = ("investment", "lights", "fronts", "funnel", "ranking", "map")
PAGES = {
    "dashboard": ("/plans/JY-T/dashboard/", SEEN),
    "dashboard of a month": ("/plans/JY-T/dashboard/?as_of=2023-05", SEEN),
    "dashboard of a unit": ("/plans/JY-T/dashboard/?unit={dept}", SEEN),
    "dashboard with a bad date": ("/plans/JY-T/dashboard/?as_of=yesterday&unit=abc", SEEN),
    "big screen": ("/plans/JY-T/bigscreen/", SEEN),
    "big screen of a unit": ("/plans/JY-T/bigscreen/?unit={dept}&as_of=2023-06-30", SEEN),
    **{f"{name} chart": (f"/plans/JY-T/dashboard/charts/{name}.json?as_of=2023-06-30", SEEN) for name in CHARTS},
    "dark chart of a unit": ("/plans/JY-T/dashboard/charts/fronts.json?theme=dark&unit={dept}", SEEN),
    "unknown chart": ("/plans/JY-T/dashboard/charts/pie.json", {r: 404 for r in ROLES}),
    "dashboard of an unknown plan": ("/plans/NOPE/dashboard/", {r: 404 for r in ROLES}),
    "chart of an unknown plan": ("/plans/NOPE/dashboard/charts/map.json", {r: 404 for r in ROLES}),
    "my tasks": ("/my/", {r: 200 for r in ROLES}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_role_gets_what_it_should_from_every_dashboard_page(dash, role, page):
    url, expected = PAGES[page]
    response = dash.client(role).get(url.format(dept=dash.dept.pk))
    assert response.status_code == expected[role]
    if expected[role] == 200 and url.startswith("/plans/JY-T/dashboard/charts/"):
        assert response["Content-Type"] == "application/json"
        assert "series" in response.json()


@pytest.mark.parametrize("url", ["/plans/JY-T/dashboard/", "/plans/JY-T/bigscreen/",
                                 "/plans/JY-T/dashboard/charts/map.json", "/my/"])
def test_anonymous_visitors_are_sent_to_sign_in(cast, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/plans/JY-T/dashboard/", "/plans/JY-T/bigscreen/",
                                 "/plans/JY-T/dashboard/charts/lights.json", "/my/"])
def test_the_dashboard_pages_only_read(cast, role, url):
    assert cast.client(role).post(url).status_code == 405


def test_the_outsider_sees_nothing_of_the_plan_in_my_tasks(dash):
    body = dash.client("outsider").get("/my/").content.decode()
    assert "JY-T" not in body and "测试施工图" not in body


def test_the_unit_picker_offers_only_units_of_the_plan(dash):
    body = dash.client("viewer").get("/plans/JY-T/dashboard/").content.decode()
    assert "项目服务中心" in body and "科技创新局" in body
    assert "双阳区" not in body


def test_a_unit_from_another_zone_shows_the_whole_plan(dash):
    response = dash.client("viewer").get(f"/plans/JY-T/dashboard/?unit={dash.other_zone.pk}")
    assert response.status_code == 200
    assert response.context["d"].scope.ids is None


def test_the_navigation_links_the_dashboard_big_screen_and_my_tasks(dash):
    body = dash.client("reporter").get("/plans/JY-T/").content.decode()
    assert 'href="/plans/JY-T/dashboard/"' in body
    assert 'href="/plans/JY-T/bigscreen/"' in body
    assert 'href="/my/"' in body
    assert 'href="/plans/JY-T/ledgers/"' in body


@pytest.mark.parametrize("role", ["coordinator", "reporter", "viewer"])
def test_the_dashboard_menu_offers_review_exactly_to_those_who_may_manage(dash, role):
    from shigongtu.plans.models import Plan
    from shigongtu.web.views.common import may

    body = dash.client(role).get("/plans/JY-T/dashboard/").content.decode()
    manages = may(getattr(dash, role), Plan.objects.get(code="JY-T"), "manage")
    assert ('href="/plans/JY-T/review/"' in body) == manages
    if manages:
        assert '<span class="nav-count"' in body   # five reports wait for review
