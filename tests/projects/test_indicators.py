"""Indicators computed from projects, checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.plans import services as plan_services
from shigongtu.plans.selectors import compute_indicators
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.investment import review_investment, submit_investment
from shigongtu.projects.services.projects import change_stage

from .conftest import make_project

JULY = time_machine.travel(dt.datetime(2023, 7, 5, 10, tzinfo=dt.UTC))


def _indicator(cast, name, source, options, unit="个", kind="flow", target=10, curve=None, node="1.2"):
    return plan_services.save_indicator(cast.node(node), {"name": name, "unit": unit, "kind": kind, "target": target,
                                                          "source": source, "source_options": options,
                                                          "curve": curve})


def _status(cast, name, as_of=dt.date(2023, 6, 30)):
    return next(o for o in compute_indicators(cast.plan, as_of) if o.name == name)


@pytest.fixture
def ledger(cast):
    """Four projects: two started in spring (one small), one in June, one continuing; one removed."""
    with JULY:
        a = make_project(cast, "A", total_investment=8000, actual_start="2023-03-10", stage="在建", nodes="1.1")
        b = make_project(cast, "B", total_investment=3000, actual_start="2023-04-02", stage="在建")
        c = make_project(cast, "C", total_investment=20000, actual_start="2023-06-20", stage="在建",
                         actual_completion="2023-06-30")
        d = make_project(cast, "D", total_investment=50000, actual_start="2022-05-01", stage="在建")
        e = make_project(cast, "E", total_investment=9000, actual_start="2023-05-05", stage="在建")
        for p, month, amount, stats in ((a, 4, "1000", "900"), (a, 5, "2000", None), (b, 5, "500", None),
                                        (d, 1, "3000", None), (e, 5, "7000", None)):
            submit_investment(p, {"period": f"2023-{month:02d}", "amount": amount, "stats_amount": stats})
        change_stage(e, "调出")
        returned = submit_investment(c, {"period": "2023-06", "amount": "9999"})
        review_investment(returned, False, reason="重报")
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


@JULY
def test_investment_sums_counting_reports_in_the_indicators_unit(cast, ledger):
    _indicator(cast, "固定资产投资", "projects.investment", {"basis": "dispatch"}, unit="亿元", target=2)
    out = _status(cast, "固定资产投资")
    # A 1000 + 2000, B 500, D 3000 = 6500 万元 = 0.65 亿元; C returned, E removed
    assert out.actual == pytest.approx(0.65)
    assert out.completion == pytest.approx(0.325)


@JULY
def test_investment_on_the_statistics_basis_reads_the_statistics_figures(cast, ledger):
    _indicator(cast, "入统投资", "projects.investment", {"basis": "statistics"}, unit="万元", target=1000)
    assert _status(cast, "入统投资").actual == pytest.approx(900)


@JULY
def test_investment_with_a_threshold_counts_only_big_projects(cast, ledger):
    _indicator(cast, "大项目投资", "projects.investment", {"min_total": 5000}, unit="万元", target=10000)
    assert _status(cast, "大项目投资").actual == pytest.approx(6000)  # A 3000 + D 3000


@JULY
def test_starts_count_projects_by_the_month_they_started(cast, ledger):
    _indicator(cast, "开工项目", "projects.started", {})
    assert _status(cast, "开工项目", dt.date(2023, 4, 30)).actual == 2  # A (Mar), B (Apr)
    assert _status(cast, "开工项目").actual == 3  # + C (Jun); E removed, D started in 2022


@JULY
def test_spring_starts_count_only_inside_the_window(cast, ledger):
    _indicator(cast, "春季开工", "projects.started", {"window": ["2023-04-01", "2023-05-31"]})
    assert _status(cast, "春季开工").actual == 1  # B


@JULY
def test_starts_of_5000_wan_or_more(cast, ledger):
    _indicator(cast, "5000万元以上开工", "projects.started", {"min_total": 5000}, target=4)
    out = _status(cast, "5000万元以上开工")
    assert out.actual == 2  # A, C
    assert (out.completion, out.expected_share, out.light) == (0.5, 0.5, "green")


@JULY
def test_node_scope_counts_only_projects_serving_the_node_or_below(cast, ledger):
    _indicator(cast, "本节点开工", "projects.started", {"scope": "node"}, node="1")
    assert _status(cast, "本节点开工").actual == 1  # A serves 1.1


@JULY
def test_completions_count_by_the_month_of_completion(cast, ledger):
    _indicator(cast, "竣工项目", "projects.completed", {})
    assert _status(cast, "竣工项目").actual == 1


@JULY
def test_bond_count_and_spending_progress_are_stocks(cast, ledger):
    _indicator(cast, "专项债项目数", "projects.bond_count", {}, kind="stock", target=2)
    _indicator(cast, "专项债支出进度", "projects.bond_spending", {}, unit="%", kind="stock", target=100)
    bond = save_bond(ledger["A"], {"state": "审核通过", "declared_on": "2023-02-01"})
    save_bond(ledger["D"], {"state": "谋划"})
    add_movement(bond, "quota", {"amount": "1000", "date": "2023-03-01", "batch": "第一批"})
    add_movement(bond, "disbursement", {"amount": "800", "date": "2023-03-15"})
    add_movement(bond, "expenditure", {"amount": "250", "date": "2023-05-10"})
    assert _status(cast, "专项债项目数").actual == 1  # D is still 谋划
    assert _status(cast, "专项债支出进度").actual == pytest.approx(25.0)
    assert _status(cast, "专项债支出进度", dt.date(2023, 4, 30)).actual == pytest.approx(0.0)


@JULY
def test_an_indicator_from_projects_gets_a_light_from_its_curve(cast, ledger):
    curve = [0.0125, 0.025, 0.055, 0.125, 0.235, 0.365, 0.495, 0.625, 0.755, 0.875, 0.955, 1.0]
    _indicator(cast, "投资（曲线）", "projects.investment", {}, unit="万元", target=Decimal(20000), curve=curve)
    out = _status(cast, "投资（曲线）")
    assert out.expected_share == 0.365
    assert out.completion == pytest.approx(0.325)
    assert out.light == "green"  # 4 points behind the curve
