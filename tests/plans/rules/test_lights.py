"""Expected progress and the light of a node (contract §2: expected progress, light)."""

from __future__ import annotations

from datetime import date

import pytest

from shigongtu.plans.rules.lights import (
    CANCELLED,
    DONE,
    GREEN,
    PENDING,
    RED,
    YELLOW,
    Thresholds,
    completion_light,
    expected_progress,
    lag_light,
    node_light,
)

START = date(2023, 1, 1)
DUE = date(2023, 1, 10)  # ten days counted inclusively: each day is 10 points
TH = Thresholds()


def light(progress: float, as_of: date, *, cancelled: bool = False, th: Thresholds = TH) -> str:
    return node_light(progress, expected_progress(START, DUE, as_of), START, DUE, as_of, cancelled, th)


def test_expected_is_zero_before_the_start() -> None:
    assert expected_progress(START, DUE, date(2022, 12, 31)) == 0.0


def test_the_start_day_counts_as_the_first_day() -> None:
    assert expected_progress(START, DUE, START) == 10.0


def test_expected_grows_by_calendar_days_between_start_and_due() -> None:
    assert expected_progress(START, DUE, date(2023, 1, 3)) == 30.0
    assert expected_progress(date(2023, 3, 1), date(2023, 5, 31), date(2023, 4, 15)) == 100 * 46 / 92


def test_at_a_month_end_a_task_of_whole_months_is_judged_by_months() -> None:
    year = (date(2023, 1, 1), date(2023, 12, 31))
    assert expected_progress(*year, date(2023, 6, 30)) == 50.0  # 时间过半, not 49.6 by days
    assert expected_progress(*year, date(2023, 2, 28)) == 100 * 2 / 12
    assert expected_progress(date(2023, 3, 1), date(2023, 5, 31), date(2023, 4, 30)) == 100 * 2 / 3


def test_off_a_month_end_the_days_are_counted_inclusively() -> None:
    assert expected_progress(date(2023, 1, 1), date(2023, 12, 31), date(2023, 6, 29)) == 100 * 180 / 365
    assert expected_progress(date(2023, 1, 15), date(2023, 12, 31), date(2023, 6, 30)) == 100 * 167 / 351


def test_expected_is_a_hundred_on_the_due_day_and_after() -> None:
    assert expected_progress(START, DUE, DUE) == 100.0
    assert expected_progress(START, DUE, date(2023, 6, 1)) == 100.0


def test_expected_of_a_one_day_task_jumps_from_zero_to_a_hundred_on_that_day() -> None:
    day = date(2023, 5, 1)
    assert expected_progress(day, day, date(2023, 4, 30)) == 0.0
    assert expected_progress(day, day, day) == 100.0


def test_lag_below_ten_is_green() -> None:
    assert light(20.01, date(2023, 1, 3)) == GREEN  # expected 30


def test_lag_of_exactly_ten_is_yellow() -> None:
    assert light(20.0, date(2023, 1, 3)) == YELLOW


def test_lag_just_below_twenty_is_yellow() -> None:
    assert light(10.01, date(2023, 1, 3)) == YELLOW


def test_lag_of_exactly_twenty_is_red() -> None:
    assert light(10.0, date(2023, 1, 3)) == RED


def test_float_noise_does_not_move_a_lag_off_its_threshold() -> None:
    assert lag_light(10 - 1e-12) == YELLOW
    assert lag_light(20 - 1e-12) == RED
    assert lag_light(9.99) == GREEN


def test_the_thresholds_are_the_plans_settings() -> None:
    strict = Thresholds(yellow=5, red=8)
    assert light(25.0, date(2023, 1, 3), th=strict) == YELLOW
    assert light(22.0, date(2023, 1, 3), th=strict) == RED
    assert light(25.1, date(2023, 1, 3), th=strict) == GREEN


def test_a_node_past_its_due_date_is_red_whatever_its_lag() -> None:
    assert light(99.9, date(2023, 1, 12)) == RED


def test_a_node_on_its_due_date_is_judged_by_lag_not_overdue() -> None:
    assert light(91.0, DUE) == GREEN
    assert light(85.0, DUE) == YELLOW


def test_a_node_before_its_start_is_pending() -> None:
    assert light(0.0, date(2022, 12, 31)) == PENDING


def test_a_node_at_a_hundred_is_done_even_overdue_or_not_started() -> None:
    assert light(100.0, date(2023, 3, 1)) == DONE
    assert light(100.0, date(2022, 12, 1)) == DONE


def test_cancelled_comes_before_every_other_light() -> None:
    assert light(100.0, date(2023, 3, 1), cancelled=True) == CANCELLED
    assert light(0.0, date(2023, 3, 1), cancelled=True) == CANCELLED


def test_completion_of_one_is_done() -> None:
    assert completion_light(1.0, 0.5) == DONE
    assert completion_light((0.7 + 0.1) / 0.8, 0.9) == DONE  # 0.7999999999999999 / 0.8


def test_completion_lag_is_in_percentage_points() -> None:
    assert completion_light(0.41, 0.5) == GREEN
    assert completion_light(0.4, 0.5) == YELLOW  # 100 · (0.5 − 0.4) is 9.999999999999998 in floats
    assert completion_light(0.3, 0.5) == RED


@pytest.mark.parametrize(("yellow", "red"), [(10, 5), (-1, 20), (float("nan"), 20)])
def test_thresholds_must_be_ordered_and_finite(yellow: float, red: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        Thresholds(yellow=yellow, red=red)
