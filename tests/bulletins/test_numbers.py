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


def test_a_flow_is_said_against_its_time_and_plan():
    text = S.indicator(S.IndicatorFigures("固定资产投资", "flow", "58.8亿元", "222.5亿元", Decimal("26.4"),
                                          Decimal("-23.6"), Decimal("-10.1")))
    assert "截至6月底，" + text + "。" == (
        "截至6月底，固定资产投资完成58.8亿元，占年度目标222.5亿元的26.4%，低于序时进度23.6个百分点，"
        "低于计划进度10.1个百分点。")


def test_a_stock_is_said_as_its_net_growth_from_the_baseline_without_time():
    f = S.IndicatorFigures("高新技术企业", "stock", "452家", "500家", Decimal("51.0"), delta=Decimal(50),
                           goal="98家", unit="家")
    assert S.indicator(f) == "高新技术企业达到452家，较年初净增50家，完成年度净增目标98家的51.0%"
    assert "序时" not in S.indicator(f)


def test_a_rate_is_said_as_growth_against_its_target():
    f = S.IndicatorFigures("长春联塑销售额同比增长", "rate", "28.0", "30.0", Decimal("93.3"), rate=Decimal("28.0"),
                           vs_target=Decimal("-2.0"))
    assert S.indicator(f) == "长春联塑销售额同比增长28.0%，低于目标2.0个百分点"
    none_yet = S.IndicatorFigures("长春联塑销售额同比增长", "rate", "0", "30.0", Decimal(0), has_value=False)
    assert S.indicator(none_yet) == "长春联塑销售额同比增长暂无数据"


def test_after_its_due_date_an_indicator_is_done_or_short_by_so_much():
    met = S.IndicatorFigures("春季开工项目", "flow", "31个", "30个", Decimal("103.3"), Decimal("53.3"), done=True,
                             after_due=True, due="2023年5月31日")
    assert S.indicator(met) == "春季开工项目完成31个，占年度目标30个的103.3%，完成时限2023年5月31日，已完成"
    short = S.IndicatorFigures("春季开工项目", "flow", "27个", "30个", Decimal("90.0"), Decimal("-10.0"),
                               after_due=True, due="2023年5月31日", shortfall="3个")
    assert S.indicator(short).endswith("完成时限2023年5月31日，未完成（差3个）")
    assert "序时" not in S.indicator(short)


def test_starts_are_said_as_an_office_counts_them():
    assert S.starts(12, 8, Decimal("66.7"), 10, 9, Decimal("77.3")) == (
        "计划新开工12个、已开工8个，开工率66.7%；续建项目10个、已复工9个，开复工率77.3%")


def test_growth_is_said_as_increase_decrease_or_flat():
    assert S.growth(Decimal("5.2")) == "同比增长5.2%"
    assert S.growth(Decimal("-3.1")) == "同比下降3.1%"
    assert S.growth(Decimal("0.0")) == "与上年同期持平"


def test_chinese_ordinals_number_headings():
    assert [S.ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_a_fronts_short_name_is_the_part_before_its_colon():
    assert S.short_title("项目建设战线：坚持项目立区，积蓄经济发展动能") == "项目建设战线"
    assert S.short_title("创新") == "创新"
