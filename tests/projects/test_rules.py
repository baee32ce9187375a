"""The library's pure rules: lifecycle moves, readiness, dates, lights, bond money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.projects.rules.approvals import missing_approvals, ready_to_start, stage_flags
from shigongtu.projects.rules.bonds import (
    bond_state_after,
    bond_transition_problem,
    figures_from,
    idle_days,
    spending_progress,
)
from shigongtu.projects.rules.dates import add_months, latest_start
from shigongtu.projects.rules.lights import Rules, investment_light, share_since, start_light, stats_light, worst
from shigongtu.projects.rules.stages import read_stage, transition_problem


def test_a_project_moves_forward_along_its_lifecycle_and_may_jump_ahead():
    assert transition_problem("谋划", "前期") is None
    assert transition_problem("谋划", "在建") is None
    assert transition_problem("前期", "竣工") is None


def test_a_project_cannot_go_back_from_construction_to_planning():
    assert "不能从「在建」转为「谋划」" in transition_problem("在建", "谋划")


def test_a_terminated_project_goes_nowhere():
    assert transition_problem("终止", "在建") is not None


def test_an_unknown_stage_is_named():
    assert "未知的项目阶段" in transition_problem("谋划", "施工中")


def test_stages_are_read_in_chinese_or_english():
    assert read_stage("在建") == "在建"
    assert read_stage("construction") == "在建"
    assert read_stage("盖楼") is None


def test_a_checklist_is_ready_when_every_required_item_is_obtained_or_not_needed():
    items = [("立项", True, "已取得"), ("环评", True, "无需办理"), ("施工图审查", False, "未启动")]
    assert ready_to_start(items)
    assert missing_approvals([*items, ("施工许可", True, "办理中")]) == ["施工许可"]
    assert not ready_to_start([])


def test_adding_months_clips_to_the_month_end():
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 3, 15), -2) == dt.date(2023, 1, 15)


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)), st.integers(min_value=0, max_value=6))
def test_latest_start_is_the_last_day_that_is_months_before_as_of(as_of, months):
    latest = latest_start(as_of, months)
    assert add_months(latest, months) <= as_of
    assert add_months(latest + dt.timedelta(days=1), months) > as_of


def test_stats_light_is_yellow_after_one_month_and_red_after_two():
    start = dt.date(2023, 3, 10)
    total = Decimal(800)
    assert stats_light(start, total, False, dt.date(2023, 4, 9)) == "green"
    assert stats_light(start, total, False, dt.date(2023, 4, 10)) == "yellow"
    assert stats_light(start, total, False, dt.date(2023, 5, 10)) == "red"
    assert stats_light(start, total, True, dt.date(2023, 5, 10)) == "green"


def test_stats_light_does_not_apply_below_500_wan():
    assert stats_light(dt.date(2023, 3, 10), Decimal(441), False, dt.date(2023, 9, 1)) is None


def test_stats_thresholds_are_configurable():
    strict = Rules(stats_threshold=Decimal(100), stats_yellow_months=2, stats_red_months=4)
    assert stats_light(dt.date(2023, 3, 10), Decimal(441), False, dt.date(2023, 6, 1), strict) == "yellow"


def test_start_light_turns_yellow_after_the_planned_start_and_red_three_months_later():
    planned = dt.date(2023, 4, 15)
    assert start_light(planned, None, "前期", dt.date(2023, 4, 15)) == "green"
    assert start_light(planned, None, "前期", dt.date(2023, 4, 16)) == "yellow"
    assert start_light(planned, None, "前期", dt.date(2023, 7, 15)) == "red"
    assert start_light(planned, dt.date(2023, 5, 1), "在建", dt.date(2023, 7, 15)) == "green"
    assert start_light(planned, None, "调出", dt.date(2023, 7, 15)) is None


def test_the_share_due_counts_from_the_start_month():
    curve = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0)
    assert share_since(curve, 1, 6) == 0.6
    assert abs(share_since(curve, 5, 6) - (0.6 - 0.4) / (1 - 0.4)) < 1e-12
    assert share_since(curve, 7, 6) == 0.0


def test_investment_light_compares_completion_with_the_curve_in_points():
    r = Rules(curve=None, invest_yellow=10, invest_red=30)  # linear: 6/12 = 50 % due at June
    assert investment_light(Decimal(401), Decimal(1000), 6, r) == "green"
    assert investment_light(Decimal(400), Decimal(1000), 6, r) == "yellow"  # exactly 10 points behind
    assert investment_light(Decimal(201), Decimal(1000), 6, r) == "yellow"
    assert investment_light(Decimal(200), Decimal(1000), 6, r) == "red"
    assert investment_light(Decimal(0), Decimal(0), 6, r) is None


def test_idle_days_count_from_the_last_expenditure_or_the_first_disbursement():
    paid = [(dt.date(2023, 3, 1), Decimal(100))]
    assert idle_days(paid, [], dt.date(2023, 3, 31)) == 30
    assert idle_days(paid, [(dt.date(2023, 3, 20), Decimal(40))], dt.date(2023, 3, 31)) == 11
    assert idle_days(paid, [(dt.date(2023, 3, 20), Decimal(100))], dt.date(2023, 3, 31)) == 0


def test_spending_progress_is_spent_over_quota():
    assert spending_progress(Decimal(200), Decimal(50)) == 0.25
    assert spending_progress(Decimal(0), Decimal(0)) is None


def test_bond_pipeline_moves_only_along_its_arrows():
    assert bond_transition_problem("谋划", "储备申报") is None
    assert bond_transition_problem("审核中", "退回") is None
    assert "不能从「谋划」转为「已发行」" in bond_transition_problem("谋划", "已发行")
    assert bond_state_after("审核通过", "quota") == "额度已下达"
    assert bond_state_after("额度已下达", "disbursement") == "拨付中"
    assert bond_state_after("拨付中", "expenditure") == "支出中"


def test_the_worst_light_wins():
    assert worst(["green", None, "yellow"]) == "yellow"
    assert worst(["yellow", "red"]) == "red"
    assert worst([None]) is None


def test_starting_without_every_required_approval_is_flagged_not_refused():
    checklist = [("环评", True, "已取得"), ("施工许可", True, "办理中"), ("施工图审查", False, "未启动")]
    flags = stage_flags("在建", "前期", checklist)
    assert [f["missing"] for f in flags] == [["施工许可"]]
    assert flags[0]["message"] == "未取得全部前期手续即开工：施工许可"
    assert stage_flags("在建", "前期", [("施工许可", True, "已取得")]) == []
    assert stage_flags("竣工", "在建", checklist) == []  # only the start itself is flagged


def test_bond_money_counts_only_movements_up_to_the_date():
    quotas = [(dt.date(2023, 1, 18), Decimal(1000)), (dt.date(2023, 7, 1), Decimal(500))]
    paid = [(dt.date(2023, 2, 12), Decimal(700))]
    spent = [(dt.date(2023, 3, 1), Decimal(100)), (dt.date(2023, 4, 1), Decimal(150))]
    f = figures_from(quotas, paid, spent, dt.date(2023, 6, 30))
    assert (f.quota, f.disbursed, f.spent, f.first_quota) == (Decimal(1000), Decimal(700), Decimal(250),
                                                              dt.date(2023, 1, 18))
    assert f.progress == 0.25
    assert f.idle_days == (dt.date(2023, 6, 30) - dt.date(2023, 4, 1)).days
