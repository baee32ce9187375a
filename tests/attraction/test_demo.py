"""The demo's attraction pipeline: the seed's four modes, every stage, leads that are key projects, node 1.8's targets."""

from __future__ import annotations

import datetime as dt

import pytest

from shigongtu.attraction import selectors
from shigongtu.attraction.documents import leads_document
from shigongtu.attraction.models import FundArrival, Lead
from shigongtu.attraction.rules import stages
from shigongtu.demo.build import build
from shigongtu.plans.models import Plan

DAY = dt.date(2023, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            build("demo-pass-1")
            yield Plan.objects.get(code="JY-2023")
            transaction.set_rollback(True)


def test_the_demo_has_leads_at_every_stage_with_the_seeds_modes(demo):
    doc = leads_document(demo, DAY)
    assert {r["stage"] for r in doc["leads"]} == set(stages.STAGES)
    assert {"叩门招商", "产业链招商", "以商招商", "联合招商"} <= {r["mode"] for r in doc["leads"]}
    assert all(r["name"].startswith("示例") or r["project"] for r in doc["leads"])  # invented ones are labelled
    assert doc["summary"]["signed"] > 10 and 0 < doc["summary"]["funds_rate"] < 1


def test_some_demo_leads_are_the_demos_key_projects_and_funds_arrive_by_month(demo):
    linked = Lead.objects.filter(plan=demo, project__isnull=False)
    assert linked.count() >= 3
    assert all(lead.investor_credit_code == lead.project.owner_credit_code for lead in linked)
    months = {d.month for d in FundArrival.objects.filter(lead__plan=demo).values_list("date", flat=True)}
    assert len(months) >= 4


def test_node_1_8_is_judged_by_the_leads(demo):
    card = selectors.card(demo, DAY)
    names = {t.name for t in card.targets}
    assert {"招商签约额", "新签约项目数", "招商项目到位资金"} <= names
    assert card.figures == selectors.summary(demo, DAY)
