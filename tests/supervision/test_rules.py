"""The pure rules: lights at d (contract §4), lifecycle moves, default deadlines, 度分秒, sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.lib.errors import ValueProblem
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.supervision.rules.coords import parse_degrees, to_dms
from shigongtu.supervision.rules.deadlines import default_deadline
from shigongtu.supervision.rules.lights import ItemFacts, feedback_due, first_open_node, light
from shigongtu.supervision.rules.sentences import OverdueGroup, SectionFacts, section_sentences

D = dt.date(2023, 6, 15)
dates = st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31))


def test_it_lights_by_the_deadline() -> None:
    assert light(ItemFacts("办理中", D - dt.timedelta(days=1)), D) == "red"
    assert light(ItemFacts("办理中", D), D) == "yellow"
    assert light(ItemFacts("办理中", D + dt.timedelta(days=3)), D) == "yellow"
    assert light(ItemFacts("办理中", D + dt.timedelta(days=4)), D) == "green"
    assert light(ItemFacts("办理中", None), D) == "green"


def test_closed_means_a_closing_date_on_or_before_d() -> None:
    facts = ItemFacts("已销号", D - dt.timedelta(days=30), closed_on=D)
    assert light(facts, D) == "done"
    assert light(facts, D - dt.timedelta(days=1)) == "red"  # not yet closed then, and past the deadline
    assert light(ItemFacts("已办结", D - dt.timedelta(days=30)), D) == "done"


def test_a_missed_time_node_is_yellow_and_two_silent_cycles_are_red() -> None:
    far = D + dt.timedelta(days=60)
    assert light(ItemFacts("办理中", far, node_missed_after=D - dt.timedelta(days=1)), D) == "yellow"
    assert light(ItemFacts("办理中", far, feedback_due=D - dt.timedelta(days=1)), D) == "red"
    assert feedback_due("每周", D) == D + dt.timedelta(days=14)
    assert feedback_due("节点", D) is None
    assert first_open_node([{"name": "a", "date": "2023-05-01", "done_on": "2023-04-30"},
                            {"name": "b", "date": "2023-07-01"}]) == dt.date(2023, 7, 1)


@given(deadline=st.one_of(st.none(), dates), day=dates, closed=st.one_of(st.none(), dates),
       status=st.sampled_from(lc.STATES))
def test_every_item_has_exactly_one_light_and_done_wins(deadline: dt.date | None, day: dt.date,
                                                        closed: dt.date | None, status: str) -> None:
    facts = ItemFacts(status, deadline, closed_on=closed)
    result = light(facts, day)
    assert result in ("done", "red", "yellow", "green")
    if (closed is not None and closed <= day) or status in ("已办结", "无需整改"):
        assert result == "done"
    elif deadline is not None and day > deadline:
        assert result == "red"


def test_the_lifecycle_allows_only_forward_moves_and_returns() -> None:
    assert lc.can_move("已交办", "已签收")
    assert lc.can_move("已办结", "办理中")  # 退回重办
    assert not lc.can_move("已销号", "办理中")
    assert not lc.can_move("已交办", "已销号")
    assert lc.read_state("未整改") == "办理中" and lc.read_state("已完成") == "已办结" and lc.read_state("x") is None


def test_default_deadlines_follow_the_document_kind() -> None:
    day = dt.date(2023, 3, 1)
    assert default_deadline(day, "上级交办") == dt.date(2023, 3, 31)
    assert default_deadline(day, "会议议定") == dt.date(2023, 3, 21)
    assert default_deadline(day, "领导批示") == dt.date(2023, 3, 16)
    assert default_deadline(day, "领导批示", "急件") == dt.date(2023, 3, 6)


@pytest.mark.parametrize("text", ["125°27′10″", "125°27'10\"", "125度27分10秒", "东经125°27′10″", "125°27′10″E"])
def test_it_reads_degrees_minutes_seconds(text: str) -> None:
    assert float(parse_degrees(text)) == pytest.approx(125.452778, abs=1e-6)


@pytest.mark.parametrize("text", ["125°61′10″", "abc", "125°27′70″", "12x"])
def test_malformed_dms_is_refused(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_degrees(text)


@given(st.decimals(min_value=Decimal("73.5"), max_value=Decimal("135"), places=4))
def test_dms_text_reads_back_to_the_same_degrees(value: Decimal) -> None:
    assert abs(parse_degrees(to_dms(value)) - value) < Decimal("0.00001")


def test_the_bulletin_sentences_name_rates_and_overdue_units() -> None:
    facts = SectionFacts("6月", total=20, closed=10, done=15, closed_this_month=3, overdue=2, done_rate=0.75,
                         closure_rate=0.5, overdue_by_unit=(OverdueGroup("建设局", 2, ("王五（示例）",)),))
    text = "".join(section_sentences(facts))
    assert "共有督办事项20项" in text and "办结率75.0%" in text and "销号率50.0%" in text
    assert "6月销号3项" in text and "建设局2项（王五（示例））" in text
    assert section_sentences(SectionFacts("6月", 0, 0, 0, 0, 0, 0.0, 0.0)) == ["本期无督办事项。"]
