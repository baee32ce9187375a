"""Dates and report months as ledgers write them, and the last complete month of a plan."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import (
    Period,
    format_date_zh,
    last_complete_month,
    month_span_zh,
    parse_date,
    parse_period,
)

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
periods = st.builds(
    Period, st.integers(min_value=1901, max_value=2099), st.integers(min_value=1, max_value=12)
)


@pytest.mark.parametrize(
    "raw",
    [
        date(2023, 3, 31),
        datetime(2023, 3, 31, 17, 45),
        45016,
        45016.5,
        Decimal(45016),
        20230331,
        "2023-03-31",
        "2023/3/31",
        "2023年3月31日",
        "2023年3月31号",
        "2023.3.31",
        "20230331",
        "２０２３年３月３１日",
        " 2023 年 3 月 31 日 ",
        "2023-03-31 00:00:00",
        "2023-03-31T08:30",
    ],
)
def test_it_reads_a_day_in_every_form_ledgers_use(raw):
    assert parse_date(raw) == date(2023, 3, 31)


@pytest.mark.parametrize("raw", ["2023-03", "2023/3", "2023年3月", "2023.3", "2023年03月", "2023-3"])
def test_a_month_starts_on_its_first_day_and_is_due_on_its_last(raw):
    assert parse_date(raw) == date(2023, 3, 1)
    assert parse_date(raw, as_end=True) == date(2023, 3, 31)


def test_a_february_due_month_ends_on_the_leap_day():
    assert parse_date("2024年2月", as_end=True) == date(2024, 2, 29)


def test_as_end_leaves_a_full_date_alone():
    assert parse_date("2023-03-15", as_end=True) == date(2023, 3, 15)


def test_an_impossible_day_is_named_with_the_reason():
    with pytest.raises(ValueProblem) as caught:
        parse_date("2023-02-30")
    assert caught.value.message_zh == "无法识别的日期：2023-02-30（2023年2月只有28天）"
    assert caught.value.message_en == "not a date: 2023-02-30 (Feb 2023 has 28 days)"


def test_month_thirteen_is_not_a_date():
    with pytest.raises(ValueProblem) as caught:
        parse_date("2023-13-01")
    assert caught.value.message_zh.startswith("无法识别的日期：2023-13-01")
    assert caught.value.message_en.startswith("not a date: 2023-13-01")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        None,
        True,
        "abc",
        "2023-3/31",
        "2023-00-10",
        "2023-03-00",
        "1023-01-01",
        "2023",
        2023,
        2023.3,
        12,
        float("nan"),
        "2023年1-2月",
        "31/03/2023",
        [2023, 3, 31],
    ],
)
def test_it_rejects_what_is_not_a_date(raw):
    with pytest.raises(ValueProblem):
        parse_date(raw)


def test_a_number_that_is_no_excel_date_asks_for_a_written_date():
    with pytest.raises(ValueProblem, match="2023-03-31"):
        parse_date(2023.3)


def test_excel_serials_count_as_excel_shows_them():
    assert parse_date(18264) == date(1950, 1, 1)
    assert parse_date(44927) == date(2023, 1, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2023-03",
        "2023/3",
        "2023年3月",
        "2023年03月",
        "2023年3月份",
        "2023.3",
        "202303",
        202303,
        "2023-03-17",
        date(2023, 3, 17),
        datetime(2023, 3, 31, 23, 59),
        45016,
        Period(2023, 3),
    ],
)
def test_it_reads_a_report_month(raw):
    assert parse_period(raw) == Period(2023, 3)


@pytest.mark.parametrize("raw", ["", None, "2023年1-2月", "2023-13", "202313", "三月", True])
def test_it_rejects_what_is_not_a_month(raw):
    with pytest.raises(ValueProblem, match="月份"):
        parse_period(raw)


def test_a_period_knows_its_key_days_and_labels():
    period = Period.parse("2023年3月")

    assert period.key == "2023-03"
    assert str(period) == "2023-03"
    assert period.first_day == date(2023, 3, 1)
    assert period.last_day == date(2023, 3, 31)
    assert period.label_zh == "2023年3月"
    assert period.label_en == "Mar 2023"
    assert date(2023, 3, 9) in period
    assert date(2023, 4, 1) not in period


def test_periods_step_across_years():
    assert Period(2023, 12).next() == Period(2024, 1)
    assert Period(2024, 1).prev() == Period(2023, 12)
    assert Period(2023, 5).shift(-17) == Period(2021, 12)


def test_periods_sort_by_year_then_month():
    assert sorted([Period(2024, 1), Period(2023, 12), Period(2023, 2)]) == [
        Period(2023, 2),
        Period(2023, 12),
        Period(2024, 1),
    ]


def test_a_period_refuses_month_thirteen():
    with pytest.raises(ValueProblem):
        Period(2023, 13)


def test_it_writes_dates_and_spans_as_documents_do():
    assert format_date_zh(date(2023, 3, 1)) == "2023年3月1日"
    assert month_span_zh(Period(2023, 3), Period(2023, 3)) == "2023年3月"
    assert month_span_zh(Period(2023, 1), Period(2023, 5)) == "2023年1—5月"
    assert month_span_zh(Period(2022, 11), Period(2023, 2)) == "2022年11月—2023年2月"
    with pytest.raises(ValueError):
        month_span_zh(Period(2023, 5), Period(2023, 1))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 1, 15), 0),
        (date(2023, 1, 31), 1),
        (date(2023, 3, 30), 2),
        (date(2023, 3, 31), 3),
        (date(2023, 12, 31), 12),
        (date(2022, 6, 30), 0),
        (date(2024, 1, 10), 12),
        (date(2024, 2, 29), 12),
    ],
)
def test_last_complete_month_follows_the_contract(as_of, expected):
    assert last_complete_month(as_of, 2023) == expected


@given(days)
def test_every_written_form_of_a_day_reads_back(day):
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        day.strftime("%Y%m%d"),
        format_date_zh(day),
    ):
        assert parse_date(text) == day


@given(days)
def test_excel_serials_round_trip(day):
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(serial + 0.99) == day


@given(periods)
def test_a_period_reads_back_from_its_key_and_label(period):
    assert Period.parse(period.key) == period
    assert parse_period(period.label_zh) == period
    assert parse_date(period.key) == period.first_day
    assert parse_date(period.key, as_end=True) == period.last_day
    assert period.last_day + timedelta(days=1) == period.next().first_day


@given(periods, st.integers(min_value=-300, max_value=300))
def test_shifting_there_and_back_changes_nothing(period, months):
    assert period.shift(months).shift(-months) == period
    assert (period.shift(months) > period) == (months > 0)


@given(days, days, st.integers(min_value=1950, max_value=2100))
def test_last_complete_month_is_bounded_and_never_goes_back(a, b, year):
    early, late = sorted((a, b))
    assert 0 <= last_complete_month(early, year) <= last_complete_month(late, year) <= 12
