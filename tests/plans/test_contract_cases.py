"""Hand-computed cases of contract §2, through the database, the ledger and the JSON documents."""

from __future__ import annotations

import datetime as dt

import pytest

from shigongtu.ledgers.engine import import_ledger
from shigongtu.plans import services
from shigongtu.plans.documents import tree_document, warnings_document
from tests.ledgers.helpers import xlsx


@pytest.fixture
def plan(db):
    from shigongtu.orgs.models import OrgUnit

    zone = services.ensure_unit("测试区", None, OrgUnit.Kind.DISTRICT)
    plan = services.create_plan("C-2023", "合同用例", 2023, unit=zone)
    nodes = xlsx([
        ["编号", "任务名称", "开始时间", "完成时限", "权重", "状态", "指标名称", "目标值", "单位", "指标类型", "分月计划"],
        ["1", "战线一", "2023-01", "2023-12", 1, None, "投资", "120", "亿元", "流量",
         "0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,1"],
        ["1.1", "按月形日期", "2023年3月", "2023年6月", 3, None, None, None, None, None, None],
        ["1.2", "继承日期", None, None, 1, None, None, None, None, None, None],
        ["1.3", "已取消", None, None, 5, "取消", None, None, None, None, None],
        ["2", "零权重战线", None, None, 0, None, "企业数", "10", "家", "存量", None],
        ["2.1", "零权重甲", None, None, 0, None, None, None, None, None, None],
        ["2.2", "零权重乙", None, None, 0, None, None, None, None, None, None],
    ])
    assert import_ledger(nodes, "n.xlsx", "nodes", plan).ok
    reports = xlsx([
        ["编号", "填报月份", "进度", "投资", "企业数"],
        ["1.1", "2023-04", 40, None, None],
        ["1.2", "2023-04", 10, None, None],
        ["2.1", "2023-04", 20, None, None],
        ["2.2", "2023-04", 60, None, None],
        ["1", "2023-01", 0, 5, None],
        ["1", "2023-02", 0, 7, None],
        ["1", "2023-03", 0, 12, None],
        ["2", "2023-02", 0, None, 4],
        ["2", "2023-03", 0, None, 3],
    ])
    result = import_ledger(reports, "r.xlsx", "reports", plan)
    assert result.ok, result.errors
    return plan


def nodes_by_code(doc):
    return {n["code"]: n for n in doc["nodes"]}


def test_the_tree_matches_hand_computation_on_april_30(plan):
    doc = tree_document(plan, dt.date(2023, 4, 30))
    n = nodes_by_code(doc)
    # 1.1: Mar 1 – Jun 30 (month forms), d = Apr 30, a month end: by months, e = 100·2/4
    assert n["1.1"]["start"] == "2023-03-01" and n["1.1"]["due"] == "2023-06-30"
    assert n["1.1"]["expected"] == 50.0
    # 1.2 inherits Jan 1 – Dec 31 from front 1: e = 100·4/12, lag ≈ 23.3 → red
    assert n["1.2"]["expected"] == pytest.approx(100 * 4 / 12)
    assert n["1.2"]["start"] == "2023-01-01" and n["1.2"]["due"] == "2023-12-31"
    assert n["1.2"]["light"] == "red"
    # the cancelled 1.3 is left out of the parent's progress: (3·40 + 1·10)/4
    assert n["1.3"]["light"] == "cancelled"
    assert n["1"]["progress"] == pytest.approx((3 * 40 + 10) / 4)
    # all weights zero → equal weights
    assert n["2"]["progress"] == pytest.approx(40)


def test_indicators_use_flow_sums_stock_latest_and_the_plan_curve(plan):
    doc = tree_document(plan, dt.date(2023, 4, 30))
    inv = nodes_by_code(doc)["1"]["indicators"][0]
    # April 30 is the last day of April → m = 4: flow actual 5+7+12 = 24 of 120; curve share 0.3
    assert inv["actual"] == 24 and inv["expected_share"] == pytest.approx(0.3)
    assert inv["completion"] == pytest.approx(0.2) and inv["light"] == "yellow"
    firms = nodes_by_code(doc)["2"]["indicators"][0]
    assert firms["actual"] == 3 and firms["expected_share"] == pytest.approx(4 / 12)


def test_off_a_month_end_expected_progress_counts_days_inclusively(plan):
    n = nodes_by_code(tree_document(plan, dt.date(2023, 4, 29)))
    assert n["1.1"]["expected"] == pytest.approx(100 * 60 / 122)  # Mar 1..Apr 29 of Mar 1..Jun 30
    assert n["1.2"]["expected"] == pytest.approx(100 * 119 / 365)


def test_on_april_29_the_last_complete_month_is_march(plan):
    inv = nodes_by_code(tree_document(plan, dt.date(2023, 4, 29)))["1"]["indicators"][0]
    assert inv["expected_share"] == pytest.approx(0.2) and inv["actual"] == 24


def test_missing_reports_appear_after_the_deadline_day(plan):
    def missing(day):
        doc = warnings_document(plan, dt.date(2023, 5, day))
        return sorted(w["node"] for w in doc["warnings"] if w["kind"] == "missing_report")

    assert missing(5) == []
    # April was reported by every leaf; May 6 is past the deadline for April → nothing missing
    assert missing(6) == []
    doc = warnings_document(plan, dt.date(2023, 6, 6))
    lacking = sorted(w["node"] for w in doc["warnings"] if w["kind"] == "missing_report")
    assert lacking == ["1.1", "1.2", "2.1", "2.2"]
    assert all(w["light"] == "yellow" for w in doc["warnings"] if w["kind"] == "missing_report")


def test_warnings_name_overdue_and_lag_and_indicator_lag(plan):
    doc = warnings_document(plan, dt.date(2023, 7, 10))
    kinds = {(w["kind"], w["node"]) for w in doc["warnings"]}
    assert ("overdue", "1.1") in kinds
    assert any(k == "indicator_lag" for k, _ in kinds)
    ind = next(w for w in doc["warnings"] if w["kind"] == "indicator_lag")
    assert ind["indicator"] in {"投资", "企业数"}
