"""Each role in a real browser: what it sees, the dashboard's charts without console errors, the
big screen, the tree, the project page and the report form on a phone (screenshots kept)."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import add_dashboard_data


@pytest.fixture
def plan_data(transactional_db, cast):
    return add_dashboard_data(cast)


def test_each_role_signs_in_and_sees_what_it_should(plan_data, open_session):
    coordinator = open_session("coord")
    coordinator.open("/plans/JY-T/dashboard/")
    nav = coordinator.page.locator("#sidenav")
    assert nav.get_by_role("link", name="审核").count() == 1
    assert nav.get_by_role("link", name="驾驶舱").count() == 1

    reporter = open_session("reporter")
    reporter.open("/plans/JY-T/dashboard/")
    assert reporter.page.locator("#sidenav").get_by_role("link", name="审核").count() == 0
    reporter.open("/my/")
    assert reporter.page.locator(".my-item-title", has_text="春季开工").count() == 1
    assert reporter.page.locator(".my-item-title", has_text="企业梯度培育").count() == 0   # another unit's
    reporter.shot("my-tasks.png")

    viewer = open_session("viewer")
    viewer.open("/plans/JY-T/dashboard/")
    assert viewer.page.locator(".dash-kpi").count() == 2
    assert viewer.page.locator("#sidenav").get_by_role("link", name="审核").count() == 0

    outsider = open_session("outsider")
    assert outsider.open("/plans/JY-T/dashboard/").status == 404
    assert outsider.open("/plans/JY-T/bigscreen/").status == 404
    outsider.open("/")
    assert outsider.page.get_by_text("测试施工图").count() == 0
    for session in (coordinator, reporter, viewer):
        assert session.errors == []


def test_the_dashboard_draws_its_charts_without_console_errors(plan_data, open_session):
    leader = open_session("viewer")
    leader.open("/plans/JY-T/dashboard/")
    assert leader.charts_drawn() == 2          # investment and map
    assert leader.page.locator(".dash-front").count() == 2
    assert leader.errors == []
    path = leader.shot("dashboard.png")
    leader.shot("dashboard-full.png", full_page=True)
    assert path.stat().st_size > 10_000
    # a lagging task is one click away: the red warning opens its node page
    leader.page.locator(".dash-warning--red a").first.click()
    leader.page.wait_for_load_state("networkidle")
    assert leader.page.url.endswith("/plans/JY-T/nodes/1.1/")
    # and the front's red count opens the tree filtered to the front's red tasks
    leader.page.go_back()
    leader.page.locator(".count--red").first.click()
    leader.page.wait_for_load_state("networkidle")
    assert "light=red" in leader.page.url and leader.page.locator("tr[data-code='1.1']").count() == 1
    leader.shot("tree-filtered.png")
    assert leader.errors == []


def test_the_unit_picker_narrows_the_dashboard(plan_data, open_session):
    leader = open_session("viewer")
    leader.open("/plans/JY-T/dashboard/")
    with leader.page.expect_navigation():
        leader.page.select_option("#dash-unit", label="科技创新局")
    assert "unit=" in leader.page.url
    assert leader.page.locator(".dash-front").count() == 1
    assert leader.errors == []


def test_the_department_ranking_sorts_by_a_column(plan_data, open_session):
    leader = open_session("viewer")
    leader.open("/plans/JY-T/dashboard/")
    header = leader.page.locator(".dash-rank th", has_text="红灯")
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    reds = leader.page.locator(".dash-rank tbody td:nth-child(5)").evaluate_all(
        "cells => cells.map(c => parseFloat(c.dataset.value))")
    assert reds == sorted(reds, reverse=True)
    header.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"


def test_the_big_screen_fills_a_1920_by_1080_wall(plan_data, open_session):
    wall = open_session("viewer", viewport={"width": 1920, "height": 1080})
    wall.open("/plans/JY-T/bigscreen/")
    assert wall.page.locator("body.bigscreen").count() == 1
    assert wall.page.locator("meta[http-equiv=refresh]").get_attribute("content") == "300"
    assert wall.charts_drawn() == 3
    height = wall.page.evaluate("document.documentElement.scrollHeight")
    assert height <= 1080
    wall.shot("bigscreen.png")
    assert wall.errors == []


def test_the_tree_and_the_project_page(plan_data, open_session):
    coordinator = open_session("coord")
    coordinator.open("/plans/JY-T/?as_of=2023-06-30")
    assert coordinator.page.locator("tr[data-code='1.1']").count() == 1
    coordinator.shot("tree.png")
    response = coordinator.open("/plans/JY-T/projects/P-1/")
    if response is not None and response.status == 200:
        coordinator.shot("project.png")
    assert coordinator.errors == []


def test_a_reporter_files_a_report_from_a_phone(plan_data, open_session):
    phone = open_session("reporter", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                         device_scale_factor=2)
    phone.open("/plans/JY-T/nodes/1.1/#report-panel")
    form = phone.page.locator("#report-panel form").first
    form.scroll_into_view_if_needed()
    phone.shot("report-form-mobile.png")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert phone.errors == []

