"""Leaf progress from reports and the weighted roll-up of the plan tree (contract §2)."""

from __future__ import annotations

from datetime import date

import pytest

from shigongtu.plans.rules.lights import CANCELLED, DONE, GREEN, PENDING, RED, YELLOW
from shigongtu.plans.rules.rollup import (
    NodeIn,
    Pinned,
    ReportIn,
    RollupState,
    compute_tree,
    leaf_progress,
    natural_code_key,
    reported_periods,
)
from tests.plans.rules.trees import PLAN_END, PLAN_START, ids_of, roll, tree

JUNE_30 = date(2023, 6, 30)


# -- leaf progress from reports ------------------------------------------------------------


def test_leaf_progress_is_the_latest_periods_report() -> None:
    reports = [ReportIn(1, "2023-03", 1, "submitted", 40), ReportIn(1, "2023-04", 2, "submitted", 55)]
    assert leaf_progress(reports, date(2023, 4, 30)) == {1: 55.0}


def test_a_later_period_wins_over_a_later_submission_of_an_earlier_period() -> None:
    reports = [ReportIn(1, "2023-04", 1, "submitted", 20), ReportIn(1, "2023-03", 9, "submitted", 50)]
    assert leaf_progress(reports, date(2023, 4, 30)) == {1: 20.0}


def test_within_a_period_the_last_submitted_report_wins_whatever_the_order_given() -> None:
    reports = [ReportIn(1, "2023-03", 9, "submitted", 50), ReportIn(1, "2023-03", 5, "submitted", 30)]
    assert leaf_progress(reports, date(2023, 3, 31)) == {1: 50.0}
    assert leaf_progress(reversed(reports), date(2023, 3, 31)) == {1: 50.0}


def test_returned_reports_are_ignored() -> None:
    reports = [
        ReportIn(1, "2023-03", 1, "submitted", 40),
        ReportIn(1, "2023-04", 2, "returned", 60),
        ReportIn(1, "2023-03", 3, "returned", 45),
    ]
    assert leaf_progress(reports, date(2023, 4, 30)) == {1: 40.0}


def test_approved_reports_count() -> None:
    assert leaf_progress([ReportIn(1, "2023-03", 1, "approved", 35)], date(2023, 3, 31)) == {1: 35.0}


def test_drafts_do_not_count_because_nobody_submitted_them() -> None:
    reports = [ReportIn(1, "2023-03", 1, "submitted", 40), ReportIn(1, "2023-04", 2, "draft", 90)]
    assert leaf_progress(reports, date(2023, 4, 30)) == {1: 40.0}


def test_reports_for_periods_after_the_as_of_month_are_ignored() -> None:
    reports = [ReportIn(1, "2023-04", 1, "submitted", 40), ReportIn(1, "2023-05", 2, "submitted", 70)]
    assert leaf_progress(reports, date(2023, 4, 1)) == {1: 40.0}
    assert leaf_progress(reports, date(2023, 5, 1)) == {1: 70.0}


def test_a_node_without_a_counting_report_is_absent() -> None:
    reports = [ReportIn(1, "2023-05", 1, "submitted", 40), ReportIn(2, "2023-03", 1, "returned", 40)]
    assert leaf_progress(reports, date(2023, 4, 30)) == {}


def test_reported_progress_is_clamped_to_0_to_100() -> None:
    reports = [ReportIn(1, "2023-03", 1, "submitted", 130), ReportIn(2, "2023-03", 2, "submitted", -5)]
    assert leaf_progress(reports, date(2023, 3, 31)) == {1: 100.0, 2: 0.0}


@pytest.mark.parametrize("period", ["2023-3", "2023-13", "2023/03", "202303"])
def test_a_period_not_written_yyyy_mm_is_refused(period: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        leaf_progress([ReportIn(1, period, 1, "submitted", 10)], date(2023, 12, 31))


def test_reported_periods_list_the_periods_with_a_counting_report() -> None:
    reports = [
        ReportIn(1, "2023-03", 1, "submitted", 10),
        ReportIn(1, "2023-04", 2, "returned", 10),
        ReportIn(2, "2023-04", 3, "draft", 10),
        ReportIn(2, "2023-03", 4, "approved", 10),
    ]
    assert reported_periods(reports) == {1: {"2023-03"}, 2: {"2023-03"}}


# -- parent progress -----------------------------------------------------------------------


def test_it_rolls_up_by_weight() -> None:
    nodes = tree("1", ("1.1", {"weight": 3}), ("1.2", {"weight": 1}))
    assert roll(nodes, {"1.1": 40, "1.2": 80}, JUNE_30)["1"].progress == (3 * 40 + 1 * 80) / 4


def test_weights_need_not_add_up_to_one_or_be_whole() -> None:
    nodes = tree("1", ("1.1", {"weight": 0.3}), ("1.2", {"weight": 0.2}))
    assert roll(nodes, {"1.1": 50, "1.2": 100}, JUNE_30)["1"].progress == pytest.approx(70.0, abs=1e-12)


def test_a_child_of_weight_zero_does_not_count() -> None:
    nodes = tree("1", ("1.1", {"weight": 1}), ("1.2", {"weight": 0}))
    assert roll(nodes, {"1.1": 40, "1.2": 100}, JUNE_30)["1"].progress == 40.0


def test_when_every_weight_is_zero_the_children_weigh_equally() -> None:
    nodes = tree("1", ("1.1", {"weight": 0}), ("1.2", {"weight": 0}), ("1.3", {"weight": 0}))
    assert roll(nodes, {"1.1": 40, "1.2": 80, "1.3": 30}, JUNE_30)["1"].progress == 50.0


def test_the_default_weight_one_gives_the_plain_mean() -> None:
    nodes = tree("1", "1.1", "1.2")
    assert roll(nodes, {"1.1": 25, "1.2": 50}, JUNE_30)["1"].progress == 37.5


def test_a_leaf_without_a_report_counts_as_zero() -> None:
    nodes = tree("1", "1.1", "1.2")
    out = roll(nodes, {"1.1": 60}, JUNE_30)
    assert out["1.2"].progress == 0.0
    assert out["1"].progress == 30.0


def test_a_parents_own_report_is_ignored_while_it_has_children() -> None:
    nodes = tree("1", "1.1")
    assert roll(nodes, {"1": 90, "1.1": 20}, JUNE_30)["1"].progress == 20.0


def test_no_rounding_before_presentation() -> None:
    nodes = tree("1", "1.1", "1.2", "1.3")
    assert roll(nodes, {"1.1": 10, "1.2": 10, "1.3": 0}, JUNE_30)["1"].progress == 20 / 3


def test_it_rolls_up_through_several_levels() -> None:
    nodes = tree("1", ("1.1", {"weight": 2}), "1.1.1", "1.1.2", "1.2", "2")
    out = roll(nodes, {"1.1.1": 20, "1.1.2": 60, "1.2": 70, "2": 10}, JUNE_30)
    assert out["1.1"].progress == 40.0
    assert out["1"].progress == (2 * 40 + 70) / 3
    assert out["2"].progress == 10.0


def test_a_cancelled_child_is_left_out_of_its_parent() -> None:
    nodes = tree("1", "1.1", ("1.2", {"cancelled": True, "weight": 5}))
    out = roll(nodes, {"1.1": 40, "1.2": 100}, JUNE_30)
    assert out["1"].progress == 40.0
    assert out["1.2"].light == CANCELLED
    assert out["1.2"].progress == 100.0  # still shown as reported


def test_a_cancelled_childs_weight_does_not_count_towards_all_zero() -> None:
    nodes = tree("1", ("1.1", {"weight": 0}), ("1.2", {"weight": 0}), ("1.3", {"weight": 4, "cancelled": True}))
    assert roll(nodes, {"1.1": 40, "1.2": 80}, JUNE_30)["1"].progress == 60.0


def test_a_cancelled_ancestor_cancels_the_whole_branch() -> None:
    nodes = tree("1", ("1.1", {"cancelled": True}), "1.1.1", "1.1.1.1", "1.2")
    out = roll(nodes, {"1.1.1.1": 20, "1.2": 50}, JUNE_30)
    for code in ("1.1", "1.1.1", "1.1.1.1"):
        assert out[code].light == CANCELLED
        assert out[code].cancelled_effective
    assert out["1.1.1"].progress == 20.0  # rolled up for display all the same
    assert out["1"].progress == 50.0
    assert not out["1"].cancelled_effective


def test_a_parent_whose_children_are_all_cancelled_is_a_leaf_with_its_own_progress() -> None:
    nodes = tree("1", ("1.1", {"cancelled": True}), ("1.2", {"cancelled": True}), "2")
    out = roll(nodes, {"1": 35, "1.1": 90, "2": 100}, JUNE_30)
    assert out["1"].is_leaf
    assert out["1"].progress == 35.0
    assert out["1.1"].light == CANCELLED
    assert out["2"].light == DONE


def test_leaves_are_the_nodes_without_a_child_that_is_not_cancelled() -> None:
    nodes = tree("1", "1.1", "2", ("2.1", {"cancelled": True}))
    out = roll(nodes, {}, JUNE_30)
    assert [code for code, o in out.items() if o.is_leaf] == ["1.1", "2", "2.1"]


def test_progress_map_values_are_clamped() -> None:
    nodes = tree("1", "1.1", "1.2")
    out = roll(nodes, {"1.1": 150, "1.2": -10}, JUNE_30)
    assert (out["1.1"].progress, out["1.2"].progress, out["1"].progress) == (100.0, 0.0, 50.0)


# -- dates, expected progress and lights ----------------------------------------------------


def test_a_top_node_without_dates_takes_the_plans() -> None:
    out = roll(tree("1"), {}, JUNE_30)["1"]
    assert (out.start, out.due) == (PLAN_START, PLAN_END)
    assert out.expected == 50.0  # whole months at a month end: 时间过半


def test_dates_are_inherited_field_by_field_through_several_levels() -> None:
    nodes = tree(
        ("1", {"start": date(2023, 3, 1)}),
        ("1.1", {"due": date(2023, 6, 30)}),
        "1.1.1",
        ("1.1.1.1", {"start": date(2023, 4, 1)}),
        ("1.1.1.1.1", {"due": date(2023, 5, 31)}),
    )
    out = roll(nodes, {}, JUNE_30)
    assert (out["1"].start, out["1"].due) == (date(2023, 3, 1), PLAN_END)
    assert (out["1.1"].start, out["1.1"].due) == (date(2023, 3, 1), date(2023, 6, 30))
    assert (out["1.1.1"].start, out["1.1.1"].due) == (date(2023, 3, 1), date(2023, 6, 30))
    assert (out["1.1.1.1"].start, out["1.1.1.1"].due) == (date(2023, 4, 1), date(2023, 6, 30))
    assert (out["1.1.1.1.1"].start, out["1.1.1.1.1"].due) == (date(2023, 4, 1), date(2023, 5, 31))


def test_depth_counts_from_zero_at_the_top() -> None:
    out = roll(tree("1", "1.1", "1.1.1"), {}, JUNE_30)
    assert [out[c].depth for c in ("1", "1.1", "1.1.1")] == [0, 1, 2]


def test_a_parent_is_lit_from_its_rolled_up_progress_and_its_own_dates() -> None:
    nodes = tree(
        ("1", {"start": date(2023, 1, 1), "due": date(2023, 1, 10)}),
        ("1.1", {"due": date(2023, 12, 31)}),
        ("1.2", {"due": date(2023, 12, 31)}),
    )
    out = roll(nodes, {"1.1": 20, "1.2": 20}, date(2023, 1, 3))  # parent expects 30
    assert out["1"].expected == 30.0
    assert out["1"].progress == 20.0
    assert out["1"].light == YELLOW
    assert out["1.1"].light == GREEN  # its own year-long dates expect only 0.8


def test_a_node_past_its_due_date_and_not_done_is_red() -> None:
    nodes = tree(("1", {"due": date(2023, 5, 31)}))
    assert roll(nodes, {"1": 99}, JUNE_30)["1"].light == RED


def test_a_node_before_its_start_is_pending() -> None:
    nodes = tree(("1", {"start": date(2023, 7, 1)}))
    out = roll(nodes, {}, JUNE_30)["1"]
    assert (out.expected, out.light) == (0.0, PENDING)


def test_a_parent_of_finished_children_is_done() -> None:
    nodes = tree("1", ("1.1", {"weight": 0.1}), ("1.2", {"weight": 0.2}), ("1.3", {"weight": 0.7}))
    out = roll(nodes, {"1.1": 100, "1.2": 100, "1.3": 100}, date(2023, 12, 31))["1"]
    assert (out.progress, out.light) == (100.0, DONE)


def test_lag_is_expected_minus_progress() -> None:
    out = roll(tree(("1", {"start": date(2023, 1, 1), "due": date(2023, 1, 10)})), {"1": 5}, date(2023, 1, 3))
    assert out["1"].lag == 25.0
    assert out["1"].light == RED


# -- structure --------------------------------------------------------------------------------


def test_results_keep_the_callers_order() -> None:
    nodes = tree("2", "1", "1.10", "1.2", "1.2.1", "10")
    results = compute_tree(nodes, {}, PLAN_START, PLAN_END, JUNE_30)
    assert [o.code for o in results.values()] == ["2", "1", "1.10", "1.2", "1.2.1", "10"]


def test_natural_code_key_orders_dotted_codes_numerically() -> None:
    codes = ["1.10", "10", "1.2", "2", "1", "1.1.1", "1.9"]
    assert sorted(codes, key=natural_code_key) == ["1", "1.1.1", "1.2", "1.9", "1.10", "2", "10"]


def test_an_unknown_parent_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the tree"):
        compute_tree([NodeIn(1, "1.1", 99, 1.0, None, None, False)], {}, PLAN_START, PLAN_END, JUNE_30)


def test_a_parent_cycle_is_refused() -> None:
    nodes = [NodeIn(1, "1", 2, 1.0, None, None, False), NodeIn(2, "2", 1, 1.0, None, None, False)]
    with pytest.raises(ValueError, match="cycle"):
        compute_tree(nodes, {}, PLAN_START, PLAN_END, JUNE_30)


def test_a_duplicate_id_is_refused() -> None:
    nodes = [NodeIn(1, "1", None, 1.0, None, None, False), NodeIn(1, "2", None, 1.0, None, None, False)]
    with pytest.raises(ValueError, match="twice"):
        compute_tree(nodes, {}, PLAN_START, PLAN_END, JUNE_30)


@pytest.mark.parametrize("weight", [-1.0, float("nan"), float("inf")])
def test_a_weight_that_is_not_a_finite_number_at_least_zero_is_refused(weight: float) -> None:
    with pytest.raises(ValueError, match="weight"):
        compute_tree([NodeIn(1, "1", None, weight, None, None, False)], {}, PLAN_START, PLAN_END, JUNE_30)


def test_a_very_deep_tree_needs_no_recursion() -> None:
    nodes = [NodeIn(i, str(i), i - 1 if i > 1 else None, 1.0, None, None, False) for i in range(1, 5001)]
    results = compute_tree(nodes, {5000: 42.0}, PLAN_START, PLAN_END, JUNE_30)
    assert results[1].progress == 42.0
    assert results[5000].depth == 4999


# -- incremental roll-up ---------------------------------------------------------------------


def test_setting_a_leaf_updates_its_ancestors_and_matches_a_fresh_roll_up() -> None:
    nodes = tree("1", "1.1", "1.1.1", "1.1.2", "1.2", "2")
    ids = ids_of(nodes)
    progress = {ids["1.1.1"]: 10.0, ids["1.1.2"]: 30.0, ids["1.2"]: 50.0}
    state = RollupState(nodes, progress, PLAN_START, PLAN_END, JUNE_30)
    changed = state.set_leaf_progress(ids["1.1.1"], 70.0)
    assert changed == [ids["1.1.1"], ids["1.1"], ids["1"]]
    assert state.results[ids["1"]].progress == 50.0  # (70 + 30) / 2 = 50 beside 1.2 at 50
    progress[ids["1.1.1"]] = 70.0
    assert state.results == compute_tree(nodes, progress, PLAN_START, PLAN_END, JUNE_30)


def test_setting_the_same_progress_changes_nothing() -> None:
    nodes = tree("1", "1.1")
    state = RollupState(nodes, {2: 40.0}, PLAN_START, PLAN_END, JUNE_30)
    assert state.set_leaf_progress(2, 40.0) == []


def test_a_change_under_a_cancelled_node_stops_at_it() -> None:
    nodes = tree("1", ("1.1", {"cancelled": True}), "1.1.1", "1.2")
    ids = ids_of(nodes)
    state = RollupState(nodes, {ids["1.2"]: 50.0}, PLAN_START, PLAN_END, JUNE_30)
    assert state.set_leaf_progress(ids["1.1.1"], 80.0) == [ids["1.1.1"], ids["1.1"]]
    assert state.results[ids["1"]].progress == 50.0


def test_setting_a_parents_own_progress_changes_nothing_shown() -> None:
    nodes = tree("1", "1.1")
    state = RollupState(nodes, {}, PLAN_START, PLAN_END, JUNE_30)
    before = dict(state.results)
    assert state.set_leaf_progress(1, 90.0) == []
    assert state.results == before


def test_setting_an_unknown_node_raises_key_error() -> None:
    state = RollupState(tree("1"), {}, PLAN_START, PLAN_END, JUNE_30)
    with pytest.raises(KeyError):
        state.set_leaf_progress(99, 10.0)


# -- progress sources: pinned leaves (contract §2) ------------------------------------------


def test_a_leaf_judged_by_its_indicator_takes_its_expected_and_light() -> None:
    nodes = tree("1", "1.1", "1.2")
    ids = ids_of(nodes)
    pinned = {ids["1.1"]: Pinned(expected=25.0, light=GREEN)}  # a batch-shaped curve at 25 %
    out = compute_tree(nodes, {ids["1.1"]: 30.0, ids["1.2"]: 50.0}, PLAN_START, PLAN_END, JUNE_30, pinned=pinned)
    assert (out[ids["1.1"]].expected, out[ids["1.1"]].light) == (25.0, GREEN)  # not 50, not red by the calendar
    assert out[ids["1"]].progress == 40.0
    assert out[ids["1"]].expected == 50.0  # the parent keeps its own 序时


def test_a_cancelled_pinned_leaf_stays_cancelled() -> None:
    nodes = tree("1", ("1.1", {"cancelled": True}), "1.2")
    ids = ids_of(nodes)
    out = compute_tree(nodes, {}, PLAN_START, PLAN_END, JUNE_30, pinned={ids["1.1"]: Pinned(10.0, RED)})
    assert out[ids["1.1"]].light == CANCELLED


def test_a_pinned_leaf_without_a_light_is_judged_by_the_node_rules() -> None:
    nodes = tree("1", "1.1")
    ids = ids_of(nodes)
    out = compute_tree(nodes, {ids["1.1"]: 25.0}, PLAN_START, PLAN_END, JUNE_30, pinned={ids["1.1"]: Pinned()})
    assert (out[ids["1.1"]].expected, out[ids["1.1"]].light) == (50.0, RED)


def test_an_incremental_update_of_a_pinned_leaf_equals_a_fresh_computation() -> None:
    nodes = tree("1", "1.1", "1.2")
    ids = ids_of(nodes)
    pinned = {ids["1.1"]: Pinned(expected=25.0, light=YELLOW)}
    state = RollupState(nodes, {ids["1.1"]: 10.0}, PLAN_START, PLAN_END, JUNE_30, pinned=pinned)
    state.set_leaf_progress(ids["1.1"], 12.0)
    fresh = compute_tree(nodes, {ids["1.1"]: 12.0}, PLAN_START, PLAN_END, JUNE_30, pinned=pinned)
    assert {k: (v.progress, v.expected, v.light) for k, v in state.results.items()} == {
        k: (v.progress, v.expected, v.light) for k, v in fresh.items()}
