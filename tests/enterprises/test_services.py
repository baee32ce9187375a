"""Writes one at a time: validation naming the field, scope, optimistic concurrency, history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.enterprises import services
from shigongtu.enterprises.models import Enterprise, TierRecord, YearFigures
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from tests.enterprises.conftest import code


@pytest.fixture
def firm(cast):
    return services.register_enterprise(cast.zone, {"name": "示例甲科技有限公司", "credit_code": code(1),
                                                    "industry": "软件"}, cast.coordinator)


def test_it_registers_an_enterprise_with_its_history(firm):
    assert firm.credit_code == code(1)
    entry = AuditEntry.objects.get(object_type="enterprise")
    assert entry.changes["name"] == [None, "示例甲科技有限公司"]


def test_a_bad_credit_code_names_the_field_and_writes_nothing(cast):
    with pytest.raises(InputRejected) as exc:
        services.register_enterprise(cast.zone, {"name": "示例", "credit_code": "91220101MA00000010"})
    assert exc.value.problems[0].field == "credit_code"
    assert not Enterprise.objects.exists()


def test_a_credit_code_is_registered_once_per_unit(cast, firm):
    with pytest.raises(InputRejected) as exc:
        services.register_enterprise(cast.zone, {"name": "另一家", "credit_code": code(1)})
    assert exc.value.problems[0].field == "credit_code"


def test_a_viewer_may_not_write_and_an_outsider_may_not_reach(cast, firm):
    with pytest.raises(NotAllowed):
        services.save_tier(firm, {"tier": "高企", "status": "拟申报"}, cast.viewer)
    with pytest.raises(NotAllowed):
        services.register_enterprise(cast.zone, {"name": "示例", "credit_code": code(2)}, cast.outsider)
    assert not TierRecord.objects.exists()


def test_a_stale_version_is_a_conflict(cast, firm):
    services.update_enterprise(firm, {"leader": "张示例"}, cast.coordinator, expected_version=1)
    with pytest.raises(Conflict):
        services.update_enterprise(firm, {"leader": "李示例"}, cast.coordinator, expected_version=1)
    firm.refresh_from_db()
    assert (firm.leader, firm.version) == ("张示例", 2)


def test_a_tier_moves_through_its_lifecycle(cast, firm):
    record = services.save_tier(firm, {"tier": "高企", "status": "拟申报"}, cast.coordinator)
    assert record.status == "拟申报"
    record = services.save_tier(firm, {"tier": "高新技术企业", "status": "已申报", "batch": "2023年第一批"},
                                cast.coordinator, expected_version=1)
    record = services.save_tier(firm, {"tier": "高新技术企业", "granted_on": "2023-10-16",
                                       "certificate_no": "GR202322000001"}, cast.coordinator)
    assert (record.status, record.expires_on, record.version) == ("已认定", dt.date(2026, 10, 15), 3)
    assert TierRecord.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="enterprise_tier").count() == 3


@pytest.mark.parametrize(("data", "field"), [
    ({"tier": "独角兽"}, "tier"),
    ({"tier": "高企", "status": "待定"}, "status"),
    ({"tier": "高企", "status": "已认定"}, "granted_on"),
    ({"tier": "高企", "granted_on": "2023-05-01", "expires_on": "2023-04-01"}, "expires_on"),
])
def test_bad_tier_input_names_the_field(cast, firm, data, field):
    with pytest.raises(InputRejected) as exc:
        services.save_tier(firm, data, cast.coordinator)
    assert [p.field for p in exc.value.problems] == [field]
    assert not TierRecord.objects.exists()


@time_machine.travel(dt.datetime(2023, 6, 30, 12, 0), tick=False)
def test_yearly_figures_are_saved_per_year(cast, firm):
    services.save_year(firm, {"year": 2022, "revenue": "3500万", "rd_expense": "180", "staff_total": 60,
                              "tech_staff": 9}, cast.coordinator)
    again = services.save_year(firm, {"year": 2022, "revenue": "0.4亿"}, cast.coordinator, expected_version=1)
    assert again.revenue == 4000 and again.rd_expense == 180 and again.version == 2
    assert YearFigures.objects.count() == 1


@time_machine.travel(dt.datetime(2023, 6, 30, 12, 0), tick=False)
@pytest.mark.parametrize(("data", "field"), [
    ({"year": 2022, "revenue": "-5"}, "revenue"),
    ({"year": 2022, "staff_total": -1}, "staff_total"),
    ({"year": 2024, "revenue": "100"}, "year"),
    ({"year": 2022, "staff_total": 5, "tech_staff": 9}, "tech_staff"),
])
def test_bad_yearly_figures_name_the_field_and_write_nothing(cast, firm, data, field):
    with pytest.raises(InputRejected) as exc:
        services.save_year(firm, data, cast.coordinator)
    assert [p.field for p in exc.value.problems] == [field]
    assert not YearFigures.objects.exists()


def test_a_tier_change_bumps_the_plan_revision(cast, firm):
    before = type(cast.plan).objects.get(pk=cast.plan.pk).revision
    services.save_tier(firm, {"tier": "高企", "granted_on": "2023-03-01"}, cast.coordinator)
    assert type(cast.plan).objects.get(pk=cast.plan.pk).revision > before
