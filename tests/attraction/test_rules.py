"""The pure rules: the stage at a date, stage-date order, counting and SLA timers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.attraction.rules import counting, sla, stages
from shigongtu.attraction.rules.sentences import SectionFacts, sentences_en, sentences_zh

D = dt.date(2023, 6, 30)
dates = st.one_of(st.none(), st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2024, 12, 31)))


def test_it_takes_the_furthest_dated_stage_on_or_before_d():
    got = {"signed_on": dt.date(2023, 3, 1), "registered_on": dt.date(2023, 4, 1), "started_on": dt.date(2023, 7, 1)}
    assert stages.stage_at("开工", got, D) == "注册"
    assert stages.stage_at("开工", got, dt.date(2023, 7, 1)) == "开工"


def test_without_a_date_it_takes_the_declared_undated_stage_else_talks():
    assert stages.stage_at("线索", {}, D) == "线索"
    assert stages.stage_at("终止", {}, D) == "终止"
    assert stages.stage_at("注册", {}, D) == "洽谈"
    assert stages.stage_at("签约", {"signed_on": dt.date(2023, 8, 1)}, D) == "洽谈"


def test_an_exit_date_on_or_before_d_wins():
    assert stages.stage_at("流失", {"signed_on": dt.date(2023, 1, 1)}, D, dt.date(2023, 5, 1)) == "流失"
    assert stages.stage_at("流失", {"signed_on": dt.date(2023, 1, 1)}, D, dt.date(2023, 8, 1)) == "签约"


def test_it_reads_the_contracts_stage_aliases():
    assert [stages.read_stage(w) for w in ("在谈", "已签约", "新签约", "已注册", "已开工", "已投产", "施工中")] == [
        "洽谈", "签约", "签约", "注册", "开工", "投产", None]


@given(dates, dates, dates, dates, dates)
def test_the_stage_at_d_is_always_a_known_stage_and_never_past_a_later_date(s, r, t, o, f):
    got = {"signed_on": s, "registered_on": r, "started_on": t, "operating_on": o, "full_on": f}
    stage = stages.stage_at("洽谈", got, D)
    assert stage in stages.STAGES
    if stage in stages.DATE_OF:
        assert got[stages.DATE_OF[stage]] <= D


@given(dates, dates, dates, dates)
def test_order_problems_are_empty_exactly_when_the_given_dates_do_not_decrease(c, s, r, t):
    got = {"signed_on": s, "registered_on": r, "started_on": t}
    given_days = [d for d in (c, s, r, t) if d is not None]
    assert (not stages.order_problems(got, c)) == (given_days == sorted(given_days))


def row(signed, started=None, investment=100, funds=10, increment=False, mode="叩门招商"):
    return counting.LeadRow(Decimal(investment), Decimal(funds), signed, None, started, None, increment, mode)


def test_it_counts_a_signing_once_in_its_year_and_not_after_d():
    rows = [row(dt.date(2023, 3, 1), dt.date(2023, 5, 1)), row(dt.date(2023, 7, 1)), row(dt.date(2022, 12, 1)),
            row(dt.date(2023, 4, 1), dt.date(2023, 8, 1))]
    f = counting.summarise(rows, 2023, D)
    assert (f.signed, f.signed_investment, f.started, f.funds) == (2, Decimal(200), 1, Decimal(20))
    assert f.start_rate == 0.5 and f.funds_rate == 0.1


def test_an_increase_adds_its_amount_but_not_a_project():
    f = counting.summarise([row(dt.date(2023, 3, 1)), row(dt.date(2023, 4, 1), increment=True, investment=50)],
                           2023, D)
    assert f.signed == 1 and f.signed_investment == Decimal(150)


def test_rates_are_zero_when_nothing_is_signed():
    f = counting.summarise([], 2023, D)
    assert f.start_rate == 0 and f.funds_rate == 0


def test_sla_timers_count_working_days():
    assert sla.add_working_days(dt.date(2023, 6, 2), 1) == dt.date(2023, 6, 5)  # Friday → Monday
    lead = sla.SlaIn(dt.date(2023, 6, 2), None, None, None, None, None, None, "线索", True)
    kinds = [w.kind for w in sla.warnings_at(lead, dt.date(2023, 6, 6), sla.SlaSettings())]
    assert kinds == ["answer"]
    kinds = [w.kind for w in sla.warnings_at(lead, dt.date(2023, 6, 30), sla.SlaSettings())]
    assert kinds == ["answer", "assess", "feedback", "progress"]


def test_a_signing_not_started_after_six_months_is_red():
    lead = sla.SlaIn(None, None, None, None, None, dt.date(2023, 1, 10), None, "签约", True)
    assert sla.warnings_at(lead, dt.date(2023, 7, 10), sla.SlaSettings()) == []
    warns = sla.warnings_at(lead, dt.date(2023, 7, 11), sla.SlaSettings())
    assert [w.kind for w in warns] == ["stalled"] and sla.light_of(warns) == "red"


def test_the_section_sentences_read_as_an_office_writes_them():
    facts = SectionFacts(6, 2, Decimal(30000), 10, Decimal(500000), 4, 0.4, Decimal(100000), 0.2,
                         [("叩门招商", 3, Decimal(120000))], Decimal(100))
    zh = sentences_zh(facts)
    assert zh[0] == "6月新签约项目2个，协议投资额3.00亿元。"
    assert "完成年度目标100.00亿元的50.0%" in zh[1] and "开工率40.0%" in zh[1]
    assert zh[2] == "分招商方式看：叩门招商3个、12.00亿元。"
    assert sentences_en(facts)[0].startswith("2 new projects signed")
