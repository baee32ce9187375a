"""Indicators judged on the last complete month: flow and stock, 序时 and plan curve (contract §2)."""

from __future__ import annotations

from datetime import date

import pytest

from shigongtu.lib.errors import ValueProblem
from shigongtu.plans.rules.indicators import (
    IndicatorIn,
    indicator_status,
    last_complete_month,
    validate_curve,
)
from shigongtu.plans.rules.lights import DONE, GREEN, RED, YELLOW, Thresholds


def flow(target: float = 240.0, curve: tuple[float, ...] | None = None) -> IndicatorIn:
    return IndicatorIn(7, 3, "固定资产投资", "亿元", "flow", target, curve)


def stock(target: float = 10.0) -> IndicatorIn:
    return IndicatorIn(8, 3, "高新技术企业", "家", "stock", target, None)


BACK_LOADED = (0.01, 0.02, 0.055, 0.12, 0.24, 0.365, 0.49, 0.62, 0.76, 0.88, 0.95, 1.0)


# -- the last complete month m ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "m"),
    [
        (date(2023, 3, 31), 3),  # the last day of March completes March
        (date(2023, 3, 30), 2),
        (date(2023, 4, 1), 3),
        (date(2023, 1, 30), 0),  # January before the 31st: nothing complete yet
        (date(2023, 1, 31), 1),
        (date(2023, 2, 28), 2),
        (date(2023, 12, 30), 11),
        (date(2023, 12, 31), 12),
        (date(2022, 12, 31), 0),  # before the plan year
        (date(2024, 1, 15), 12),  # after it
    ],
)
def test_the_last_complete_month(as_of: date, m: int) -> None:
    assert last_complete_month(as_of, 2023) == m


def test_february_29_completes_february_in_a_leap_year() -> None:
    assert last_complete_month(date(2024, 2, 28), 2024) == 1
    assert last_complete_month(date(2024, 2, 29), 2024) == 2


# -- actual, expected share, completion ----------------------------------------------------------


def test_a_flow_adds_up_months_1_to_m() -> None:
    out = indicator_status(flow(), {1: 10, 2: 20, 3: 30, 4: 40}, 2023, date(2023, 3, 31), Thresholds())
    assert (out.month, out.actual, out.completion, out.expected_share) == (3, 60.0, 0.25, 0.25)
    assert out.light == GREEN


def test_a_flow_ignores_the_month_not_yet_complete() -> None:
    out = indicator_status(flow(), {1: 10, 2: 20, 3: 30, 4: 40}, 2023, date(2023, 4, 29), Thresholds())
    assert out.actual == 60.0


def test_a_stock_takes_the_latest_month_with_a_value() -> None:
    values = {1: 5.0, 3: 8.0, 4: 9.0}
    assert indicator_status(stock(), values, 2023, date(2023, 3, 31)).actual == 8.0
    # m = 2 on March 30, and February has no value: January's stands
    assert indicator_status(stock(), values, 2023, date(2023, 3, 30)).actual == 5.0


def test_a_stock_without_any_value_up_to_m_is_zero() -> None:
    assert indicator_status(stock(), {4: 9.0}, 2023, date(2023, 3, 31)).actual == 0.0


def test_the_expected_share_is_m_over_12_without_a_curve() -> None:
    assert indicator_status(flow(), {}, 2023, date(2023, 7, 31)).expected_share == 7 / 12


def test_the_expected_share_follows_the_plan_curve() -> None:
    out = indicator_status(flow(curve=BACK_LOADED), {1: 5, 2: 5, 3: 3.2}, 2023, date(2023, 3, 31))
    assert out.expected_share == 0.055
    assert out.completion == 13.2 / 240
    assert out.light == GREEN  # 0.5 points behind the curve; 19.5 behind 3/12 would have been yellow


def test_nothing_is_expected_in_january_before_the_31st() -> None:
    out = indicator_status(flow(curve=BACK_LOADED), {}, 2023, date(2023, 1, 30))
    assert (out.month, out.expected_share, out.actual, out.light) == (0, 0.0, 0.0, GREEN)


def test_an_indicator_that_reached_its_target_is_done() -> None:
    out = indicator_status(flow(target=0.8), {1: 0.7, 2: 0.1}, 2023, date(2023, 2, 28))
    assert out.light == DONE


@pytest.mark.parametrize(
    ("actual", "light"),
    [(41.0, GREEN), (40.0, YELLOW), (31.0, YELLOW), (30.0, RED)],
)
def test_indicator_lag_thresholds_are_in_points(actual: float, light: str) -> None:
    out = indicator_status(flow(target=100), {6: actual}, 2023, date(2023, 6, 30))  # expected 0.5
    assert out.light == light


@pytest.mark.parametrize("target", [0.0, -5.0, float("nan")])
def test_a_target_that_is_not_positive_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="target"):
        indicator_status(flow(target=target), {}, 2023, date(2023, 6, 30))


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="flow, stock or rate"):
        indicator_status(IndicatorIn(1, 1, "x", "", "ratio", 1.0, None), {}, 2023, date(2023, 6, 30))


# -- plan curves ---------------------------------------------------------------------------------


def test_a_curve_of_fractions_is_kept() -> None:
    assert validate_curve(BACK_LOADED) == BACK_LOADED


def test_a_curve_of_percentages_becomes_fractions() -> None:
    percent = [1, 2, 5.5, 12, 24, 36.5, 49, 62, 76, 88, 95, 100]
    assert validate_curve(percent) == pytest.approx(BACK_LOADED)


def test_a_last_share_within_1e_9_of_one_is_one() -> None:
    assert validate_curve([*BACK_LOADED[:11], 1 - 1e-10])[-1] == 1.0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (BACK_LOADED[:11], "12 monthly values"),
        ([0.1, 0.05, *BACK_LOADED[2:]], "must not decrease"),
        ([*BACK_LOADED[:11], 0.99], "December share must be 1"),
        ([-0.1, *BACK_LOADED[1:]], "outside 0–1"),
        ([*BACK_LOADED[:11], 120], "outside 0–1"),  # read as percentages: 120 %
        (["abc", *BACK_LOADED[1:]], "not a number"),
    ],
)
def test_a_bad_curve_is_refused_saying_why(values: list[float], message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        validate_curve(values)
    assert message in caught.value.message_en


# Contract §2 as amended: kinds, baseline, due date, cumulative values — hand-computed cases.

def ind(kind: str, target: float, **kw: object) -> IndicatorIn:
    return IndicatorIn(9, 3, "x", "", kind, target, **kw)  # type: ignore[arg-type]


def test_a_stock_counts_the_years_work_from_its_baseline() -> None:
    out = indicator_status(ind("stock", 500, baseline=402), {6: 452}, 2023, date(2023, 6, 30))
    assert out.completion == (452 - 402) / (500 - 402)  # 51.0 %, not 452/500 = 90.4 %
    assert (out.expected_share, out.light) == (0.5, "green")


def test_a_stock_without_a_value_stands_at_its_baseline() -> None:
    out = indicator_status(ind("stock", 500, baseline=402), {}, 2023, date(2023, 6, 30))
    assert (out.actual, out.completion, out.light) == (402, 0.0, "red")


def test_a_reduction_target_reads_the_same_way() -> None:
    out = indicator_status(ind("stock", 80, baseline=100), {6: 90}, 2023, date(2023, 6, 30))
    assert out.completion == 0.5


def test_a_stock_whose_target_equals_its_baseline_is_refused() -> None:
    with pytest.raises(ValueError, match="baseline"):
        indicator_status(ind("stock", 402, baseline=402), {}, 2023, date(2023, 6, 30))


def test_a_rate_is_judged_against_its_whole_target_every_month() -> None:
    out = indicator_status(ind("rate", 30), {5: 31, 6: 28}, 2023, date(2023, 6, 30))
    assert (out.actual, out.expected_share) == (28, 1.0)
    assert out.completion == 28 / 30 and out.light == "green"  # lag 6.7 points
    assert indicator_status(ind("rate", 30), {6: 25}, 2023, date(2023, 6, 30)).light == "yellow"  # 16.7


def test_a_rate_above_target_is_done_only_in_december() -> None:
    assert indicator_status(ind("rate", 30), {6: 31}, 2023, date(2023, 6, 30)).light == "green"
    assert indicator_status(ind("rate", 30), {12: 31}, 2023, date(2023, 12, 31)).light == "done"


def test_a_rate_without_a_value_is_pending() -> None:
    out = indicator_status(ind("rate", 30), {}, 2023, date(2023, 6, 30))
    assert (out.completion, out.light) == (0.0, "pending")


@pytest.mark.parametrize("target", [0.0, -3.0])
def test_a_rate_target_that_is_not_positive_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="target"):
        indicator_status(ind("rate", target), {}, 2023, date(2023, 6, 30))


def test_a_cumulative_flow_takes_its_latest_year_to_date_value() -> None:
    out = indicator_status(ind("flow", 100, cumulative=True), {1: 10, 2: 25, 3: 40, 4: 55}, 2023, date(2023, 3, 31))
    assert (out.actual, out.completion) == (40, 0.4)


def test_a_due_date_shortens_the_linear_yardstick() -> None:
    spring = ind("flow", 30, due=date(2023, 5, 31))  # 春季开工: 30 by the end of May
    out = indicator_status(spring, {1: 2, 2: 3, 3: 8, 4: 10}, 2023, date(2023, 4, 30))
    assert out.expected_share == 4 / 5 and out.completion == 23 / 30


def test_after_its_due_date_an_indicator_is_done_or_missed() -> None:
    spring = ind("flow", 30, due=date(2023, 5, 31))
    missed = indicator_status(spring, {3: 10, 4: 10, 5: 8}, 2023, date(2023, 6, 30))
    assert (missed.light, missed.after_due) == ("red", True)
    met = indicator_status(spring, {3: 10, 4: 10, 5: 10}, 2023, date(2023, 6, 30))
    assert (met.light, met.after_due) == ("done", True)


def test_a_plan_curve_wins_over_the_due_date() -> None:
    out = indicator_status(ind("flow", 100, curve=BACK_LOADED, due=date(2023, 6, 30)), {}, 2023, date(2023, 3, 31))
    assert out.expected_share == BACK_LOADED[2]


def test_a_decreasing_year_to_date_series_is_found_month_by_month() -> None:
    from shigongtu.plans.rules.indicators import decreasing_months

    assert decreasing_months({1: 10, 2: 25, 3: 24, 4: 30, 5: 29}) == [3, 5]
