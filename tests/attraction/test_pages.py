"""The attraction pages: board, list, KPIs, a lead's page and its forms; scope and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shigongtu.attraction.models import FundArrival, Lead
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


@pytest.mark.parametrize("path", ["", "list/", "kpis/", "ZS-1/"])
def test_each_page_renders_for_a_viewer_and_is_404_for_an_outsider(leads, path):
    assert leads.client("viewer").get(BASE + path).status_code == 200
    assert leads.client("outsider").get(BASE + path).status_code == 404


def test_the_board_shows_each_stage_with_its_leads(leads):
    html = leads.client("viewer").get(BASE, {"as_of": "2023-06-30"}).content.decode()
    for word in ("线索", "洽谈", "签约", "开工", "投产", "示例：长光卫星配套产业园"):
        assert word in html


def test_the_list_and_board_pin_their_queries(leads, django_assert_max_num_queries):
    for i in range(60):
        Lead.objects.create(plan=leads.plan, code=f"N-{i:02d}", name=f"示例{i}", stage="洽谈", mode="叩门招商")
    client = leads.client("viewer")
    with django_assert_max_num_queries(16):
        assert client.get(BASE + "list/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(BASE).status_code == 200


def test_the_list_filters_by_stage_and_mode(leads):
    html = leads.client("viewer").get(BASE + "list/", {"stage": "投产"}).content.decode()
    assert "ZS-4" in html and "ZS-1" not in html


def test_a_stage_change_is_a_form_with_its_date(leads):
    client = leads.client("coordinator")
    lead = Lead.objects.get(code="ZS-3")
    got = client.post(BASE + "ZS-3/stage", {"stage": "签约", "on": "2023-07-01", "version": lead.version})
    assert got.status_code == 302
    assert Lead.objects.get(code="ZS-3").signed_on == dt.date(2023, 7, 1)
    bad = client.post(BASE + "ZS-3/stage", {"stage": "开工", "on": "2023-06-01"})
    assert bad.status_code == 422 and "早于" in bad.content.decode()


def test_a_viewer_cannot_post_and_an_outsider_cannot_see(leads):
    assert leads.client("viewer").post(BASE + "ZS-3/stage", {"stage": "签约", "on": "2023-07-01"}).status_code == 403
    assert leads.client("outsider").post(BASE + "ZS-3/stage", {"stage": "签约", "on": "2023-07-01"}).status_code == 404
    assert Lead.objects.get(code="ZS-3").signed_on is None


def test_funds_and_progress_forms_record_on_the_timeline(leads):
    client = leads.client("coordinator")
    assert client.post(BASE + "ZS-2/funds", {"date": "2023-06-01", "amount": "500", "origin": "省外"}).status_code == 302
    assert client.post(BASE + "ZS-2/progress", {"kind": "progress", "on": "2023-07-10", "note": "完成厂房选址"}
                       ).status_code == 302
    html = client.get(BASE + "ZS-2/").content.decode()
    assert "完成厂房选址" in html and FundArrival.objects.filter(lead__code="ZS-2", origin="省外").count() == 1


def test_a_new_lead_is_recorded_from_the_form(leads):
    client = leads.client("coordinator")
    got = client.post(BASE + "new/", {"code": "N-1", "name": "示例：新线索", "mode": "展会招商", "investment": "2亿",
                                      "contacted_on": "2023-07-14"})
    assert got.status_code == 302 and Lead.objects.get(code="N-1").investment == 20000
    bad = client.post(BASE + "new/", {"code": "N-2", "name": "负数", "investment": "-1"})
    assert bad.status_code == 422 and not Lead.objects.filter(code="N-2").exists()


def test_the_project_button_creates_the_key_project_once(leads):
    client = leads.client("coordinator")
    assert client.post(BASE + "ZS-1/project").status_code == 302
    assert Lead.objects.get(code="ZS-1").project is not None


def test_pages_are_english_when_english_is_chosen(leads):
    client = leads.client("viewer")
    client.cookies["django_language"] = "en"
    html = client.get(BASE + "list/").content.decode()
    assert "Investment attraction" in html or "Leads" in html
