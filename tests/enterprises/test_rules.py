"""The pure rules: tier words, default expiry, validity at d, counts, eligibility, the stock target."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.enterprises.rules import eligibility as E
from shigongtu.enterprises.rules import tiers as T
from shigongtu.enterprises.rules.targets import judge_stock, section_sentences
from shigongtu.lib.errors import ValueProblem

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


@pytest.mark.parametrize(("word", "tier"), [("高企", T.HIGH_TECH), ("专精特新", T.SRDI), ("小巨人", T.LITTLE_GIANT),
                                            (" 高新技术企业 ", T.HIGH_TECH), ("规上企业", T.ABOVE_SCALE)])
def test_it_reads_tiers_and_their_aliases(word, tier):
    assert T.read_tier(word) == tier


def test_it_refuses_an_unknown_tier_or_status_in_both_languages():
    with pytest.raises(ValueProblem) as tier:
        T.read_tier("独角兽")
    assert "独角兽" in tier.value.message_zh and "unknown tier" in tier.value.message_en
    with pytest.raises(ValueProblem):
        T.read_status("待定")


def test_it_defaults_the_expiry_to_three_years_less_a_day():
    assert T.default_expiry(T.HIGH_TECH, dt.date(2023, 10, 16)) == dt.date(2026, 10, 15)
    assert T.default_expiry(T.INNOVATIVE, dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert T.default_expiry(T.HIGH_GROWTH, dt.date(2023, 1, 1)) is None
    assert T.default_expiry(T.HIGH_TECH, None) is None


@given(dates)
def test_a_default_expiry_is_always_after_the_grant(granted):
    for tier in T.THREE_YEAR_TIERS:
        expires = T.default_expiry(tier, granted)
        assert expires is not None and 1094 <= (expires - granted).days <= 1096


@given(dates, dates, dates, st.sampled_from(T.STATUSES))
def test_valid_means_recognised_and_within_the_dates(granted, expires, day, status):
    valid = T.is_valid(status, granted, expires, day)
    assert valid == (status == T.GRANTED and granted <= day <= expires)


def test_counts_at_d_follow_the_contract():
    day = dt.date(2023, 6, 30)
    states = [
        T.TierState(T.HIGH_TECH, T.GRANTED, dt.date(2021, 1, 1), dt.date(2023, 12, 26), None, 1),  # expiring: 179 days
        T.TierState(T.HIGH_TECH, T.GRANTED, dt.date(2021, 1, 1), dt.date(2023, 12, 27), dt.date(2023, 5, 1), 2),
        T.TierState(T.HIGH_TECH, T.GRANTED, dt.date(2021, 1, 1), dt.date(2024, 1, 1), None, 3),  # 185 days
        T.TierState(T.HIGH_TECH, T.GRANTED, dt.date(2020, 1, 1), dt.date(2023, 6, 29), None, 4),  # expired
        T.TierState(T.HIGH_TECH, T.APPLIED, None, None, None, 5),
        T.TierState(T.HIGH_TECH, T.REVOKED, dt.date(2022, 1, 1), dt.date(2025, 1, 1), None, 6),
        T.TierState(T.SRDI, T.POOL, None, None, None, 7),
    ]
    counts = {c.tier: c for c in T.counts_at(states, day)}
    assert [c.tier for c in T.counts_at(states, day)] == list(T.TIERS)
    ht = counts[T.HIGH_TECH]
    assert (ht.valid, ht.pipeline, ht.expiring, ht.unrenewed) == (3, 1, 2, 1)
    assert (counts[T.SRDI].pipeline, counts[T.SRDI].pool) == (1, 1)


states_st = st.lists(st.builds(
    T.TierState, st.sampled_from(T.TIERS), st.sampled_from(T.STATUSES), st.none() | dates, st.none() | dates,
    st.none() | dates, st.integers(1, 30)), max_size=40)


@given(states_st, dates)
def test_tallies_of_grouped_records_equal_the_counts_of_each(states, day):
    groups = [(s, 3) for s in states]
    assert T.tally_at(groups, day) == T.counts_at(states * 3, day)
    by_month = T.tally_by_month([(s, 1) for s in states], day.year)
    assert by_month == {t: {m: len([s for s in states if s.tier == t and T.is_valid(s.status, s.granted, s.expires, end)])
                            for m, end in T.month_ends(day.year)} for t in T.TIERS}


def test_an_enterprise_holding_two_of_the_tiers_counts_once():
    states = [T.TierState(T.SRDI, T.GRANTED, dt.date(2022, 1, 1), None, None, 1),
              T.TierState(T.LITTLE_GIANT, T.GRANTED, dt.date(2023, 3, 1), None, None, 1),
              T.TierState(T.LITTLE_GIANT, T.GRANTED, dt.date(2023, 3, 1), None, None, 2)]
    months = T.valid_by_month(states, 2023, [T.SRDI, T.LITTLE_GIANT])
    assert (months[2], months[3], months[12]) == (1, 2, 2)


def test_the_rd_ratio_threshold_follows_the_revenue_band():
    rules = [c for c in E.DEFAULT_CRITERIA if c.tier == T.HIGH_TECH]
    small = E.Figures(2022, revenue=Decimal(3000), rd_expense=Decimal(120), staff_total=50, tech_staff=8,
                      ip_class1=1, registered_on=dt.date(2018, 1, 1))
    results = {r.criterion.code: r for r in E.evaluate(rules, small, T.HIGH_TECH)}
    assert "rd_1" in results and "rd_2" not in results
    assert results["rd_1"].outcome == E.MISSED  # 4% < 5%
    assert results["tech"].outcome == E.MET
    mid = E.Figures(2022, revenue=Decimal(8000), rd_expense=Decimal(330))
    mid_results = {r.criterion.code: r for r in E.evaluate(rules, mid, T.HIGH_TECH)}
    assert mid_results["rd_2"].outcome == E.MET  # 4.1% ≥ 4%
    assert mid_results["tech"].outcome == E.UNKNOWN


def test_no_figures_means_every_criterion_unknown_and_closeness_zero():
    results = E.evaluate(E.DEFAULT_CRITERIA, None, T.HIGH_TECH)
    assert results and all(r.outcome == E.UNKNOWN for r in results)
    assert E.closeness(results) == 0.0


@given(st.decimals(min_value=1, max_value=10**6, places=2), st.decimals(min_value=0, max_value=10**5, places=2))
def test_closeness_stays_between_zero_and_one(revenue, rd):
    fig = E.Figures(2022, revenue=revenue, rd_expense=rd, staff_total=100, tech_staff=5, ip_class1=0, ip_class2=1)
    results = E.evaluate(E.DEFAULT_CRITERIA, fig, T.HIGH_TECH)
    assert 0.0 <= E.closeness(results) <= 1.0
    assert all((r.gap == 0) == (r.outcome == E.MET) for r in results if r.outcome != E.UNKNOWN)


def test_the_stock_target_counts_the_net_increase_from_the_baseline():
    months = {m: 402 + 8 * m for m in range(1, 13)}
    status = judge_stock("高新技术企业", 500, 402, months, 2023, dt.date(2023, 6, 30))
    assert status.actual == 450 and status.net == 48
    assert status.completion == pytest.approx(48 / 98)
    assert status.expected_share == 0.5
    assert status.light == "green"
    january = judge_stock("高新技术企业", 500, 402, months, 2023, dt.date(2023, 1, 15))
    assert (january.month, january.actual, january.completion) == (0, 402, 0)


def test_a_batch_curve_expects_the_rise_in_the_batch_month():
    curve = [0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.5, 0.5, 1]
    status = judge_stock("高新技术企业", 500, 400, {m: 400 for m in range(1, 13)}, 2023, dt.date(2023, 5, 31), curve)
    assert status.expected_share == 0 and status.light == "green"


def test_the_section_sentences_read_as_the_office_writes_them():
    status = judge_stock("高新技术企业", 500, 402, {6: 450}, 2023, dt.date(2023, 6, 30))
    text = section_sentences([status], {T.HIGH_TECH: 3}, {T.HIGH_TECH: 2})
    assert text[0] == "高新技术企业有效期内450家，较年初净增48家，完成年度净增目标的49.0%。"
    assert text[1] == "本月新认定高新技术企业3家。"
    assert "高新技术企业2家" in text[2]
