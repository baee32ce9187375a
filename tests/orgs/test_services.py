"""Units, people and roles managed in the product: scoped to admins, recorded in the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.orgs import services
from shigongtu.orgs.models import Membership, OrgUnit
from tests.conftest import make_user


@pytest.fixture
def admin(cast: Any) -> Any:
    return make_user("zone-admin", cast.zone, "admin")


def test_an_admin_creates_a_unit_below_their_zone_and_it_is_recorded(cast: Any, admin: Any) -> None:
    unit = services.create_unit("营商环境局", cast.zone, OrgUnit.Kind.DEPARTMENT, user=admin)
    assert unit.path.startswith(cast.zone.path) and unit.is_active
    entry = AuditEntry.objects.filter(object_type="orgunit", object_id=str(unit.pk)).get()
    assert entry.action == "create" and entry.actor == "zone-admin"


def test_a_coordinator_may_not_create_units(cast: Any) -> None:
    with pytest.raises(NotAllowed):
        services.create_unit("营商环境局", cast.zone, user=cast.coordinator)


def test_an_admin_may_not_create_units_outside_their_zone(cast: Any, admin: Any) -> None:
    with pytest.raises(NotAllowed):
        services.create_unit("营商环境局", cast.other_zone, user=admin)
    assert not OrgUnit.objects.filter(name="营商环境局").exists()


def test_a_unit_name_taken_under_the_same_parent_is_refused(cast: Any, admin: Any) -> None:
    with pytest.raises(InputRejected) as exc:
        services.create_unit("项目服务中心", cast.zone, user=admin)
    assert exc.value.problems[0].field == "name"


def test_renaming_a_unit_keeps_its_plans_and_records_the_old_name(cast: Any, admin: Any) -> None:
    services.rename_unit(cast.dept, "重点项目服务中心", user=admin)
    entry = AuditEntry.objects.filter(object_type="orgunit", object_id=str(cast.dept.pk)).last()
    assert entry is not None and entry.changes == {"name": ["项目服务中心", "重点项目服务中心"]}


def test_moving_a_unit_under_its_own_descendant_is_refused(cast: Any, admin: Any) -> None:
    child = services.create_unit("项目一科", cast.dept, user=admin)
    with pytest.raises(InputRejected) as exc:
        services.move_unit(cast.dept, child, user=admin)
    assert exc.value.problems[0].field == "parent"
    with pytest.raises(InputRejected):
        services.move_unit(cast.dept, cast.dept, user=admin)
    cast.dept.refresh_from_db()
    assert cast.dept.parent_id == cast.zone.pk


def test_moving_a_unit_carries_its_subtree(cast: Any, admin: Any) -> None:
    child = services.create_unit("项目一科", cast.dept, user=admin)
    services.move_unit(cast.dept, cast.other_dept, user=admin)
    child.refresh_from_db()
    assert child.path.startswith(cast.other_dept.path)


def test_a_deactivated_unit_stays_with_its_history(cast: Any, admin: Any) -> None:
    services.set_unit_active(cast.dept, False, user=admin)
    cast.dept.refresh_from_db()
    assert cast.dept.is_active is False and cast.plan.nodes.filter(lead_unit=cast.dept).exists()


def test_creating_a_person_grants_the_first_role_and_records_both(cast: Any, admin: Any) -> None:
    person = services.create_person("li.hua", cast.dept, "reporter", "a-long-passphrase", full_name="李华", user=admin)
    assert person.check_password("a-long-passphrase")
    assert list(Membership.objects.filter(user=person).values_list("role", flat=True)) == ["reporter"]
    actions = list(AuditEntry.objects.filter(object_type__in=["user", "membership"]).values_list("action", flat=True))
    assert actions[-2:] == ["create", "grant"]


def test_a_username_taken_is_refused_and_nothing_is_written(cast: Any, admin: Any) -> None:
    before = get_user_model().objects.count()
    with pytest.raises(InputRejected) as exc:
        services.create_person("Reporter", cast.dept, "reporter", "a-long-passphrase", user=admin)
    assert exc.value.problems[0].field == "username"
    assert get_user_model().objects.count() == before


def test_a_password_failing_the_validators_is_refused(cast: Any, admin: Any) -> None:
    with pytest.raises(InputRejected) as exc:
        services.create_person("li.hua", cast.dept, "reporter", "short", user=admin)
    assert {p.field for p in exc.value.problems} == {"password"}
    assert not get_user_model().objects.filter(username="li.hua").exists()
    with pytest.raises(InputRejected):
        services.reset_password(cast.reporter, "password", user=admin)


def test_an_unknown_role_is_refused(cast: Any, admin: Any) -> None:
    with pytest.raises(InputRejected) as exc:
        services.grant_role(cast.reporter, cast.dept, "boss", user=admin)
    assert exc.value.problems[0].field == "role"


def test_granting_and_revoking_are_in_the_history(cast: Any, admin: Any) -> None:
    membership = services.grant_role(cast.reporter, cast.other_dept, "viewer", user=admin)
    assert services.grant_role(cast.reporter, cast.other_dept, "viewer", user=admin) == membership
    services.revoke_role(membership, user=admin)
    entries = AuditEntry.objects.filter(object_type="membership", object_id=str(membership.pk))
    assert list(entries.values_list("action", flat=True)) == ["grant", "revoke"]
    assert entries.last().changes["role"] == ["viewer", None]  # type: ignore[union-attr]


def test_removing_the_last_admin_of_a_unit_is_refused(cast: Any, admin: Any) -> None:
    membership = Membership.objects.get(user=admin, role="admin")
    with pytest.raises(InputRejected) as exc:
        services.revoke_role(membership, user=None)
    assert exc.value.problems[0].field == "role"
    with pytest.raises(InputRejected):
        services.set_person_active(admin, False, user=None)
    services.grant_role(cast.coordinator, cast.zone, "admin")
    services.revoke_role(membership, user=None)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_deactivated_person_cannot_sign_in(cast: Any, admin: Any, client: Any) -> None:
    services.set_person_active(cast.reporter, False, user=admin)
    assert not client.login(username="reporter", password="correct-horse-battery")


def test_an_admin_may_not_reset_the_password_of_someone_above_their_reach(cast: Any) -> None:
    dept_admin = make_user("dept-admin", cast.dept, "admin")
    services.grant_role(cast.coordinator, cast.dept, "viewer")
    with pytest.raises(NotAllowed):
        services.reset_password(cast.coordinator, "another-long-passphrase", user=dept_admin)
    services.reset_password(cast.reporter, "another-long-passphrase", user=dept_admin)
    cast.reporter.refresh_from_db()
    assert cast.reporter.check_password("another-long-passphrase")


def test_the_history_still_verifies_after_people_changes(cast: Any, admin: Any) -> None:
    from shigongtu.audit.services import verify_chain

    services.create_person("li.hua", cast.dept, "reporter", "a-long-passphrase", user=admin)
    count, broken = verify_chain()
    assert count > 0 and broken is None
