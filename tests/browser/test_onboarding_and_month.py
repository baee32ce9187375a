"""A new zone onboarded without the shell, in a real browser: an admin creates a unit and a person and
grants a role; a coordinator changes a plan setting and approves the month's reports in bulk; each
role lands on its own page. Screenshots in Chinese and English are kept in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Plan, Report
from tests.conftest import make_user
from tests.dashboard.conftest import add_dashboard_data


@pytest.fixture
def zone(transactional_db: Any, cast: Any) -> Any:
    add_dashboard_data(cast)
    make_user("zone-admin", cast.zone, "admin")
    return cast


def english(session: Any) -> None:
    session.context.add_cookies([{"name": "django_language", "value": "en", "url": session.base}])


def submit(page: Any, action: str) -> None:
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_an_admin_creates_a_unit_and_a_person_and_grants_a_role(zone: Any, open_session: Any) -> None:
    admin = open_session("zone-admin")
    admin.open("/people/")
    page = admin.page
    page.fill("input[name=unit-name]", "营商环境局")
    page.select_option("select[name=unit-parent]", str(zone.zone.pk))
    submit(page, "unit")
    assert page.get_by_text("单位已添加").count() == 1
    unit = OrgUnit.objects.get(name="营商环境局")
    page.fill("input[name=person-username]", "li.hua")
    page.fill("input[name=person-full_name]", "李华")
    page.select_option("select[name=person-unit]", str(unit.pk))
    page.select_option("select[name=person-role]", "reporter")
    page.fill("input[name=person-password]", "a-long-passphrase")
    submit(page, "person")
    page.get_by_role("link", name="li.hua").click()
    page.wait_for_load_state("networkidle")
    page.select_option("select[name=grant-unit]", str(zone.zone.pk))
    page.select_option("select[name=grant-role]", "viewer")
    submit(page, "grant")
    assert sorted(Membership.objects.filter(user__username="li.hua").values_list("role", flat=True)) == [
        "reporter", "viewer"]
    admin.open("/people/")
    admin.shot("people-zh.png", full_page=True)
    english(admin)
    admin.open("/people/")
    assert admin.page.get_by_role("heading", name="People and units").count() == 1
    admin.shot("people-en.png", full_page=True)
    assert admin.errors == []


def test_a_coordinator_lands_on_the_queue_changes_a_setting_and_approves_in_bulk(zone: Any,
                                                                                 open_session: Any) -> None:
    coordinator = open_session("coord")
    page = coordinator.page
    assert page.url.endswith("/plans/JY-T/review/")          # reports are waiting: the queue first
    coordinator.open("/plans/JY-T/settings/")
    page.fill("input[name=yellow_threshold]", "8")
    page.get_by_role("button", name="保存设置").click()
    page.wait_for_load_state("networkidle")
    assert Plan.objects.get(code="JY-T").yellow_threshold == 8
    coordinator.shot("settings-zh.png", full_page=True)
    coordinator.open("/plans/JY-T/review/")
    waiting = Report.objects.filter(node__plan__code="JY-T", status="submitted").count()
    assert waiting > 1
    coordinator.shot("review-zh.png", full_page=True)
    page.check("input[data-check-all]")
    page.get_by_role("button", name="批量通过").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(f"已通过 {waiting} 份月报").count() == 1
    assert not Report.objects.filter(node__plan__code="JY-T", status="submitted").exists()
    coordinator.open("/plans/JY-T/projects/P-1/records/")
    assert page.get_by_role("heading", name="前期手续").count() == 1
    coordinator.shot("records-zh.png", full_page=True)
    english(coordinator)
    coordinator.open("/plans/JY-T/settings/")
    assert page.get_by_role("button", name="Save the settings").count() == 1
    coordinator.shot("settings-en.png", full_page=True)
    coordinator.open("/plans/JY-T/review/")
    coordinator.shot("review-en.png", full_page=True)
    assert coordinator.errors == []


def test_each_role_lands_on_its_own_page(zone: Any, open_session: Any) -> None:
    assert open_session("viewer").page.url.endswith("/plans/JY-T/dashboard/")
    assert open_session("reporter").page.url.endswith("/my/")
    assert open_session("coord").page.url.endswith("/plans/JY-T/review/")
    lister = open_session("outsider")
    assert lister.page.get_by_role("heading", name="施工图列表").count() == 1
