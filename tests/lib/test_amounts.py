"""Amounts as ledgers write them: units, separators, full-width digits, percents."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.lib.amounts import (
    UNIT_FACTORS,
    convert,
    format_wan,
    format_yi,
    is_money_unit,
    parse_amount,
    parse_number,
    parse_percent,
    wan_to_yi,
)
from shigongtu.lib.errors import ValueProblem

money = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3500, "3500"),
        (1234.5, "1234.5"),
        (Decimal("12.25"), "12.25"),
        ("1,234.5", "1234.5"),
        ("１２３", "123"),
        (" 3500 ", "3500"),
        ("1.2亿", "12000"),
        ("3500万", "3500"),
        ("3500万元", "3500"),
        ("3500 万元", "3500"),
        ("222.5亿元", "2225000"),
        ("500元", "0.05"),
        ("12千元", "1.2"),
        ("１，２３４．５万元", "1234.5"),
    ],
)
def test_it_reads_amounts_in_wan(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


def test_it_reads_yi_as_ten_thousand_wan():
    assert parse_amount("1亿") == Decimal(10_000)
    assert parse_amount("1亿元", "亿元") == Decimal(1)


def test_numbers_are_in_the_header_unit_when_it_names_one():
    assert parse_amount(3, header_unit="亿元") == Decimal(30_000)
    assert parse_amount("3", header_unit="（亿元）") == Decimal(30_000)


def test_a_unit_in_the_cell_wins_over_the_header():
    assert parse_amount("3500万元", header_unit="亿元") == Decimal(3500)


def test_it_converts_to_the_unit_asked_for():
    assert parse_amount("3500万", "亿元") == Decimal("0.35")
    assert parse_amount("2", "元") == Decimal(2)


def test_a_quantity_may_repeat_its_own_unit():
    assert parse_amount("12个", "个") == Decimal(12)
    assert parse_amount("12.5%", "%") == Decimal("12.5")


def test_a_quantity_cannot_take_a_money_unit():
    with pytest.raises(ValueProblem) as caught:
        parse_amount("3万元", "个")
    assert "3万元" in caught.value.message_zh
    assert "个" in caught.value.message_zh


def test_a_percentage_is_not_an_amount():
    with pytest.raises(ValueProblem) as caught:
        parse_amount("12.5%")
    assert caught.value.message_zh == "「12.5%」是百分比，不是金额"
    assert caught.value.message_en == "12.5% is a percentage, not an amount"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        True,
        False,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        "abc",
        "12,34",
        "1e5",
        "约3500万",
        "3500美元",
        "1.2.3",
        [1],
    ],
)
def test_it_rejects_what_is_not_an_amount(raw):
    with pytest.raises(ValueProblem):
        parse_amount(raw)


def test_an_unknown_unit_is_named_with_the_choices():
    with pytest.raises(ValueProblem) as caught:
        parse_amount("3500美元")
    assert "美元" in caught.value.message_zh
    assert "万元" in caught.value.message_zh


def test_blank_says_it_is_empty():
    with pytest.raises(ValueProblem, match="金额为空"):
        parse_amount("  ")


def test_negative_amounts_need_permission():
    with pytest.raises(ValueProblem, match="不能为负数"):
        parse_amount("-5")
    assert parse_amount("-5", allow_negative=True) == Decimal(-5)
    assert parse_amount("－５万元", allow_negative=True) == Decimal(-5)
    assert parse_amount("-0") == Decimal(0)


def test_convert_between_money_units_is_exact():
    assert convert(Decimal("222.5"), "亿元", "万元") == Decimal(2_225_000)
    assert convert(Decimal(500), "元", "万元") == Decimal("0.05")
    assert convert(Decimal(7), "万", "万元") == Decimal(7)


def test_convert_leaves_a_unit_to_itself_alone():
    value = Decimal("1.50")
    assert convert(value, "个", "个") is value
    assert convert(value, "万元", "万元") is value


def test_convert_refuses_to_cross_from_money_to_quantity():
    with pytest.raises(ValueProblem):
        convert(Decimal(1), "万元", "亩")


def test_unit_factors_are_in_yuan():
    assert UNIT_FACTORS["元"] == 1
    assert UNIT_FACTORS["万元"] == UNIT_FACTORS["万"] == 10_000
    assert UNIT_FACTORS["亿元"] == UNIT_FACTORS["亿"] == 100_000_000
    assert is_money_unit(" 亿元 ")
    assert not is_money_unit("个")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (65, "65"),
        ("65", "65"),
        ("65%", "65"),
        ("65％", "65"),
        (" 65 % ", "65"),
        (0.65, "0.65"),
        ("100", "100"),
    ],
)
def test_it_reads_progress_in_percent_points(raw, expected):
    assert parse_percent(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "六十", "65 percent", "65万", True, None])
def test_it_rejects_what_is_not_a_percentage(raw):
    with pytest.raises(ValueProblem):
        parse_percent(raw)


def test_it_reads_plain_numbers_within_bounds():
    assert parse_number("1,000") == Decimal(1000)
    assert parse_number(" ２ ", minimum=0) == Decimal(2)
    with pytest.raises(ValueProblem, match="不能小于0"):
        parse_number("-1", minimum=0)
    with pytest.raises(ValueProblem, match="不能大于100"):
        parse_number(101, maximum=100)
    with pytest.raises(ValueProblem, match="无法识别的数字"):
        parse_number("3万")


def test_it_formats_wan_and_yi_as_bulletins_do():
    assert format_wan(Decimal(3500)) == "3,500.00万元"
    assert format_wan(Decimal("1234567.125")) == "1,234,567.13万元"
    assert format_wan(Decimal("0.5"), digits=0) == "1万元"
    assert format_wan(Decimal("-0.001")) == "0.00万元"
    assert format_yi(Decimal(2_225_000)) == "222.50亿元"
    assert wan_to_yi(Decimal(2_225_000)) == Decimal("222.5")


@given(money)
def test_a_formatted_amount_reads_back_as_itself_rounded(value):
    assert parse_amount(format_wan(value)) == value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@given(money)
def test_yi_written_in_a_cell_is_ten_thousand_wan(value):
    assert parse_amount(f"{value}亿") == value * 10_000
    assert parse_amount(f"{value}亿元", "亿元") == value


@given(money, st.sampled_from(sorted(UNIT_FACTORS)), st.sampled_from(sorted(UNIT_FACTORS)))
def test_converting_there_and_back_changes_nothing(value, a, b):
    assert convert(convert(value, a, b), b, a) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_do_not_change_the_value(value):
    assert parse_amount(f"{value:,}") == value
    assert parse_number(f"{value:,}") == value


@given(st.decimals(min_value=-(10**6), max_value=-Decimal("0.0001"), places=4))
def test_any_negative_amount_is_refused_by_default(value):
    with pytest.raises(ValueProblem):
        parse_amount(str(value))
    assert parse_amount(str(value), allow_negative=True) == value
