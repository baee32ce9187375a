"""The nodes ledger: real-looking files in, every problem named, all or nothing, round trip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.engine import annotated_copy, export_ledger, import_ledger
from shigongtu.ledgers.models import ImportRecord
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Node
from tests.ledgers.helpers import csv_bytes, sheet_values, xlsx

HEADER = ["编号", "任务名称", "牵头单位", "责任领导", "开始时间", "完成时限（截止日期）", "权重"]


def run(cast, data, name="台账.xlsx", **kw):
    return import_ledger(data, name, "nodes", cast.plan, None, **kw)


def test_a_ledger_with_title_rows_and_chinese_dates_imports(cast):
    data = xlsx([
        ["2023年净月高新区分施工图"],
        ["单位：项目服务中心", None, None, "填报日期：2023年3月1日"],
        HEADER,
        ["3", "招商引资", "项目服务中心", "刘洋", "2023年3月", "2023.12.31", 2],
        ["3.1", "叩门招商", "项目服务中心", "", "2023/4/1", "2023年6月", None],
        ["合计", None, None, None, None, None, None],
        ["填表人：张三"],
    ])
    result = run(cast, data)
    assert result.ok, result.errors
    assert (result.created, result.updated) == (2, 0)
    front = cast.node("3")
    assert front.start == dt.date(2023, 3, 1) and front.due == dt.date(2023, 12, 31)
    assert front.weight == Decimal(2) and front.lead_unit == cast.dept
    sub = cast.node("3.1")
    assert sub.parent_id == front.pk and sub.due == dt.date(2023, 6, 30) and sub.weight == Decimal(1)


def test_headers_match_in_english_any_case_and_with_spaces(cast):
    data = csv_bytes([["CODE", " Title ", "Lead Unit", "DUE"], ["1.3", "New task", "项目服务中心", "2023-09-30"]])
    result = run(cast, data, "nodes.csv")
    assert result.ok and result.created == 1
    assert cast.node("1.3").title == "New task"


def test_a_gb18030_csv_is_read(cast):
    data = csv_bytes([["编号", "任务名称"], ["1.3", "春耕农资供应"]], encoding="gb18030")
    result = run(cast, data, "nodes.csv")
    assert result.ok and cast.node("1.3").title == "春耕农资供应"


def test_every_bad_row_is_named_and_nothing_is_written(cast):
    before = Node.objects.count(), AuditEntry.objects.count()
    data = xlsx([
        ["标题行"],
        HEADER,
        ["1.3", "好的一行", "项目服务中心", "", "2023-03-01", "2023-06-30", 1],
        ["1.4", "", None, None, None, None, None],
        ["9.1", "没有上级", None, None, None, None, None],
        ["1.5", "日期错", None, None, "2023-13-01", None, None],
        ["1.6", "时限早于开始", None, None, "2023-05-01", "2023-04-01", None],
        ["1.7", "权重为负", None, None, None, None, -1],
        ["1.8", "单位未知", "火星局", None, None, None, None],
        ["1.3", "重复编号", None, None, None, None, None],
        ["1..9", "编号格式", None, None, None, None, None],
    ])
    result = run(cast, data)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert found >= {(4, "任务名称"), (5, "编号"), (6, "开始时间"), (7, "完成时限（截止日期）"), (8, "权重"),
                     (9, "牵头单位"), (10, "编号"), (11, "编号")}
    assert (3, "编号") not in found
    assert (Node.objects.count(), AuditEntry.objects.count()) == before
    assert not Node.objects.filter(code="1.3").exists()


def test_unknown_units_are_created_only_when_asked(cast):
    data = xlsx([HEADER, ["1.3", "新任务", "新设局", None, None, None, None]])
    assert not run(cast, data).ok
    result = run(cast, data, create_units=True)
    assert result.ok
    unit = OrgUnit.objects.get(name="新设局")
    assert unit.parent == cast.zone and cast.node("1.3").lead_unit == unit


def test_a_dry_run_shows_the_changes_and_writes_nothing(cast):
    data = xlsx([HEADER, ["1.1", "春季开工（改）", "项目服务中心", None, "2023-03-01", "2023-05-31", 2],
                 ["1.3", "新任务", None, None, None, None, None]])
    result = run(cast, data, dry_run=True)
    assert result.ok and (result.created, result.updated) == (1, 1)
    change = next(c for c in result.changes if c.key == "1.1")
    assert change.changes["任务名称"] == ["春季开工", "春季开工（改）"]
    assert cast.node("1.1").title == "春季开工" and not Node.objects.filter(code="1.3").exists()
    assert result.as_dict()["dry_run"] is True


def test_importing_the_same_file_twice_changes_nothing_the_second_time(cast):
    data = xlsx([HEADER, ["1.3", "新任务", "项目服务中心", "王五", "2023-03", "2023-06", 3]])
    assert run(cast, data).created == 1
    again = run(cast, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_cancelled_status_marks_the_node(cast):
    data = xlsx([["编号", "任务名称", "状态"], ["1.2", "重点项目开工", "取消"]])
    assert run(cast, data).ok
    assert cast.node("1.2").cancelled


def test_an_indicator_with_a_yi_target_and_a_percent_curve_is_stored_in_its_unit(cast):
    curve = "1%,2%,5%,12%,23%,36%,49%,62%,75%,87%,95%,100%"
    data = xlsx([["编号", "任务名称", "指标名称", "目标值(亿元)", "单位", "指标类型", "分月计划"],
                 ["1.1", "春季开工", "固定资产投资", "2225000万", "亿元", "流量", curve]])
    result = run(cast, data)
    assert result.ok, result.errors
    ind = Indicator.objects.get(name="固定资产投资")
    assert ind.target == Decimal("222.5") and ind.unit == "亿元" and ind.kind == "flow"
    assert ind.curve[5] == pytest.approx(0.36) and ind.curve[-1] == 1


def test_a_bad_curve_and_a_missing_target_are_named(cast):
    data = xlsx([["编号", "任务名称", "指标名称", "目标值", "分月计划"],
                 ["1.1", "春季开工", "新指标", None, "0.5,0.4"]])
    result = run(cast, data)
    assert {e.column for e in result.errors} == {"目标值", "分月计划"}


def test_the_export_reimports_unchanged(cast):
    from shigongtu.plans import services

    services.save_indicator(cast.node("1.1"), {"name": "春季开工项目", "unit": "个", "target": 30,
                                               "curve": [0, 0, 0.1, 0.5, 1, 1, 1, 1, 1, 1, 1, 1]})
    services.save_node(cast.plan, "1.2", {"title": "=HYPERLINK(\"x\")", "leader": "+86 王"})
    data = export_ledger("nodes", cast.plan)
    result = run(cast, data, "export.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == Node.objects.filter(plan=cast.plan).count()
    assert cast.node("1.2").title == "=HYPERLINK(\"x\")"


def test_the_annotated_copy_marks_the_faulty_cell(cast):
    data = xlsx([HEADER, ["1.3", "x", None, None, "不是日期", None, None]])
    result = run(cast, data)
    copy = annotated_copy(data, "a.xlsx", result)
    assert copy is not None
    sheets = sheet_values(copy, "错误清单")
    assert any("不是日期" in str(cell) for row in sheets for cell in row)


def test_an_empty_file_is_a_clear_error(cast):
    result = run(cast, b"", "empty.xlsx")
    assert not result.ok and result.file_error
    assert result.as_dict()["errors"][0]["message"]


def test_a_missing_required_header_is_a_clear_error(cast):
    result = run(cast, xlsx([["名称", "开始时间"], ["x", "2023-01-01"]]))
    assert not result.ok and "编号" in result.file_error


def test_every_import_is_kept_in_the_history(cast):
    run(cast, xlsx([HEADER, ["1.3", "x", None, None, None, None, None]]), dry_run=True)
    record = ImportRecord.objects.get()
    assert record.dry_run and record.ok and not record.applied and bytes(record.content)


def test_a_node_with_several_indicators_exports_a_row_each_and_reimports_unchanged(cast):
    from shigongtu.plans import services

    for name, target in (("高新技术企业", 500), ("专精特新企业", 100), ("高成长企业", 12)):
        services.save_indicator(cast.node("2.1"), {"name": name, "unit": "家", "kind": "stock", "target": target})
    data = export_ledger("nodes", cast.plan)
    result = run(cast, data, "export.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 0)


def test_indicator_rows_for_a_new_node_create_it_once(cast):
    data = xlsx([["编号", "任务名称", "指标名称", "目标值"],
                 ["3", "新战线", "甲指标", 10], ["3", "新战线", "乙指标", 20]])
    result = run(cast, data)
    assert result.ok, result.errors
    assert Node.objects.filter(plan=cast.plan, code="3").count() == 1
    assert set(Indicator.objects.filter(node__code="3").values_list("name", flat=True)) == {"甲指标", "乙指标"}


def test_a_repeated_code_without_an_indicator_is_still_a_duplicate(cast):
    data = xlsx([["编号", "任务名称"], ["3", "甲"], ["3", "乙"]])
    result = run(cast, data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "编号")]


NEW_COLUMNS = ["编号", "任务名称", "指标名称", "目标值", "单位", "指标类型", "基数（上年末）", "指标完成时限", "累计值",
               "进度来源"]


def test_baseline_indicator_due_cumulative_and_progress_source_are_read(cast):
    data = xlsx([NEW_COLUMNS,
                 ["2.1", "企业梯度培育", "高新技术企业", 500, "家", "存量", 402, "2023-12", "否", "指标"],
                 ["1.2", "重点项目开工", "固定资产投资", "222.5亿", "亿元", "流量", None, None, "是", "项目"],
                 ["1.1", "春季开工", "销售额同比增长", "30%", "%", "增速", None, "2023年5月", None, None]])
    result = run(cast, data)
    assert result.ok, result.errors
    stock = Indicator.objects.get(name="高新技术企业")
    assert (stock.kind, stock.baseline, stock.due) == ("stock", Decimal(402), dt.date(2023, 12, 31))
    assert Indicator.objects.get(name="固定资产投资").cumulative is True
    rate = Indicator.objects.get(name="销售额同比增长")
    assert (rate.kind, rate.target, rate.due) == ("rate", Decimal(30), dt.date(2023, 5, 31))
    assert cast.node("2.1").progress_source == "indicator"
    assert cast.node("1.2").progress_source == "projects"
    assert cast.node("1.1").progress_source == "reports"


def test_the_export_with_the_new_columns_reimports_unchanged(cast):
    run(cast, xlsx([NEW_COLUMNS,
                    ["2.1", "企业梯度培育", "高新技术企业", 500, "家", "存量", 402, "2023-12", "否", "指标"],
                    ["1.1", "春季开工", "销售额同比增长", 30, "%", "增速/比率", None, None, None, "项目"]]))
    data = export_ledger("nodes", cast.plan)
    cells_seen = {str(h).split("\n")[0] for row in sheet_values(data)[:5] for h in row if h}
    assert {"基数", "指标完成时限", "累计值", "进度来源"} <= cells_seen
    result = run(cast, data, "export.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 0)


@pytest.mark.parametrize(("row", "column"), [
    (["2.1", "企业梯度培育", "高新技术企业", 500, "家", "存量", 500, None, None, None], "基数（上年末）"),
    (["2.1", "企业梯度培育", "销售增速", 0, "%", "增速", None, None, None, None], "目标值"),
    (["2.1", "企业梯度培育", "高新技术企业", 500, "家", "存量", 402, "2024-03-31", None, None], "指标完成时限"),
    (["1.2", "重点项目开工", None, None, None, None, None, None, None, "指标"], "进度来源"),
    (["1.2", "重点项目开工", "开工数", 5, "个", "流量", None, None, "也许", None], "累计值"),
])
def test_bad_indicator_cells_name_row_and_column_and_write_nothing(cast, row, column):
    before = Indicator.objects.count(), AuditEntry.objects.count()
    result = run(cast, xlsx([NEW_COLUMNS, row]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert (Indicator.objects.count(), AuditEntry.objects.count()) == before
    assert cast.node("1.2").progress_source == "reports"
