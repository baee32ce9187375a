"""Roles written straight into the database — added, changed or deleted around ``orgs.services`` —
are caught by ``audit verify``; grants and revocations through the services verify."""

from __future__ import annotations

import pytest

from shigongtu.audit.services import record
from shigongtu.audit.verify import verify_history
from shigongtu.orgs import services
from shigongtu.orgs.models import Membership
from tests.audit import forger

pytestmark = pytest.mark.django_db
TABLE = Membership._meta.db_table


def role_problems() -> list[str]:
    verdict = verify_history()
    assert not verdict.ok, "tampering went unnoticed"
    return [p for p in verdict.problems() if "角色授权 role grant" in p]


def test_roles_granted_and_revoked_through_the_services_verify(cast):
    granted = services.grant_role(cast.viewer, cast.dept, "reporter")
    services.revoke_role(granted)
    services.grant_role(cast.viewer, cast.other_dept, "viewer")
    verdict = verify_history()
    assert verdict.ok, verdict.problems()
    assert "角色授权 role grant" in verdict.figures_checked


def test_a_unit_renamed_after_a_grant_recorded_by_name_only_verifies(cast):
    membership = Membership.objects.get(user=cast.reporter)
    record("grant", "membership", membership.pk, {"user": [None, "reporter"], "unit": [None, "旧名称"],
                                                   "role": [None, "reporter"]}, "system", "legacy grant")
    record("update", "orgunit", cast.dept.pk, {"name": ["旧名称", cast.dept.name]}, "system", cast.dept.name)
    assert verify_history().ok, verify_history().problems()


def test_it_catches_a_role_inserted_directly(cast):
    forger.sql(f"INSERT INTO {TABLE} (user_id, unit_id, role) VALUES (%s, %s, 'admin')",  # noqa: S608
               [cast.outsider.pk, cast.zone.pk])
    [problem] = role_problems()
    assert "outsider · 净月高新区 · admin" in problem and "history None" in problem


def test_it_catches_a_role_raised_directly(cast):
    membership = Membership.objects.get(user=cast.viewer)
    forger.sql(f"UPDATE {TABLE} SET role = 'admin' WHERE id = %s", [membership.pk])  # noqa: S608
    [problem] = role_problems()
    assert "viewer · 净月高新区 · admin" in problem and "viewer · 净月高新区 · viewer" in problem


def test_it_catches_a_role_moved_to_another_unit(cast):
    membership = Membership.objects.get(user=cast.reporter)
    forger.sql(f"UPDATE {TABLE} SET unit_id = %s WHERE id = %s", [cast.zone.pk, membership.pk])  # noqa: S608
    [problem] = role_problems()
    assert "reporter · 净月高新区 · reporter" in problem


def test_it_catches_a_role_handed_to_another_person(cast):
    membership = Membership.objects.get(user=cast.coordinator)
    forger.sql(f"UPDATE {TABLE} SET user_id = %s WHERE id = %s", [cast.outsider.pk, membership.pk])  # noqa: S608
    [problem] = role_problems()
    assert "outsider · 净月高新区 · coordinator" in problem


def test_it_catches_a_role_deleted_directly(cast):
    membership = Membership.objects.get(user=cast.viewer)
    forger.sql(f"DELETE FROM {TABLE} WHERE id = %s", [membership.pk])  # noqa: S608
    [problem] = role_problems()
    assert f"#{membership.pk} viewer · 净月高新区 · viewer" in problem and "stored None" in problem


def test_it_catches_a_revoked_role_put_back_directly(cast):
    granted = services.grant_role(cast.viewer, cast.dept, "reporter")
    pk = granted.pk
    services.revoke_role(granted)
    forger.sql(f"INSERT INTO {TABLE} (id, user_id, unit_id, role) VALUES (%s, %s, %s, 'reporter')",  # noqa: S608
               [pk, cast.viewer.pk, cast.dept.pk])
    [problem] = role_problems()
    assert f"#{pk} viewer · 项目服务中心 · reporter" in problem
