"""The read model: the contract's leads document, the stage filter agreeing with the rule, KPIs, card, section."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from shigongtu.attraction import selectors
from shigongtu.attraction.documents import leads_document
from shigongtu.attraction.models import Lead
from shigongtu.attraction.rules import stages
from shigongtu.plans import services as plan_services
from tests.attraction.helpers import HEADER, run, sample_rows
from tests.ledgers.helpers import xlsx

TODAY = dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC)


@pytest.fixture
def leads(cast):
    with time_machine.travel(TODAY, tick=False):
        assert run(cast, xlsx([HEADER, *sample_rows()])).ok
    return cast


def test_the_document_has_the_contracts_shape_and_figures(leads):
    doc = leads_document(leads.plan, dt.date(2023, 6, 30))
    assert doc["plan"] == "JY-T" and doc["as_of"] == "2023-06-30"
    by_code = {r["code"]: r for r in doc["leads"]}
    assert {k: by_code["ZS-1"][k] for k in ("stage", "investment", "funds", "mode")} == {
        "stage": "开工", "investment": Decimal(50000), "funds": Decimal(12000), "mode": "产业链招商"}
    assert by_code["ZS-3"]["stage"] == "洽谈" and by_code["ZS-4"]["stage"] == "投产"
    s = doc["summary"]
    # ZS-4 signed in 2022: not this year's signing
    assert (s["signed"], s["signed_investment"], s["started"], s["funds"]) == (2, Decimal(75000), 1, Decimal(15000))
    assert s["start_rate"] == 0.5 and s["funds_rate"] == pytest.approx(0.2)


def test_earlier_as_of_sees_earlier_stages(leads):
    doc = leads_document(leads.plan, dt.date(2023, 3, 15))
    by_code = {r["code"]: r["stage"] for r in doc["leads"]}
    assert by_code["ZS-1"] == "注册" and by_code["ZS-2"] == "洽谈"
    assert doc["summary"]["signed"] == 1 and doc["summary"]["started"] == 0


def test_the_stage_filter_agrees_with_the_rule(leads):
    Lead.objects.create(plan=leads.plan, code="X-1", name="终止", stage="终止")
    Lead.objects.create(plan=leads.plan, code="X-2", name="流失", stage="流失", signed_on=dt.date(2023, 1, 1),
                        exited_on=dt.date(2023, 3, 1))
    Lead.objects.create(plan=leads.plan, code="X-3", name="注册无日期", stage="注册")
    for day in (dt.date(2023, 1, 15), dt.date(2023, 3, 15), dt.date(2023, 6, 30), dt.date(2023, 12, 31)):
        rule = {r.code: r.stage for r in selectors.leads_at(leads.plan, day)}
        for s in stages.STAGES:
            got = set(Lead.objects.filter(plan=leads.plan).filter(selectors.stage_q(s, day))
                      .values_list("code", flat=True))
            assert got == {c for c, st in rule.items() if st == s}, (day, s)


def test_kpis_by_mode_come_in_the_modes_order(leads):
    rows = selectors.kpis(leads.plan, dt.date(2023, 6, 30), "mode")
    assert [r.group for r in rows] == ["产业链招商", "以商招商"]
    assert rows[0].figures.start_rate == 1.0


def test_the_card_and_the_section_use_the_same_figures(leads):
    node = leads.node("1.2")
    plan_services.save_indicator(node, {"name": "招商签约额", "unit": "亿元", "kind": "flow", "target": "10",
                                        "source": "attraction.signed_investment"})
    card = selectors.card(leads.plan, dt.date(2023, 6, 30))
    assert card.figures == selectors.summary(leads.plan, dt.date(2023, 6, 30))
    assert dict(card.funnel)["开工"] == 1
    assert card.targets[0].actual == Decimal("7.5") and card.targets[0].completion == pytest.approx(0.75)
    section = selectors.bulletin_section(leads.plan, "2023-04")
    assert [s.code for s in section.signings] == ["ZS-2"]
    facts = selectors.section_facts(section)
    assert facts.month_signed == 1 and facts.target_yi == Decimal(10)


def test_the_cli_prints_one_json_document(leads, capsys):
    call_command("leads", "--plan", "JY-T", "--as-of", "2023-06-30", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["signed"] == 2 and doc["summary"]["signed_investment"] == 75000
    assert {r["code"] for r in doc["leads"]} == {"ZS-1", "ZS-2", "ZS-3", "ZS-4"}


@pytest.fixture
def varied(leads):
    """Leads over every combination the counting reads: signed in or before the year, increases,
    registered/started/in operation before or after the date, modes, teams and units or none."""
    import itertools

    days = (None, dt.date(2022, 12, 20), dt.date(2023, 2, 1), dt.date(2023, 5, 10), dt.date(2023, 9, 1))
    for i, (signed, later, inc, mode) in enumerate(itertools.product(days, days, (False, True), ("叩门招商", ""))):
        Lead.objects.create(
            plan=leads.plan, code=f"V-{i}", name=f"示例{i}", stage="签约" if signed else "洽谈", signed_on=signed,
            registered_on=later if signed and later and later >= signed else None,
            started_on=later if signed and later and later >= signed and i % 3 else None,
            operating_on=later if signed and later and later >= signed and i % 4 == 0 else None,
            increment=inc, mode=mode, team=f"小分队{i % 3}" if i % 5 else "", investment=Decimal(i * 37) / 4,
            funds=Decimal(i % 7) * Decimal("10.25"), lead_unit=leads.dept if i % 2 else None)
    return leads


@pytest.mark.parametrize("day", [dt.date(2023, 1, 31), dt.date(2023, 5, 10), dt.date(2023, 12, 31)])
def test_the_figures_counted_in_the_database_agree_with_the_rule(varied, day):
    from shigongtu.attraction.rules import counting

    rows = [counting.LeadRow(x.investment, x.funds, x.signed_on, x.registered_on, x.started_on, x.operating_on,
                             x.increment, x.mode, x.team, x.lead_unit.name if x.lead_unit else "")
            for x in Lead.objects.filter(plan=varied.plan).select_related("lead_unit")]
    assert selectors.summary(varied.plan, day) == counting.summarise(rows, 2023, day)
    fig, groups = selectors.figures_and_kpis(varied.plan, day)
    assert fig == counting.summarise(rows, 2023, day)
    for by, key in selectors.GROUPS.items():
        assert {k.group: k.figures for k in groups[by]} == counting.grouped(rows, 2023, day, key), by


def test_the_board_counts_and_ranks_each_stage_in_the_database_as_the_rule_does(varied):
    day = dt.date(2023, 5, 10)
    rule = selectors.leads_at(varied.plan, day)
    for column in selectors.board(varied.plan, day, per_column=3):
        mine = sorted((r for r in rule if r.stage == column.stage), key=lambda r: (-r.investment, r.pk))
        assert column.count == len(mine) and column.investment == sum((r.investment for r in mine), Decimal(0))
        assert [r.code for r in column.leads] == [r.code for r in mine[:3]], column.stage
