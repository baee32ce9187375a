"""Project warnings at an as-of date, and the list's light filter agreeing with the lights shown."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from shigongtu.plans.selectors import month_of
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.selectors.filters import ProjectFilter, attach_lights, light_q
from shigongtu.projects.selectors.warnings import project_warnings
from shigongtu.projects.services.approvals import ensure_checklist, save_approval
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.investment import submit_investment
from shigongtu.projects.services.problems import save_problem

from .conftest import make_project

NOW = time_machine.travel(dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC))


def _kinds(cast, as_of):
    return {(w.project, w.kind, w.light) for w in project_warnings(cast.plan, as_of)}


@NOW
def test_a_project_past_its_planned_start_is_warned_yellow_then_red(cast):
    make_project(cast, "U", planned_start="2023-04-20", stage="前期")
    assert ("U", "unstarted", "yellow") in _kinds(cast, dt.date(2023, 5, 31))
    assert ("U", "unstarted", "red") in _kinds(cast, dt.date(2023, 7, 20))
    assert not {k for k in _kinds(cast, dt.date(2023, 4, 20)) if k[0] == "U"}


@NOW
def test_a_started_project_not_in_statistics_is_yellow_after_a_month_and_red_after_two(cast):
    make_project(cast, "S", total_investment=800, actual_start="2023-04-10", stage="在建")
    make_project(cast, "T", total_investment=400, actual_start="2023-04-10", stage="在建")
    assert ("S", "not_in_statistics", "yellow") in _kinds(cast, dt.date(2023, 5, 10))
    assert ("S", "not_in_statistics", "red") in _kinds(cast, dt.date(2023, 6, 10))
    assert not any(k[0] == "T" and k[1] == "not_in_statistics" for k in _kinds(cast, dt.date(2023, 6, 10)))


@NOW
def test_the_statistics_thresholds_are_set_per_plan(cast):
    make_project(cast, "S", total_investment=800, actual_start="2023-04-10", stage="在建")
    ProjectSettings.objects.create(plan=cast.plan, stats_yellow_months=2, stats_red_months=3)
    assert ("S", "not_in_statistics", "yellow") in _kinds(cast, dt.date(2023, 6, 10))


@NOW
def test_investment_behind_the_curve_from_the_start_month_is_warned(cast):
    p = make_project(cast, "I", annual_plan=12000, actual_start="2022-06-01", stage="在建")
    submit_investment(p, {"period": "2023-05", "amount": "1000"})
    found = [w for w in project_warnings(cast.plan, dt.date(2023, 6, 30)) if w.kind == "investment_lag"]
    # 1000 / 12000 = 8.3 % against 36.5 % due by June on the seasonal curve: 28.2 points → yellow
    assert [(w.project, w.light) for w in found] == [("I", "yellow")]
    assert found[0].detail["expected_share"] == pytest.approx(0.365)


@NOW
def test_starting_without_approvals_and_lapsing_approvals_are_warned(cast):
    started = make_project(cast, "A", actual_start="2023-05-01", stage="在建")
    ensure_checklist(started)
    waiting = make_project(cast, "B", planned_start="2023-09-01", stage="前期")
    save_approval(waiting, {"kind": "用地预审与选址", "status": "已取得", "issued_on": "2023-01-05",
                            "valid_until": "2023-07-20"})
    kinds = _kinds(cast, dt.date(2023, 7, 1))
    assert ("A", "started_without_approvals", "yellow") in kinds
    assert ("B", "approval_expiring", "yellow") in kinds
    assert ("B", "approval_expiring", "red") in _kinds(cast, dt.date(2023, 7, 21))


@NOW
def test_an_open_problem_past_its_deadline_is_red(cast, project):
    save_problem(project, {"title": "拆迁未完成", "deadline": "2023-06-30"})
    assert ("P-001", "problem_overdue", "red") in _kinds(cast, dt.date(2023, 7, 1))


@NOW
def test_idle_and_slow_bond_money_is_warned(cast, project):
    bond = save_bond(project, {"state": "审核通过"})
    add_movement(bond, "quota", {"amount": "1000", "date": "2023-01-10", "batch": "提前批"})
    add_movement(bond, "disbursement", {"amount": "800", "date": "2023-02-01"})
    kinds = _kinds(cast, dt.date(2023, 6, 30))
    assert ("P-001", "bond_idle", "red") in kinds  # 149 days unspent
    assert ("P-001", "bond_lag", "red") in kinds  # 0 % spent against ~47 % due


@NOW
def test_the_light_filter_selects_exactly_the_projects_whose_light_it_names(cast):
    rng = random.Random(7)
    for i in range(60):
        started = rng.random() < 0.6
        start = dt.date(rng.choice([2022, 2023]), rng.randint(1, 6), rng.randint(1, 28)) if started else None
        make_project(cast, f"R{i:02d}", total_investment=rng.choice([300, 800, 6000]),
                     annual_plan=rng.choice([0, 1000, 5000]), planned_start=dt.date(2023, rng.randint(1, 9), 15),
                     actual_start=start, stage="在建" if started else "前期",
                     in_statistics=rng.random() < 0.3)
    for p in Project.objects.filter(actual_start__isnull=False):
        if rng.random() < 0.7:
            submit_investment(p, {"period": "2023-05", "amount": str(rng.randint(0, 2500))})
    r = ProjectSettings.rules_for(cast.plan)
    for as_of in (dt.date(2023, 3, 31), dt.date(2023, 6, 30), dt.date(2023, 7, 14)):
        month = month_of(as_of, cast.plan)
        projects = list(Project.objects.filter(plan=cast.plan))
        attach_lights(projects, as_of, month, r, cast.plan.year)
        for light in ("red", "yellow", "green"):
            expected = {p.code for p in projects if p.light == light}
            got = set(Project.objects.filter(plan=cast.plan).filter(light_q(light, as_of, month, r, cast.plan.year))
                      .values_list("code", flat=True))
            assert got == expected, (as_of, light)


def test_the_filter_reads_its_parameters_and_names_bad_ones():
    f = ProjectFilter.from_params({"stage": "construction", "light": "purple", "sort": "-total_investment",
                                   "lead_unit": "x"})
    assert f.stage == "在建" and f.sort == "-total_investment"
    assert {p.field for p in f.problems} == {"light", "lead_unit"}


def test_projects_totals_are_decimal(cast):
    p = make_project(cast, total_investment="0.5亿")
    assert p.total_investment == Decimal(5000)


@NOW
def test_idle_bond_money_is_said_without_trailing_zeros_in_both_languages(cast, project):
    bond = save_bond(project, {"state": "审核通过"})
    add_movement(bond, "quota", {"amount": "1000", "date": "2023-01-10", "batch": "提前批"})
    add_movement(bond, "disbursement", {"amount": "800", "date": "2023-02-01"})
    idle = next(w for w in project_warnings(cast.plan, dt.date(2023, 6, 30)) if w.kind == "bond_idle")
    assert "未支出800万元" in idle.message and "800 (10k yuan) unspent" in idle.message_en
