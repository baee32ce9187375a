"""Access in one place: ``scoped`` for pages and endpoints, ``require`` inside transactions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.http import Http404

from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, Scope, locked, require, scoped
from shigongtu.plans import services
from shigongtu.plans.models import Node, Plan
from tests.conftest import Cast


def test_outsider_gets_404_for_a_plan_out_of_sight(cast: Cast) -> None:
    with pytest.raises(Http404):
        scoped(Plan, cast.outsider, VIEW, code="JY-T")


def test_it_gets_404_for_a_plan_that_does_not_exist(cast: Cast) -> None:
    with pytest.raises(Http404):
        scoped(Plan, cast.coordinator, VIEW, code="NOPE")


def test_viewer_sees_the_plan_but_gets_403_on_write(cast: Cast) -> None:
    assert scoped(Plan, cast.viewer, VIEW, code="JY-T") == cast.plan
    with pytest.raises(NotAllowed):
        scoped(Plan, cast.viewer, MANAGE, code="JY-T")


def test_coordinator_is_allowed_to_manage(cast: Cast) -> None:
    assert scoped(Plan.objects.select_related("unit"), cast.coordinator, MANAGE, code="JY-T") == cast.plan


def test_it_accepts_a_queryset_and_keeps_its_lookups(cast: Cast) -> None:
    node = scoped(Node.objects.select_related("lead_unit"), cast.reporter, REPORT, plan=cast.plan, code="1.1")
    assert node.code == "1.1"
    with pytest.raises(NotAllowed):  # another unit's node: seen, not reportable by this reporter
        scoped(Node.objects.all(), cast.reporter, REPORT, plan=cast.plan, code="2.1")


def test_require_lets_a_system_job_through(cast: Cast) -> None:
    require(None, cast.plan, MANAGE)


def test_require_refuses_a_viewer_and_an_outsider(cast: Cast) -> None:
    for who in (cast.viewer, cast.outsider):
        with pytest.raises(NotAllowed, match="no manage right on plan JY-T"):
            require(who, cast.plan, MANAGE)


def test_require_allows_a_coordinator_and_a_reporter_on_their_node(cast: Cast) -> None:
    require(cast.coordinator, cast.plan, MANAGE)
    require(cast.reporter, cast.node("1.1"), REPORT)
    with pytest.raises(NotAllowed):
        require(cast.reporter, cast.node("2.1"), REPORT)


def test_a_closed_plan_refuses_changes_with_one_wording(cast: Cast) -> None:
    services.set_plan_status(cast.plan, Plan.Status.CLOSED)
    cast.plan.refresh_from_db()
    with pytest.raises(InputRejected, match="施工图 JY-T 已关闭，不能修改"):
        services.ensure_open(cast.plan)
    with pytest.raises(InputRejected, match="施工图 JY-T 已关闭，不能修改"):
        services.file_report(cast.node("1.1"), "2023-06", {"progress": 10})


@pytest.mark.parametrize("action", [VIEW, REPORT, MANAGE])
def test_deciding_a_loaded_plan_in_memory_agrees_with_the_database_for_every_role(cast: Cast, action: str) -> None:
    other = Plan.objects.create(code="JY-O", name="他区", year=2023, unit=cast.other_zone)
    city = Plan.objects.create(code="JY-C", name="市级", year=2023, unit=cast.city)
    for who in ("coordinator", "reporter", "viewer", "outsider"):
        user = getattr(cast, who)
        scope = Scope.of(user)
        for plan in (cast.plan, other, city):
            in_db = Plan.objects.filter(scope.plan_q(action)).filter(pk=plan.pk).exists()
            assert scope.allows_plan(plan.unit_id, plan.unit.path, action) == in_db, (who, plan.code, action)


def test_scoped_decides_a_plan_read_with_its_unit_without_another_query(
        cast: Cast, django_assert_num_queries: Any) -> None:
    Scope.of(cast.viewer)  # the grants: read once per request
    with django_assert_num_queries(1), pytest.raises(NotAllowed):
        scoped(Plan.objects.select_related("unit"), cast.viewer, MANAGE, code="JY-T")


@pytest.mark.django_db(transaction=True)
def test_locked_locks_and_rechecks_in_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    Scope.of(cast.coordinator), Scope.of(cast.viewer)
    with transaction.atomic():
        with django_assert_num_queries(1):
            assert locked(Plan, cast.coordinator, MANAGE, cast.plan.pk, ("unit",)).unit == cast.zone
        with pytest.raises(NotAllowed):
            locked(Plan, cast.viewer, MANAGE, cast.plan.pk)
        assert locked(Plan, None, MANAGE, cast.plan.pk) == cast.plan  # a system job
