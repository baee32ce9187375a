"""The read model: the contract's document, counts compared with the pure rules, targets by the
stock rule from the registry, the indicator source in the roll-up, the pool, the bulletin section."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from shigongtu.enterprises import selectors, services
from shigongtu.enterprises.documents import enterprises_document
from shigongtu.enterprises.models import TierRecord
from shigongtu.enterprises.rules import tiers as T
from shigongtu.lib.periods import Period
from shigongtu.plans.selectors import compute_indicators
from shigongtu.plans.services import save_indicator
from tests.enterprises.conftest import code

D = dt.date(2023, 6, 30)


def test_the_document_has_the_contract_shape(registry):
    doc = enterprises_document(registry.plan, D)
    assert (doc["plan"], doc["as_of"]) == ("JY-T", "2023-06-30")
    first = doc["enterprises"][0]
    assert set(first) == {"name", "credit_code", "tier", "status", "granted", "expires", "valid"}
    assert first == {"name": "示例甲科技有限公司", "credit_code": code(1), "tier": "高新技术企业", "status": "已认定",
                     "granted": "2021-12-15", "expires": "2024-12-14", "valid": True}
    tiers = {t["tier"]: t for t in doc["tiers"]}
    assert [t["tier"] for t in doc["tiers"]] == list(T.TIERS)
    assert {k: tiers["高新技术企业"][k] for k in ("valid", "pipeline", "expiring")} == {
        "valid": 2, "pipeline": 0, "expiring": 0}
    assert tiers["专精特新中小企业"]["pipeline"] == 1
    assert tiers["专精特新小巨人"]["valid"] == 1


def test_expiring_counts_valid_certificates_ending_within_180_days(registry):
    day = dt.date(2024, 7, 1)  # the first 高企 ends 2024-12-14: 166 days on
    tiers = {t["tier"]: t for t in enterprises_document(registry.plan, day)["tiers"]}
    assert (tiers["高新技术企业"]["valid"], tiers["高新技术企业"]["expiring"]) == (2, 1)
    assert (tiers["专精特新小巨人"]["valid"], tiers["专精特新小巨人"]["expiring"]) == (1, 0)  # ends 2025-06-30
    later = {t["tier"]: t for t in enterprises_document(registry.plan, dt.date(2025, 7, 1))["tiers"]}
    assert later["专精特新小巨人"]["valid"] == 0


def test_the_sql_counts_equal_the_pure_rules(registry):
    states = [r.state() for r in TierRecord.objects.all()]
    for day in (dt.date(2021, 12, 31), D, dt.date(2024, 7, 1), dt.date(2024, 12, 14), dt.date(2024, 12, 15)):
        assert selectors.tier_counts(registry.zone, day) == T.counts_at(states, day)
    months = selectors.monthly_valid(registry.zone, 2023, [T.HIGH_TECH])
    assert months == T.valid_by_month(states, 2023, [T.HIGH_TECH])
    assert (months[2], months[3]) == (1, 2)


def test_the_grouped_month_counts_equal_the_pure_rules_for_every_tier_and_for_tiers_together(registry):
    states = [r.state() for r in TierRecord.objects.all()]
    for year in (2022, 2023, 2024, 2025):
        by_tier = selectors.monthly_counts(registry.zone, year)
        assert by_tier == {t: T.valid_by_month(states, year, [t]) for t in T.TIERS}
        together = [T.HIGH_TECH, T.SRDI, T.LITTLE_GIANT]
        assert selectors.monthly_valid(registry.zone, year, together) == T.valid_by_month(states, year, together)


def test_the_counts_read_the_registry_in_two_queries_and_the_months_in_two(registry, django_assert_num_queries):
    with django_assert_num_queries(3):  # the units, the grouped records, the unrenewed
        selectors.tier_counts(registry.zone, D)
    with django_assert_num_queries(2):  # the units, the grouped records
        selectors.monthly_counts(registry.zone, 2023)


def test_the_cli_prints_exactly_one_json_document(registry, capsys):
    call_command("enterprises", "--plan", "JY-T", "--as-of", "2023-06-30", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["as_of"] == "2023-06-30" and len(doc["enterprises"]) == 4


@pytest.fixture
def target(registry):
    node = registry.node("2.1")
    return save_indicator(node, {"name": "高新技术企业", "unit": "家", "kind": "stock", "target": Decimal(3),
                                 "source": selectors.SOURCE, "source_options": {"tiers": ["高新技术企业"]}})


def test_a_target_is_judged_from_the_baseline_at_the_year_start(registry, target):
    [status] = selectors.targets(registry.plan, D)
    assert (status.baseline, status.actual, status.net) == (1, 2, 1)
    assert status.completion == pytest.approx(0.5)  # (2 − 1) / (3 − 1)
    assert status.expected_share == 0.5


def test_the_plan_indicator_reads_the_registry(registry, target):
    [out] = compute_indicators(registry.plan, D)
    assert out.actual == 2


def test_the_summary_funnel_and_card(registry, target):
    s = selectors.summary(registry.plan, D)
    funnel = {f.tier: f for f in s.funnel}
    assert (funnel["高新技术企业"].valid, funnel["高新技术企业"].target) == (2, 3)
    assert funnel["专精特新中小企业"].pool == 1
    assert selectors.card(registry.plan, D).targets[0].net == 1


def test_the_bulletin_section_drafts_its_sentences(registry, target):
    section = selectors.bulletin_section(registry.plan, Period(2023, 3))
    assert section.new_this_month == {"高新技术企业": 1}
    assert section.sentences[0] == "高新技术企业有效期内2家，较年初净增1家，完成年度净增目标的50.0%。"
    assert section.sentences[1] == "本月新认定高新技术企业1家。"


def test_expiry_warnings_leave_out_filed_renewals(registry):
    day = dt.date(2024, 7, 1)
    assert [e.credit_code for e in selectors.expiring(registry.zone, day, unrenewed_only=True)] == [code(1)]
    firm = registry.zone.enterprises.get(credit_code=code(1))
    services.save_tier(firm, {"tier": "高企", "renewal_filed": "2024-06-01"})
    assert selectors.expiring(registry.zone, day, unrenewed_only=True) == []
    assert len(selectors.expiring(registry.zone, day)) == 1


@time_machine.travel(dt.datetime(2023, 6, 30, 12, 0), tick=False)
def test_the_pool_lists_the_closest_to_qualifying_first(cast):
    near = services.register_enterprise(cast.zone, {"name": "示例近", "credit_code": code(11),
                                                    "registered_on": "2015-01-01"})
    far = services.register_enterprise(cast.zone, {"name": "示例远", "credit_code": code(12),
                                                   "registered_on": "2015-01-01"})
    for firm, rd in ((near, "140"), (far, "20")):
        services.save_tier(firm, {"tier": "高企", "status": "培育库"})
        services.save_year(firm, {"year": 2022, "revenue": "3000", "rd_expense": rd, "staff_total": 40,
                                  "tech_staff": 6, "ip_class1": 1})
    entries = selectors.pool(cast.zone, T.HIGH_TECH)
    assert [e.enterprise.name for e in entries] == ["示例近", "示例远"]
    assert entries[0].missed == 1 and entries[0].closeness > entries[1].closeness
    results = selectors.eligibility(near)[T.HIGH_TECH]
    assert {r.criterion.code: r.outcome for r in results}["rd_1"] == "missed"  # 4.7% < 5%


def test_filters_find_enterprises_by_tier_status_expiry_industry_and_leader(registry):
    def names(**f):
        return [e.name for e in selectors.registry(registry.zone, selectors.Filters.read(f), dt.date(2024, 7, 1))]

    assert names(tier="专精特新") == ["示例乙生物有限公司"]
    assert names(status="已认定", tier="小巨人") == ["示例丙装备有限公司"]
    assert names(expiring="1") == ["示例甲科技有限公司"]
    assert names(industry="高端装备") == ["示例丙装备有限公司"]
    assert names(leader="张示例") == ["示例甲科技有限公司"]


def test_the_unrenewed_filter_matches_the_expiry_warnings(registry):
    day = dt.date(2024, 7, 1)
    firm = registry.zone.enterprises.get(credit_code=code(1))
    services.save_tier(firm, {"tier": "高企", "renewal_filed": "2024-06-01"})
    flt = selectors.Filters.read({"expiring": "1", "unrenewed": "1"})
    assert list(selectors.registry(registry.zone, flt, day)) == []
    assert selectors.registry(registry.zone, selectors.Filters.read({"expiring": "1"}), day).count() == 1
