"""Warnings: lag, overdue, indicator lag and missing reports around the deadline day (contract §2)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from shigongtu.plans.rules.indicators import IndicatorIn, indicator_status
from shigongtu.plans.rules.lights import YELLOW
from shigongtu.plans.rules.rollup import ReportIn, compute_tree, reported_periods
from shigongtu.plans.rules.warnings import all_warnings, indicator_warnings, missing_reports, node_warnings
from tests.plans.rules.trees import PLAN_END, PLAN_START, ids_of, tree

# -- node warnings ---------------------------------------------------------------------------------


def node_warning_kinds(as_of: date, progress: float) -> list[tuple[str, str]]:
    nodes = tree(("1", {"start": date(2023, 1, 1), "due": date(2023, 1, 10)}))
    results = compute_tree(nodes, {1: progress}, PLAN_START, PLAN_END, as_of)
    return [(w.kind, w.light) for w in node_warnings(results, as_of)]


def test_a_yellow_node_before_its_due_date_gives_a_lag_warning() -> None:
    assert node_warning_kinds(date(2023, 1, 3), 20) == [("lag", "yellow")]


def test_a_red_node_before_its_due_date_gives_a_red_lag_warning() -> None:
    assert node_warning_kinds(date(2023, 1, 3), 5) == [("lag", "red")]


def test_a_node_lagging_on_its_due_date_is_not_yet_overdue() -> None:
    assert node_warning_kinds(date(2023, 1, 10), 85) == [("lag", "yellow")]


def test_a_node_past_its_due_date_gives_an_overdue_warning() -> None:
    assert node_warning_kinds(date(2023, 1, 12), 99) == [("overdue", "red")]


@pytest.mark.parametrize(
    ("as_of", "progress"),
    [(date(2023, 1, 3), 25), (date(2023, 2, 1), 100), (date(2022, 12, 1), 0)],  # green, done, pending
)
def test_green_done_and_pending_nodes_give_no_warning(as_of: date, progress: float) -> None:
    assert node_warning_kinds(as_of, progress) == []


def test_a_cancelled_node_gives_no_warning() -> None:
    nodes = tree(("1", {"due": date(2023, 1, 10), "cancelled": True}))
    results = compute_tree(nodes, {}, PLAN_START, PLAN_END, date(2023, 6, 1))
    assert node_warnings(results, date(2023, 6, 1)) == []


def test_an_overdue_warning_says_how_late() -> None:
    nodes = tree(("1", {"due": date(2023, 5, 31)}))
    results = compute_tree(nodes, {1: 60.0}, PLAN_START, PLAN_END, date(2023, 6, 10))
    [warning] = node_warnings(results, date(2023, 6, 10))
    assert warning.detail["days_overdue"] == 10
    assert warning.detail["due"] == "2023-05-31"
    assert warning.detail["progress"] == 60.0


# -- indicator warnings ----------------------------------------------------------------------------


def test_a_lagging_indicator_gives_an_indicator_lag_warning_naming_it() -> None:
    ind = IndicatorIn(7, 3, "固定资产投资", "亿元", "flow", 100.0, None)
    out = indicator_status(ind, {6: 30.0}, 2023, date(2023, 6, 30))
    [warning] = indicator_warnings([out], {3: "1.2"})
    assert (warning.kind, warning.code, warning.light) == ("indicator_lag", "1.2", "red")
    assert warning.indicator == "固定资产投资"
    assert warning.detail["lag"] == pytest.approx(20.0)


def test_an_indicator_on_track_gives_no_warning() -> None:
    ind = IndicatorIn(7, 3, "固定资产投资", "亿元", "flow", 100.0, None)
    assert indicator_warnings([indicator_status(ind, {6: 45.0}, 2023, date(2023, 6, 30))], {3: "1.2"}) == []


# -- missing reports --------------------------------------------------------------------------------


def missing(
    as_of: date,
    reports: Sequence[ReportIn] = (),
    *,
    start: date | None = None,
    progress: float = 0.0,
    deadline_day: int = 5,
    plan_year: int = 2023,
) -> list[str]:
    """Codes missing their report at ``as_of`` in a plan 1 › 1.1 (the leaf), 2023."""
    nodes = tree("1", ("1.1", {"start": start}))
    results = compute_tree(nodes, {2: progress}, PLAN_START, PLAN_END, as_of)
    warnings = missing_reports(results, reported_periods(reports), plan_year, as_of, deadline_day)
    assert all(w.kind == "missing_report" and w.light == YELLOW for w in warnings)
    return [w.code for w in warnings]


def test_a_report_is_not_missing_on_the_deadline_day() -> None:
    assert missing(date(2023, 4, 5)) == []


def test_a_report_is_missing_the_day_after_the_deadline() -> None:
    assert missing(date(2023, 4, 6)) == ["1.1"]


def test_only_leaves_miss_reports() -> None:
    assert "1" not in missing(date(2023, 4, 20))


def test_a_report_for_the_month_before_clears_it() -> None:
    assert missing(date(2023, 4, 6), [ReportIn(2, "2023-03", 1, "submitted", 10)]) == []


def test_a_report_for_another_month_does_not_clear_it() -> None:
    assert missing(date(2023, 4, 6), [ReportIn(2, "2023-04", 1, "submitted", 10)]) == ["1.1"]


def test_a_returned_report_does_not_clear_it() -> None:
    assert missing(date(2023, 4, 6), [ReportIn(2, "2023-03", 1, "returned", 10)]) == ["1.1"]


def test_a_leaf_starting_after_the_months_last_day_owes_no_report() -> None:
    assert missing(date(2023, 4, 6), start=date(2023, 4, 1)) == []


def test_a_leaf_starting_on_the_months_last_day_owes_a_report() -> None:
    assert missing(date(2023, 4, 6), start=date(2023, 3, 31)) == ["1.1"]


def test_a_done_leaf_owes_no_report() -> None:
    assert missing(date(2023, 4, 6), progress=100.0) == []


def test_a_cancelled_leaf_owes_no_report() -> None:
    nodes = tree(("1", {"cancelled": True}), "1.1", "2", ("2.1", {"cancelled": True}))
    results = compute_tree(nodes, {}, PLAN_START, PLAN_END, date(2023, 4, 6))
    assert [w.code for w in missing_reports(results, {}, 2023, date(2023, 4, 6))] == ["2"]


def test_the_deadline_day_is_the_plans_setting() -> None:
    assert missing(date(2023, 4, 10), deadline_day=10) == []
    assert missing(date(2023, 4, 11), deadline_day=10) == ["1.1"]


def test_in_january_of_the_plan_year_last_december_is_outside_it() -> None:
    assert missing(date(2023, 1, 20)) == []


def test_in_january_after_the_plan_year_its_december_report_is_owed() -> None:
    assert missing(date(2024, 1, 5)) == []
    assert missing(date(2024, 1, 6)) == ["1.1"]
    assert missing(date(2024, 1, 6), [ReportIn(2, "2023-12", 1, "approved", 90)]) == []


def test_in_february_after_the_plan_year_nothing_is_owed() -> None:
    assert missing(date(2024, 2, 20)) == []


def test_in_december_the_november_report_is_owed() -> None:
    assert missing(date(2023, 12, 6)) == ["1.1"]


def test_a_missing_report_names_its_period_and_deadline() -> None:
    nodes = tree("1")
    results = compute_tree(nodes, {}, PLAN_START, PLAN_END, date(2023, 4, 6))
    [warning] = missing_reports(results, {}, 2023, date(2023, 4, 6))
    assert warning.detail["period"] == "2023-03"
    assert warning.detail["deadline"] == "2023-04-05"


def test_a_deadline_day_outside_1_to_31_is_refused() -> None:
    with pytest.raises(ValueError, match="deadline day"):
        missing(date(2023, 4, 6), deadline_day=0)


# -- all warnings ----------------------------------------------------------------------------------


def test_all_warnings_are_ordered_by_natural_code_then_kind() -> None:
    nodes = tree("1", "1.2", "1.10", ("2", {"due": date(2023, 3, 31)}))
    ids = ids_of(nodes)
    as_of = date(2023, 4, 6)
    results = compute_tree(nodes, {}, PLAN_START, PLAN_END, as_of)
    ind = IndicatorIn(7, ids["1.2"], "高新技术企业", "家", "stock", 10.0, None)
    outs = [indicator_status(ind, {3: 1.0}, 2023, as_of)]
    found = [(w.code, w.kind) for w in all_warnings(results, outs, {}, 2023, as_of)]
    assert found == [
        ("1", "lag"),
        ("1.2", "indicator_lag"),
        ("1.2", "lag"),
        ("1.2", "missing_report"),
        ("1.10", "lag"),
        ("1.10", "missing_report"),
        ("2", "missing_report"),
        ("2", "overdue"),
    ]
