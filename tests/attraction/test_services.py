"""Lead writes: every bad input named by field with nothing written, history, versions, indicators from leads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.attraction import services
from shigongtu.attraction.models import Lead
from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.plans import services as plan_services
from shigongtu.plans.selectors import compute_indicators
from shigongtu.projects.services import projects as project_services

TODAY = dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def rejected(cast, data, **kw):
    with pytest.raises(InputRejected) as exc:
        services.save_lead(cast.plan, {"code": "X-1", "name": "示例", **data}, **kw)
    assert not Lead.objects.filter(code="X-1").exists()
    return {p.field for p in exc.value.problems}


@pytest.mark.parametrize(("data", "field"), [
    ({"signed_on": "2023-05-01", "started_on": "2023-04-01"}, "started_on"),
    ({"stage": "签约"}, "stage"),
    ({"stage": "开工", "signed_on": "2023-03-01"}, "stage"),
    ({"investment": "-5"}, "investment"),
    ({"funds": "-1"}, "funds"),
    ({"fdi_usd": "300万元"}, "fdi_usd"),
    ({"mode": "网络招商"}, "mode"),
    ({"stage": "施工中"}, "stage"),
    ({"signed_on": "2023-08-01"}, "signed_on"),  # in the future
    ({"exited_on": "2023-05-01"}, "exited_on"),  # an end date without an exit stage
])
def test_bad_input_names_the_field_and_writes_nothing(cast, data, field):
    assert field in rejected(cast, data)


def test_linking_to_another_plans_project_is_refused(cast):
    other = plan_services.create_plan("OTHER", "另一施工图", 2023, unit=cast.zone)
    foreign = project_services.save_project(other, {"code": "P-X", "name": "别人的项目"})
    assert "project" in rejected(cast, {"project": "P-X"})
    assert "project" in rejected(cast, {"project": foreign})


def test_the_same_signing_twice_is_refused_unless_an_increase(cast):
    services.save_lead(cast.plan, {"code": "A-1", "name": "示例项目", "investor": "甲公司", "signed_on": "2023-03-01"})
    assert "increment" in rejected(cast, {"name": "示例 项目", "investor": "甲公司", "signed_on": "2023-06-01"})
    services.save_lead(cast.plan, {"code": "A-2", "name": "示例项目", "investor": "甲公司", "signed_on": "2023-06-01",
                                   "increment": "是"})
    assert Lead.objects.count() == 2


def test_a_save_records_history_and_a_stale_version_conflicts(cast):
    lead = services.save_lead(cast.plan, {"code": "H-1", "name": "示例", "investment": "1.5亿"}, cast.coordinator)
    assert lead.investment == Decimal(15000)
    services.save_lead(cast.plan, {"investment": "2亿"}, cast.coordinator, lead, expected_version=1)
    entries = list(AuditEntry.objects.filter(object_type="lead", object_id=str(lead.pk)).order_by("seq"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["investment"] == ["15000", "20000"]
    with pytest.raises(Conflict):
        services.save_lead(cast.plan, {"investment": "3亿"}, cast.coordinator, lead, expected_version=1)


def test_a_viewer_may_not_write(cast):
    with pytest.raises(NotAllowed):
        services.save_lead(cast.plan, {"code": "V-1", "name": "示例"}, cast.viewer)
    lead = services.save_lead(cast.plan, {"code": "V-2", "name": "示例"})
    with pytest.raises(NotAllowed):
        services.change_stage(lead, "洽谈", "2023-07-01", cast.viewer)


def test_a_plan_indicator_takes_its_actual_from_the_leads(cast):
    node = cast.node("1.2")
    for code, day, amount, mode in (("I-1", "2023-02-10", "3亿", "叩门招商"), ("I-2", "2023-05-03", "5000万", "以商招商"),
                                    ("I-3", "2023-07-01", "1亿", "叩门招商")):
        services.save_lead(cast.plan, {"code": code, "name": code, "signed_on": day, "investment": amount, "mode": mode})
    plan_services.save_indicator(node, {"name": "签约额", "unit": "亿元", "kind": "flow", "target": "10",
                                        "source": "attraction.signed_investment"})
    plan_services.save_indicator(node, {"name": "叩门签约数", "unit": "个", "kind": "flow", "target": "4",
                                        "source": "attraction.signed_count", "source_options": {"mode": "叩门招商"}})
    got = {o.name: o.actual for o in compute_indicators(cast.plan, dt.date(2023, 6, 30))}
    assert got["签约额"] == pytest.approx(3.5) and got["叩门签约数"] == 1


def test_progress_stops_its_timer(cast):
    lead = services.save_lead(cast.plan, {"code": "S-1", "name": "示例", "contacted_on": "2023-07-03"})
    services.record_progress(lead, dt.date(2023, 7, 3), "已电话回复", kind="answer")
    lead.refresh_from_db()
    assert lead.answered_on == dt.date(2023, 7, 3)
    with pytest.raises(InputRejected):
        services.record_progress(lead, dt.date(2023, 8, 3), "未来", kind="progress")


@pytest.mark.parametrize("code", ["list", "kpis", "new", "settings", "KPIS"])
def test_a_code_the_pages_use_in_their_addresses_is_refused(cast, code):
    with pytest.raises(InputRejected) as exc:
        services.save_lead(cast.plan, {"code": code, "name": "示例"})
    assert [(p.field, p.column) for p in exc.value.problems] == [("code", "编号")]
    assert not Lead.objects.exists()
