"""The attraction API: scope (outsider 404, viewer 403), stage actions, funds, the project link, filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.attraction.models import FundArrival, Lead, LeadEvent
from shigongtu.projects.models import Project
from tests.attraction.helpers import HEADER, credit, run, sample_rows
from tests.ledgers.helpers import xlsx

TODAY = dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC)
BASE = "/api/v1/plans/JY-T/leads"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def leads(cast):
    assert run(cast, xlsx([HEADER, *sample_rows()])).ok
    return cast


def test_the_list_filters_by_stage_at_the_date_and_mode(leads, django_assert_max_num_queries):
    client = leads.client("viewer")
    with django_assert_max_num_queries(8):
        got = client.get(BASE, {"as_of": "2023-06-30", "stage": "开工"}).json()
    assert [r["code"] for r in got["results"]] == ["ZS-1"]
    got = client.get(BASE, {"mode": "以商招商"}).json()
    assert [r["code"] for r in got["results"]] == ["ZS-2"]
    assert client.get(BASE, {"stage": "施工中"}).status_code == 422


def test_the_list_pins_its_queries_whatever_the_page_size(leads, django_assert_max_num_queries):
    for i in range(30):
        Lead.objects.create(plan=leads.plan, code=f"N-{i:02d}", name=f"示例{i}", stage="线索")
    client = leads.client("viewer")
    with django_assert_max_num_queries(8):
        got = client.get(BASE, {"page_size": 50}).json()
    assert got["count"] == 34


def test_the_summary_endpoint_is_the_contract_document(leads):
    got = leads.client("viewer").get(f"{BASE}/summary", {"as_of": "2023-06-30"}).json()
    assert got["summary"]["signed"] == 2 and got["plan"] == "JY-T"


def test_outsider_gets_404_and_viewer_gets_403_on_writes(leads):
    assert leads.client("outsider").get(f"{BASE}/ZS-1").status_code == 404
    assert leads.client("outsider").get(BASE).status_code == 404
    viewer = leads.client("viewer")
    assert viewer.get(f"{BASE}/ZS-1").status_code == 200
    assert viewer.patch(f"{BASE}/ZS-1", {"leader": "某"}, content_type="application/json").status_code == 403
    assert viewer.post(f"{BASE}/ZS-3/stage", {"stage": "签约", "on": "2023-07-01"},
                       content_type="application/json").status_code == 403
    assert viewer.post(BASE, {"code": "V-1", "name": "x"}, content_type="application/json").status_code == 403
    assert not Lead.objects.filter(code="V-1").exists()


def test_a_reporter_records_a_lead_of_its_unit_through_its_stages(leads):
    client = leads.client("reporter")
    made = client.post(BASE, {"code": "R-1", "name": "示例：新线索", "lead_unit": "项目服务中心", "mode": "叩门招商",
                              "contacted_on": "2023-07-03", "investment": "1.2亿"}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert Decimal(made.json()["investment"]) == 12000
    other = client.post(BASE, {"code": "R-2", "name": "别的单位", "lead_unit": "科技创新局"},
                        content_type="application/json")
    assert other.status_code == 403
    moved = client.post(f"{BASE}/R-1/stage", {"stage": "签约", "on": "2023-07-10", "version": 1},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["signed_on"] == "2023-07-10"
    assert moved.json()["stage"] == "签约"
    stale = client.post(f"{BASE}/R-1/stage", {"stage": "注册", "on": "2023-07-11", "version": 1},
                        content_type="application/json")
    assert stale.status_code == 409
    early = client.post(f"{BASE}/R-1/stage", {"stage": "开工", "on": "2023-07-01"}, content_type="application/json")
    assert early.status_code == 422 and early.json()["detail"][0]["field"] == "started_on"
    assert LeadEvent.objects.filter(lead__code="R-1", kind="stage").count() == 2


def test_an_exit_needs_a_reason(leads):
    client = leads.client("coordinator")
    bad = client.post(f"{BASE}/ZS-3/stage", {"stage": "流失", "on": "2023-07-01"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "exit_reason"
    ok = client.post(f"{BASE}/ZS-3/stage", {"stage": "流失", "on": "2023-07-01", "reason": "落户外省"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["exited_on"] == "2023-07-01"


def test_fund_arrivals_add_up_to_the_leads_funds(leads):
    client = leads.client("coordinator")
    Lead.objects.filter(code="ZS-2").update(funds=0)
    FundArrival.objects.filter(lead__code="ZS-2").delete()  # the ledger's 到位资金 came as an arrival
    for day, amount in (("2023-05-01", "1000"), ("2023-06-01", "0.2亿")):
        got = client.post(f"{BASE}/ZS-2/funds", {"date": day, "amount": amount, "origin": "省外"},
                          content_type="application/json")
        assert got.status_code == 201
    assert Lead.objects.get(code="ZS-2").funds == Decimal(3000)
    bad = client.post(f"{BASE}/ZS-2/funds", {"date": "2023-06-01", "amount": "-5"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "amount"
    assert FundArrival.objects.filter(lead__code="ZS-2").count() == 2


def test_a_started_lead_becomes_one_key_project(leads):
    client = leads.client("coordinator")
    got = client.post(f"{BASE}/ZS-1/project", {}, content_type="application/json")
    assert got.status_code == 200 and got.json()["project"] == "ZS-ZS-1"
    project = Project.objects.get(code="ZS-ZS-1")
    assert project.actual_start == dt.date(2023, 5, 20) and project.total_investment == Decimal(50000)
    again = client.post(f"{BASE}/ZS-1/project", {}, content_type="application/json")
    assert again.json()["project"] == "ZS-ZS-1" and Project.objects.count() == 1
    unstarted = client.post(f"{BASE}/ZS-2/project", {}, content_type="application/json")
    assert unstarted.status_code == 422


def test_a_lead_links_to_the_project_with_the_same_credit_code(leads):
    code = credit()
    from shigongtu.projects.services import projects as project_services

    project = project_services.save_project(leads.plan, {"code": "P-9", "name": "已入库", "owner_credit_code": code})
    client = leads.client("coordinator")
    client.patch(f"{BASE}/ZS-4", {"investor_credit_code": code}, content_type="application/json")
    assert Lead.objects.get(code="ZS-4").project == project  # started already: linked at once
    got = client.post(f"{BASE}/ZS-4/project", {}, content_type="application/json")
    assert got.json()["project"] == "P-9" and Project.objects.count() == 1


def test_linking_to_another_plans_project_is_refused(leads):
    from shigongtu.plans.services import create_plan
    from shigongtu.projects.services import projects as project_services

    other = create_plan("OTHER", "另一施工图", 2023, unit=leads.zone)
    project_services.save_project(other, {"code": "P-X", "name": "别人的项目"})
    got = leads.client("coordinator").patch(f"{BASE}/ZS-1", {"project": "P-X"}, content_type="application/json")
    assert got.status_code == 422 and got.json()["detail"][0]["field"] == "project"


def test_kpis_by_team_and_an_unknown_grouping(leads):
    client = leads.client("viewer")
    got = client.get(f"{BASE}/kpis", {"by": "mode", "as_of": "2023-06-30"}).json()
    assert [g["group"] for g in got["groups"]] == ["产业链招商", "以商招商"]
    assert client.get(f"{BASE}/kpis", {"by": "nope"}).status_code == 422
