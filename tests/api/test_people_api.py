"""The people API: units, people and roles with the same services and scoping as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from shigongtu.orgs.models import Membership, OrgUnit
from tests.conftest import make_user


@pytest.fixture
def admin(cast: Any) -> Client:
    client = Client()
    client.force_login(make_user("zone-admin", cast.zone, "admin"))
    return client


def post(client: Client, url: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_an_admin_creates_a_unit_and_a_person_and_grants_a_role(cast: Any, admin: Client) -> None:
    unit = post(admin, "/api/v1/people/units", {"name": "营商环境局", "parent": cast.zone.pk})
    assert unit.status_code == 201
    unit_id = unit.json()["id"]
    person = post(admin, "/api/v1/people", {"username": "li.hua", "unit": unit_id, "role": "reporter",
                                            "password": "a-long-passphrase"})
    assert person.status_code == 201
    assert post(admin, "/api/v1/people/li.hua/roles", {"unit": cast.zone.pk, "role": "viewer"}).status_code == 201
    users = admin.get(f"/api/v1/people?unit={unit_id}").json()["users"]
    assert users == [{"username": "li.hua", "active": True, "roles": [{"unit": "营商环境局", "role": "reporter"}]}]


def test_bad_input_is_422_naming_the_field(cast: Any, admin: Client) -> None:
    taken = post(admin, "/api/v1/people", {"username": "coord", "unit": cast.dept.pk, "role": "reporter"})
    assert taken.status_code == 422 and taken.json()["detail"][0]["field"] == "username"
    role = post(admin, "/api/v1/people", {"username": "x1", "unit": cast.dept.pk, "role": "boss"})
    assert role.json()["detail"][0]["field"] == "role"
    weak = post(admin, "/api/v1/people", {"username": "x2", "unit": cast.dept.pk, "role": "reporter",
                                          "password": "123"})
    assert weak.status_code == 422 and weak.json()["detail"][0]["field"] == "password"
    child = OrgUnit(name="一科", parent=cast.dept)
    child.save()
    loop = post(admin, f"/api/v1/people/units/{cast.dept.pk}", {"parent": child.pk}, method="patch")
    assert loop.status_code == 422 and loop.json()["detail"][0]["field"] == "parent"


def test_revoking_the_last_admin_is_refused(cast: Any, admin: Client) -> None:
    response = post(admin, "/api/v1/people/zone-admin/roles", {"unit": cast.zone.pk, "role": "admin"},
                    method="delete")
    assert response.status_code == 422
    assert Membership.objects.filter(user__username="zone-admin", role="admin").exists()


@pytest.mark.parametrize("role, status", [("coordinator", 403), ("viewer", 403), ("outsider", 403)])
def test_non_admins_cannot_use_it(cast: Any, role: str, status: int) -> None:
    client = cast.client(role)
    assert client.get("/api/v1/people/units").status_code == status
    assert post(client, "/api/v1/people", {"username": "x", "unit": cast.dept.pk, "role": "viewer"}).status_code \
        in (403, 404)
