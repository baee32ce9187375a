"""A corpus of bad ledgers: each is refused with the row and the column (as written) named,
and nothing at all is written."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.engine import import_ledger
from shigongtu.ledgers.models import ImportRecord
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.plans.models import Indicator, Node, Report
from shigongtu.projects.models import InvestmentReport, Project
from tests.ledgers.helpers import csv_bytes, xlsx

GOOD_CREDIT = "91220101MA0Y12345" + credit_code_check_char("91220101MA0Y12345")
BAD_CREDIT = GOOD_CREDIT[:-1] + ("0" if GOOD_CREDIT[-1] != "0" else "1")
NODES = ["编号", "任务名称", "牵头单位", "开始时间", "完成时限（截止日期）", "权重"]
PROJECTS = ["项目编号", "项目名称", "项目阶段", "总投资（万元）", "计划开工时间", "计划竣工时间", "实际开工时间",
            "统一社会信用代码", "项目代码", "建设性质", "是否入统", "经度", "纬度", "服务节点"]
INVESTMENT = ["项目编号", "填报月份", "本月完成投资", "形象进度百分比", "本年累计完成投资"]
REPORTS = ["编号", "填报月份", "进度", "本月进展"]


def node(code="3", title="招商引资", unit="项目服务中心", start="2023-03-01", due="2023-12-31", weight=1):
    return [code, title, unit, start, due, weight]


def project(code="N-1", name="新项目", stage="前期", total=1000, planned_start="2023-04-01",
            planned_end="2024-04-01", actual=None, credit=GOOD_CREDIT, national=None, nature="新建", stats="否",
            lng=125.3, lat=43.8, nodes="1.1"):
    return [code, name, stage, total, planned_start, planned_end, actual, credit, national, nature, stats, lng, lat,
            nodes]


def money(code="P-1", period="2023-05", amount=100, pct=None, ytd=None):
    return [code, period, amount, pct, ytd]


# name → (kind, rows, {(row, column)} expected); row numbers as Excel shows them (header = 1)
ROW_CASES = {
    "node code not dotted digits": ("nodes", [NODES, node(code="3-1")], {(2, "编号")}),
    "node code twice": ("nodes", [NODES, node(), node(title="又一个")], {(3, "编号")}),
    "node parent missing": ("nodes", [NODES, node(code="7.1")], {(2, "编号")}),
    "node title missing": ("nodes", [NODES, node(title=None)], {(2, "任务名称")}),
    "node due before start": ("nodes", [NODES, node(start="2023-06-01", due="2023-05-01")],
                              {(2, "完成时限（截止日期）")}),
    "node date unreadable": ("nodes", [NODES, node(start="三月初")], {(2, "开始时间")}),
    "node impossible date": ("nodes", [NODES, node(due="2023-02-30")], {(2, "完成时限（截止日期）")}),
    "node negative weight": ("nodes", [NODES, node(weight=-1)], {(2, "权重")}),
    "node unknown unit": ("nodes", [NODES, node(unit="不存在的局")], {(2, "牵头单位")}),
    "node curve not ending at 100%": (
        "nodes", [[*NODES, "指标名称", "目标值", "单位", "分月计划"],
                  [*node(), "签约项目", 10, "个", "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.96,0.97"]],
        {(2, "分月计划")}),
    "node curve decreasing": (
        "nodes", [[*NODES, "指标名称", "目标值", "单位", "分月计划"],
                  [*node(), "签约项目", 10, "个", "10%,20%,15%,40%,50%,60%,70%,80%,90%,95%,99%,100%"]],
        {(2, "分月计划")}),
    "node indicator kind unknown": ("nodes", [[*NODES, "指标名称", "目标值", "单位", "指标类型"],
                                              [*node(), "签约项目", 10, "个", "增量"]], {(2, "指标类型")}),
    "node indicator target not a number": ("nodes", [[*NODES, "指标名称", "目标值", "单位"],
                                                     [*node(), "签约项目", "很多", "个"]], {(2, "目标值")}),
    "project name missing": ("projects", [PROJECTS, project(name=None)], {(2, "项目名称")}),
    "project code with a slash": ("projects", [PROJECTS, project(code="N/1")], {(2, "项目编号")}),
    "project code twice": ("projects", [PROJECTS, project(), project(name="另一个")], {(3, "项目编号")}),
    "project credit code check character": ("projects", [PROJECTS, project(credit=BAD_CREDIT)],
                                            {(2, "统一社会信用代码")}),
    "project credit code too short": ("projects", [PROJECTS, project(credit="91220101MA0Y1")],
                                      {(2, "统一社会信用代码")}),
    "project national code shape": ("projects", [PROJECTS, project(national="2023-220101-48")], {(2, "项目代码")}),
    "project unknown stage": ("projects", [PROJECTS, project(stage="施工中")], {(2, "项目阶段")}),
    "project unknown nature": ("projects", [PROJECTS, project(nature="新开")], {(2, "建设性质")}),
    "project negative amount": ("projects", [PROJECTS, project(total=-5)], {(2, "总投资（万元）")}),
    "project percentage as amount": ("projects", [PROJECTS, project(total="50%")], {(2, "总投资（万元）")}),
    "project unknown money unit": ("projects", [PROJECTS, project(total="3千万美元")], {(2, "总投资（万元）")}),
    "project completion before start": ("projects", [PROJECTS, project(planned_end="2023-01-01")],
                                        {(2, "计划竣工时间")}),
    "project actual start in the future": ("projects", [PROJECTS, project(stage="在建", actual="2023-09-01")],
                                           {(2, "实际开工时间")}),
    "project started but still planning": ("projects", [PROJECTS, project(stage="前期", actual="2023-05-01")],
                                           {(2, "项目阶段")}),
    "project yes or no unreadable": ("projects", [PROJECTS, project(stats="也许")], {(2, "是否入统")}),
    "project point outside China": ("projects", [PROJECTS, project(lng=2.35, lat=48.85)], {(2, "经度")}),
    "project latitude without longitude": ("projects", [PROJECTS, project(lng=None)], {(2, "经度")}),
    "project unknown node": ("projects", [PROJECTS, project(nodes="9.9")], {(2, "服务节点")}),
    "investment unknown project": ("investment", [INVESTMENT, money(code="P-X")], {(2, "项目编号")}),
    "investment month unreadable": ("investment", [INVESTMENT, money(period="五月")], {(2, "填报月份")}),
    "investment month in the future": ("investment", [INVESTMENT, money(period="2023-09")], {(2, "填报月份")}),
    "investment month outside the plan year": ("investment", [INVESTMENT, money(period="2022-12")],
                                               {(2, "填报月份")}),
    "investment month twice": ("investment", [INVESTMENT, money(), money(amount=5)], {(3, "填报月份")}),
    "investment amount missing": ("investment", [INVESTMENT, money(amount=None)], {(2, "本月完成投资")}),
    "investment amount negative": ("investment", [INVESTMENT, money(amount=-1)], {(2, "本月完成投资")}),
    "investment progress over 100%": ("investment", [INVESTMENT, money(pct="150%")], {(2, "形象进度百分比")}),
    "investment running total disagrees": ("investment", [INVESTMENT, money(period="2023-04", amount=10, ytd=10),
                                                          money(amount=10, ytd=99)], {(3, "本年累计完成投资")}),
    "report progress over 100": ("reports", [REPORTS, ["1.1", "2023-05", 130, "推进中"]], {(2, "进度")}),
    "report unknown node": ("reports", [REPORTS, ["8.8", "2023-05", 30, "推进中"]], {(2, "编号")}),
    "report month unreadable": ("reports", [REPORTS, ["1.1", "下个月", 30, "推进中"]], {(2, "填报月份")}),
}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


# name → (file bytes, words the file error must contain)
FILE_CASES = {
    "an empty file": (b"", "空"),
    "a picture": (b"\x89PNG\r\n\x1a\n" + bytes(200), "不是"),
    "a web page saved as .xls": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "网页"),
    "half a workbook": (xlsx([NODES, node()])[:900], "损坏"),
    "a zip that is no workbook": (_zip({"readme.txt": b"hello"}), ""),
    "an encrypted workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
                              + bytes(512), "加密"),
    "a sheet without the ledger's header": (xlsx([["序号", "备注"], [1, "无"]]), "表头"),
    "a csv without the ledger's header": (csv_bytes([["a", "b"], [1, 2]]), "表头"),
}


def _counts() -> tuple[int, ...]:
    return (Node.objects.count(), Indicator.objects.count(), Report.objects.count(), Project.objects.count(),
            InvestmentReport.objects.count(), AuditEntry.objects.count())


@pytest.fixture
def with_project(cast):
    data = xlsx([PROJECTS, project(code="P-1", name="已有项目")])
    assert import_ledger(data, "p.xlsx", "projects", cast.plan, None).ok
    return cast


@time_machine.travel("2023-07-10 10:00 +0800")
@pytest.mark.parametrize("case", ROW_CASES.values(), ids=ROW_CASES.keys())
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(with_project, case):
    kind, rows, expected = case
    before = _counts()
    for dry_run in (True, False):
        result = import_ledger(xlsx(rows), "坏台账.xlsx", kind, with_project.plan, with_project.coordinator,
                               dry_run=dry_run)
        assert not result.ok
        assert {(e.row, e.column) for e in result.errors} == expected, [e.message for e in result.errors]
        assert all(e.message for e in result.errors) and len(result.errors) == len(expected)
        assert (result.created, result.updated) != (0, 0) or not result.changes
    assert _counts() == before
    record = ImportRecord.objects.latest("pk")
    assert (record.ok, record.applied, record.error_count) == (False, False, len(result.errors))


@pytest.mark.parametrize("case", FILE_CASES.values(), ids=FILE_CASES.keys())
@pytest.mark.parametrize("kind", ["nodes", "projects"])
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_written(cast, case, kind):
    data, words = case
    before = _counts()
    result = import_ledger(data, "台账.xlsx", kind, cast.plan, cast.coordinator)
    assert not result.ok and result.file_error
    assert words in result.file_error
    assert _counts() == before
    assert ImportRecord.objects.latest("pk").error_count == 1
