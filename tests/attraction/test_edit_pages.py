"""The lead edit form (every field, version-checked) and the plan's 招商时限设置 page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.attraction.models import Lead, LeadSettings
from shigongtu.audit.models import AuditEntry
from shigongtu.web.views.attraction_edit import EDITED, initial_of
from tests.attraction.helpers import HEADER, run, sample_rows
from tests.ledgers.helpers import xlsx

TODAY = dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC)
BASE = "/plans/JY-T/leads/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def leads(cast):
    assert run(cast, xlsx([HEADER, *sample_rows()])).ok
    return cast


def posted(lead, **changes):
    data = {k: ("" if v is None else v) for k, v in initial_of(lead).items()}
    data.update(changes)
    return data


def test_the_form_shows_every_field_of_the_lead(leads):
    html = leads.client("coordinator").get(BASE + "ZS-1/edit/").content.decode()
    for spec in EDITED:
        assert f'name="{spec.name}"' in html, spec.name
    assert 'value="50000"' in html and 'value="2023-05-20"' in html


def test_saving_the_form_unchanged_writes_nothing_and_a_change_is_recorded(leads):
    client = leads.client("coordinator")
    lead = Lead.objects.get(code="ZS-2")
    before = AuditEntry.objects.count()
    assert client.post(BASE + "ZS-2/edit/", posted(lead)).status_code == 302
    assert AuditEntry.objects.count() == before and Lead.objects.get(code="ZS-2").version == lead.version
    got = client.post(BASE + "ZS-2/edit/", posted(lead, fixed_assets="1.5亿", headquarters="是", chain="光电信息产业链",
                                                   source_region="省外", registered_on="2023-05-01"))
    assert got.status_code == 302 and got["Location"] == BASE + "ZS-2/"
    lead = Lead.objects.get(code="ZS-2")
    assert (lead.fixed_assets, lead.headquarters, lead.chain, lead.registered_on) == (
        Decimal(15000), True, "光电信息产业链", dt.date(2023, 5, 1))
    assert AuditEntry.objects.filter(object_type="lead", object_id=str(lead.pk)).count() == 2


@pytest.mark.parametrize(("changes", "field"), [
    ({"started_on": "2023-03-01"}, "started_on"),  # before 签约日期 2023-04-08
    ({"stage": "开工"}, "stage"),  # 开工 without 开工日期
    ({"investment": "-3"}, "investment"),
    ({"fdi_usd": "300万元"}, "fdi_usd"),
    ({"code": "kpis"}, "code"),
    ({"name": ""}, "name"),
])
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(leads, changes, field):
    lead = Lead.objects.get(code="ZS-2")
    got = leads.client("coordinator").post(BASE + "ZS-2/edit/", posted(lead, **changes))
    assert got.status_code == 422
    assert got.context["form"].errors.get(field), got.context["form"].errors
    assert Lead.objects.get(code="ZS-2").version == lead.version


def test_a_stale_version_is_refused_with_a_message(leads):
    client = leads.client("coordinator")
    lead = Lead.objects.get(code="ZS-2")
    form = posted(lead, team="招商一组")
    assert client.post(BASE + "ZS-2/edit/", posted(lead, team="招商二组")).status_code == 302
    got = client.post(BASE + "ZS-2/edit/", form)
    assert got.status_code == 422 and "已被他人修改" in got.content.decode()
    assert Lead.objects.get(code="ZS-2").team == "招商二组"


def test_the_edit_form_is_403_for_a_viewer_and_404_for_an_outsider(leads):
    lead = Lead.objects.get(code="ZS-2")
    assert leads.client("viewer").get(BASE + "ZS-2/edit/").status_code == 403
    assert leads.client("viewer").post(BASE + "ZS-2/edit/", posted(lead, team="x")).status_code == 403
    assert leads.client("outsider").get(BASE + "ZS-2/edit/").status_code == 404
    assert Lead.objects.get(code="ZS-2").team == ""


def test_a_coordinator_sets_the_timers_and_a_bad_value_names_its_field(leads):
    client = leads.client("coordinator")
    assert client.get(BASE + "settings/").status_code == 200
    good = {"answer_days": "2", "assess_days": "5", "feedback_days": "10", "progress_days": "30", "stall_months": "9"}
    assert client.post(BASE + "settings/", good).status_code == 302
    row = LeadSettings.objects.get(plan=leads.plan)
    assert (row.answer_days, row.stall_months) == (2, 9)
    assert AuditEntry.objects.filter(object_type="lead_settings").count() == 1
    got = client.post(BASE + "settings/", {**good, "stall_months": "0", "answer_days": "一天"})
    assert got.status_code == 422 and set(got.context["form"].errors) >= {"stall_months", "answer_days"}
    assert LeadSettings.objects.get(plan=leads.plan).stall_months == 9


def test_the_settings_page_is_for_coordinators_only(leads):
    assert leads.client("reporter").get(BASE + "settings/").status_code == 403
    assert leads.client("viewer").post(BASE + "settings/", {"stall_months": "3"}).status_code == 403
    assert leads.client("outsider").get(BASE + "settings/").status_code == 404
    assert not LeadSettings.objects.exists()
