"""People pages: an admin onboards units, people and roles on pages, scoped to their unit and below."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shigongtu.audit.models import AuditEntry
from shigongtu.orgs.models import Membership, OrgUnit
from tests.conftest import make_user


@pytest.fixture
def admin(cast: Any) -> Client:
    client = Client()
    client.force_login(make_user("zone-admin", cast.zone, "admin"))
    return client


def test_an_admin_adds_a_unit_on_the_page(cast: Any, admin: Client) -> None:
    response = admin.post("/people/", {"action": "unit", "unit-name": "营商环境局", "unit-kind": "department",
                                       "unit-parent": cast.zone.pk})
    assert response.status_code == 302
    assert OrgUnit.objects.filter(name="营商环境局", parent=cast.zone).exists()


def test_an_admin_adds_a_person_with_a_role_and_the_person_signs_in(cast: Any, admin: Client) -> None:
    response = admin.post("/people/", {"action": "person", "person-username": "li.hua", "person-full_name": "李华",
                                       "person-unit": cast.dept.pk, "person-role": "reporter",
                                       "person-password": "a-long-passphrase"})
    assert response.status_code == 302
    assert Client().login(username="li.hua", password="a-long-passphrase")
    assert "李华" in admin.get("/people/").content.decode()


def test_a_taken_username_shows_on_the_form_and_writes_nothing(cast: Any, admin: Client) -> None:
    before = get_user_model().objects.count()
    response = admin.post("/people/", {"action": "person", "person-username": "reporter", "person-unit": cast.dept.pk,
                                       "person-role": "reporter", "person-password": "a-long-passphrase"})
    assert response.status_code == 422
    assert "已被使用" in response.content.decode()
    assert get_user_model().objects.count() == before


def test_a_weak_password_shows_the_validators_message(cast: Any, admin: Client) -> None:
    response = admin.post("/people/", {"action": "person", "person-username": "li.hua", "person-unit": cast.dept.pk,
                                       "person-role": "reporter", "person-password": "12345678"})
    assert response.status_code == 422
    assert not get_user_model().objects.filter(username="li.hua").exists()


def test_granting_and_revoking_a_role_on_the_persons_page(cast: Any, admin: Client) -> None:
    url = f"/people/users/{cast.reporter.pk}/"
    assert admin.post(url, {"action": "grant", "grant-unit": cast.other_dept.pk, "grant-role": "viewer"}).status_code == 302
    membership = Membership.objects.get(user=cast.reporter, unit=cast.other_dept)
    assert admin.post(url, {"action": "revoke", "membership": membership.pk}).status_code == 302
    assert list(AuditEntry.objects.filter(object_type="membership", object_id=str(membership.pk))
                .values_list("action", flat=True)) == ["grant", "revoke"]


def test_revoking_the_last_admin_is_refused_with_a_message(cast: Any, admin: Client) -> None:
    membership = Membership.objects.get(user__username="zone-admin", role="admin")
    response = admin.post(f"/people/units/{cast.zone.pk}/", {"action": "revoke", "membership": membership.pk},
                          follow=True)
    assert "最后一位管理员" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_moving_a_unit_under_its_descendant_is_refused_on_the_form(cast: Any, admin: Client) -> None:
    child = OrgUnit(name="一科", parent=cast.dept)
    child.save()
    response = admin.post(f"/people/units/{cast.dept.pk}/", {"action": "move", "move-parent": child.pk})
    assert response.status_code == 422  # the descendant is not even offered
    cast.dept.refresh_from_db()
    assert cast.dept.parent_id == cast.zone.pk


def test_renaming_and_deactivating_a_unit(cast: Any, admin: Client) -> None:
    url = f"/people/units/{cast.dept.pk}/"
    admin.post(url, {"action": "rename", "rename-name": "重点项目服务中心"})
    admin.post(url, {"action": "deactivate"})
    cast.dept.refresh_from_db()
    assert (cast.dept.name, cast.dept.is_active) == ("重点项目服务中心", False)


def test_resetting_a_password_and_deactivating_a_person(cast: Any, admin: Client) -> None:
    url = f"/people/users/{cast.reporter.pk}/"
    assert admin.post(url, {"action": "password", "password-password": "short"}).status_code == 422
    admin.post(url, {"action": "password", "password-password": "another-long-passphrase"})
    admin.post(url, {"action": "deactivate"})
    cast.reporter.refresh_from_db()
    assert cast.reporter.check_password("another-long-passphrase") and not cast.reporter.is_active


@pytest.mark.parametrize("role", ["coordinator", "reporter", "viewer", "outsider"])
def test_people_pages_are_for_admins_only(cast: Any, role: str) -> None:
    client = cast.client(role)
    assert client.get("/people/").status_code == 403
    expected = 404 if role == "outsider" else 403
    assert client.get(f"/people/units/{cast.dept.pk}/").status_code == expected


def test_an_admin_of_another_zone_sees_nothing_of_this_one(cast: Any) -> None:
    client = Client()
    client.force_login(make_user("sy-admin", cast.other_zone, "admin"))
    assert client.get(f"/people/units/{cast.dept.pk}/").status_code == 404
    assert client.get(f"/people/users/{cast.reporter.pk}/").status_code == 404
    assert f"/people/users/{cast.reporter.pk}/" not in client.get("/people/").content.decode()


def test_the_menu_offers_people_to_admins_only(cast: Any, admin: Client) -> None:
    assert 'href="/people/"' in admin.get("/plans/").content.decode()
    assert 'href="/people/"' not in cast.client("coordinator").get("/plans/").content.decode()


def test_the_people_page_is_whole_in_english(cast: Any, admin: Client) -> None:
    admin.cookies["django_language"] = "en"
    body = admin.get("/people/").content.decode()
    assert "People and units" in body and "Add a person" in body
    assert "添加" not in body and "人员与单位" not in body
