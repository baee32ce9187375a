"""Rounding once and writing sentences: the pure rules behind every printed figure."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S


def test_money_from_one_yi_is_shown_in_yi_with_one_decimal():
    assert N.quantity("亿元", [222.5, 55.818769]).say(55.818769) == "55.8亿元"
    assert N.quantity("万元", [558187.69]).say(558187.69) == "55.8亿元"
    assert N.quantity("万元", [3500, 1234.567]).say(1234.567) == "1234.57万元"


def test_counts_are_whole_and_other_quantities_keep_two_decimals():
    assert N.quantity("家", [500, 452]).say(452) == "452家"
    assert N.quantity("万平方米", [12.5, 3.333]).say(3.333) == "3.33万平方米"


def test_it_rounds_half_up_and_never_prints_minus_zero():
    assert N.text(N.percent(0.12345)) == "12.3"
    assert N.text(N.percent(0.12355)) == "12.4"
    assert N.text(N.points(N.pct(-0.04), N.pct(0.0))) == "0.0"


@given(st.floats(0, 3), st.floats(0, 1))
def test_the_printed_gap_is_the_difference_of_the_printed_percentages(completion, expected):
    c, e = N.percent(completion), N.percent(expected)
    gap = N.points(c, e)
    assert gap == c - e
    phrase = S.compare(gap, "序时进度")
    if gap > 0:
        assert phrase == f"高于序时进度{N.text(gap)}个百分点"
    elif gap < 0:
        assert phrase == f"低于序时进度{N.text(-gap)}个百分点"
    else:
        assert phrase == "与序时进度持平"


def test_the_indicator_sentence_reads_like_the_issue():
    text = S.indicator("固定资产投资", "flow", "58.8亿元", "222.5亿元", Decimal("26.4"), Decimal("-23.6"),
                       Decimal("-10.1"), None, False)
    assert "截至6月底，" + text + "。" == (
        "截至6月底，固定资产投资完成58.8亿元，完成年度目标222.5亿元的26.4%，低于序时进度23.6个百分点，"
        "低于计划曲线10.1个百分点。")


def test_growth_is_said_as_increase_decrease_or_flat():
    assert S.growth(Decimal("5.2")) == "同比增长5.2%"
    assert S.growth(Decimal("-3.1")) == "同比下降3.1%"
    assert S.growth(Decimal("0.0")) == "与上年同期持平"


def test_chinese_ordinals_number_headings():
    assert [S.ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_a_fronts_short_name_is_the_part_before_its_colon():
    assert S.short_title("项目建设战线：坚持项目立区，积蓄经济发展动能") == "项目建设战线"
    assert S.short_title("创新") == "创新"
