"""The projects and investment ledgers: real-looking files, errors named, round trips."""

from __future__ import annotations

from decimal import Decimal

import time_machine

from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.projects.models import InvestmentReport, Project
from tests.ledgers.helpers import csv_bytes, xlsx

CREDIT = "91220101MA0" + "Y12345"
CREDIT = CREDIT + credit_code_check_char(CREDIT)


def run(cast, data, kind="projects", name="台账.xlsx", **kw):
    return import_ledger(data, name, kind, cast.plan, None, **kw)


def merged_projects_file():
    return xlsx([
        ["2023年重点项目台账"],
        ["项目编号", "项目名称", "投资情况", None, None, "项目阶段", "计划开工时间", "统一社会信用代码", "是否入统"],
        [None, None, "总投资（亿元）", "年度计划投资", "累计完成", None, None, None, None],
        ["P-1", "长春市算力中心", 12.5, "8000万元", 100, "在建", "2023年4月", CREDIT, "是"],
        ["P-2", "净月未来城数据中心", "3.2亿", 5000, None, "前期", "2023/6/1", None, "否"],
        ["合计", None, 15.7, 13000, None, None, None, None, None],
    ], merges=["A2:A3", "B2:B3", "C2:E2", "F2:F3", "G2:G3", "H2:H3", "I2:I3"])


def test_a_two_row_merged_header_with_yi_amounts_imports(cast):
    result = run(cast, merged_projects_file())
    assert result.ok, result.errors
    assert result.created == 2
    assert any("累计完成" in w for w in result.warnings)
    p1 = Project.objects.get(code="P-1")
    assert p1.total_investment == Decimal("125000") and p1.annual_plan == Decimal("8000")
    assert p1.stage == "在建" and p1.in_statistics
    assert Project.objects.get(code="P-2").total_investment == Decimal("32000")


def test_bad_project_rows_are_named_and_nothing_is_written(cast):
    data = xlsx([
        ["项目编号", "项目名称", "总投资", "项目阶段", "计划开工时间", "计划竣工时间", "统一社会信用代码", "经度", "纬度"],
        ["P-1", "好项目", 1000, "在建", "2023-03-01", "2023-12-31", None, 125.4, 43.8],
        ["P-2", "负数", -5, None, None, None, None, None, None],
        ["P-3", "阶段未知", 100, "施工中", None, None, None, None, None],
        ["P-4", "竣工早于开工", 100, None, "2023-06-01", "2023-05-01", None, None, None],
        ["P-5", "信用代码错", 100, None, None, None, "91220101MA0Y123450", None, None],
        ["P-6", "境外坐标", 100, None, None, None, None, 2.35, 48.85],
        ["P-1", "重复", 100, None, None, None, None, None, None],
    ])
    result = run(cast, data)
    assert not result.ok
    rows = {e.row for e in result.errors}
    assert rows >= {3, 4, 5, 6, 7, 8} and 2 not in rows
    assert not Project.objects.exists()


def test_a_gb18030_projects_csv_imports(cast):
    data = csv_bytes([["code", "name", "total investment"], ["P-9", "慢山里研学营地扩建", "3500万"]], "gb18030")
    result = run(cast, data, name="p.csv")
    assert result.ok, result.errors
    assert Project.objects.get(code="P-9").total_investment == Decimal("3500")


def test_the_projects_export_reimports_unchanged(cast):
    assert run(cast, merged_projects_file()).ok
    again = run(cast, export_ledger("projects", cast.plan))
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@time_machine.travel("2023-07-10 10:00 +0800")
def test_investment_rows_import_and_reimport_unchanged(cast):
    assert run(cast, merged_projects_file()).ok
    data = xlsx([["项目编号", "填报月份", "本月完成投资", "统计口径完成投资"],
                 ["P-1", "2023年4月", "1200万", 1000], ["P-1", "2023-05", 1800.5, None]])
    result = run(cast, data, "investment")
    assert result.ok, result.errors
    assert sorted(InvestmentReport.objects.values_list("amount", flat=True)) == [Decimal("1200"), Decimal("1800.5")]
    again = run(cast, export_ledger("investment", cast.plan), "investment")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@time_machine.travel("2023-07-10 10:00 +0800")
def test_bad_investment_rows_are_named(cast):
    assert run(cast, merged_projects_file()).ok
    data = xlsx([["项目编号", "填报月份", "本月完成投资", "本年累计完成投资"],
                 ["P-1", "2023-04", 100, 100],
                 ["P-1", "2023-05", 100, 999],
                 ["P-X", "2023-05", 100, None],
                 ["P-2", "2023-09", 100, None],
                 ["P-2", "2023-05", "很多", None]])
    result = run(cast, data, "investment")
    assert not result.ok
    assert {e.row for e in result.errors} == {3, 4, 5, 6}
    assert not InvestmentReport.objects.exists()
