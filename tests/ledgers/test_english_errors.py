"""Ledger import errors in the interface language: Chinese unless the user switched to English,
in the import document, the API, the preview page (whenever it is read) and the marked workbook."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from shigongtu.ledgers.engine import annotated_copy, import_ledger
from shigongtu.ledgers.models import ImportRecord
from shigongtu.plans import services as plan_services
from shigongtu.projects.services.bonds import save_bond
from shigongtu.projects.services.projects import save_project
from tests.ledgers.helpers import xlsx

TODAY = dt.date(2023, 7, 10)
BAD_DATE = [["编号", "任务名称", "开始时间"], ["1.3", "新任务", "某天"]]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel("2023-07-10 10:00 +0800", tick=False):
        yield


def make_project(cast, code):
    return save_project(cast.plan, {"code": code, "name": f"测试项目{code}", "lead_unit": cast.dept,
                                    "total_investment": Decimal(10000), "stage": "前期"}, today=TODAY)


def with_bond(cast):
    save_bond(make_project(cast, "P-1"), {"requested_amount": "5000"}, today=TODAY)


def run(cast, rows, kind="nodes"):
    return import_ledger(xlsx(rows), "台账.xlsx", kind, cast.plan, None)


def messages(result, language):
    with translation.override(language):
        return {(e["row"], e["column"]): e["message"] for e in result.as_dict()["errors"]}


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


# kind, setup, rows, the cell, its English, its Chinese (as it always was)
CASES = {
    "a date": ("nodes", None, BAD_DATE, (2, "开始时间"), "not a date: 某天", "无法识别的日期：某天"),
    "an amount": ("projects", None, [["项目编号", "项目名称", "总投资"], ["P-1", "好项目", "很多"]],
                  (2, "总投资"), "not an amount: 很多", "无法识别的金额：很多"),
    "an unknown project": ("investment", None, [["项目编号", "填报月份", "本月完成投资"], ["P-X", "2023-05", 100]],
                           (2, "项目编号"), "plan JY-T has no project with code P-X",
                           "施工图 JY-T 没有编号为 P-X 的项目"),
    "a duplicate key": ("nodes", None, [["编号", "任务名称"], ["1.3", "甲"], ["1.3", "乙"]], (3, "编号"),
                        "duplicate code 1.3 in this file (already on row 2)", "编号 1.3 在本表中重复（第 2 行已有）"),
    "a missing parent": ("nodes", None, [["编号", "任务名称"], ["9.1", "孤儿"]], (2, "编号"),
                         "parent code 9 does not exist and is not in this file", "上级编号 9 不存在，也不在本表中"),
    "a bond state": ("bonds", with_bond, [["项目编号", "状态"], ["P-1", "已发行"]], (2, "状态"),
                     "a bond project cannot move from 谋划 to 已发行 (it may move to: 储备申报)",
                     "专项债项目不能从「谋划」转为「已发行」（可转为：储备申报）"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_row_error_reads_in_english_under_english(cast, case):
    kind, setup, rows, cell, en, _ = case
    if setup:
        setup(cast)
    result = run(cast, rows, kind)
    assert messages(result, "en")[cell] == en


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_row_error_stays_in_chinese_by_default(cast, case):
    kind, setup, rows, cell, _, zh = case
    if setup:
        setup(cast)
    result = run(cast, rows, kind)
    assert messages(result, "zh-hans")[cell] == zh
    assert result.as_dict()["errors"][0]["message"] == zh
    assert [e.message for e in result.errors] == [zh]


def test_every_error_of_messy_files_of_each_kind_has_its_english(cast):
    plan_services.save_node(cast.plan, "2", {"cancelled": True})
    with_bond(cast)
    make_project(cast, "P-2")
    save_bond(make_project(cast, "P-5"), {"requested_amount": "100", "state": "审核通过"}, today=TODAY)
    files = {
        "nodes": [["编号", "任务名称", "牵头单位", "开始时间", "完成时限", "权重", "状态", "指标名称", "目标值",
                   "指标类型", "分月计划"],
                  ["x.1", None, "不存在的局", "某天", None, -1, "也许", None, 5, None, None],
                  ["1.3", "甲", None, "2023-05-01", "2023-04-01", None, None, "签约额", -3, "增量", "1,2,x"],
                  ["1.4", "乙", None, None, None, None, None, "签约额", None, None, "0.5"],
                  ["1.5", "丙", None, None, None, None, None, "新指标", None, None, None]],
        "reports": [["编号", "填报月份", "进度"], ["9.9", "2023-04", 140], ["2.1", "2024-01", None],
                    ["1.2", "四月", "abc"], ["1.2", "2023-06", 10], ["1.2", "2023-06", 20], [None, None, 5]],
        "projects": [["项目编号", "项目名称", "总投资", "项目阶段", "计划开工时间", "计划竣工时间", "实际开工时间",
                      "统一社会信用代码", "经度", "纬度"],
                     ["P-3", "负数", -5, "施工中", "2023-06-01", "2023-05-01", None, "91220101MA0Y123450", 2.35, 48.8],
                     ["P-4", "坐标缺一半", 100, "谋划", None, None, "2023-03-01", None, 125.4, None],
                     ["P-4", None, 100, None, None, None, "2024-01-01", None, None, None],
                     ["P-1", "停缓建", 100, "停缓建", None, None, None, None, None, None]],
        "investment": [["项目编号", "填报月份", "本月完成投资", "本年累计完成投资", "形象进度百分比"],
                       [None, "2023-05", 100, None, None], ["P-2", "2023-09", 100, None, None],
                       ["P-2", "2022-05", "很多", None, 120], ["P-2", "四月", None, None, "大半"],
                       ["P-2", "2023-05", 100, 999, None], ["P-2", "2023-05", 100, None, None]],
        "approvals": [["项目编号", "手续类型", "是否必需", "办理状态", "批复文号", "批复日期", "有效期至"],
                      ["P-9", "环评", None, None, None, None, None], ["P-1", "立项", None, None, None, None, None],
                      ["P-1", "拆迁许可", "也许", "差不多", "号" * 101, None, None],
                      ["P-1", "施工许可", None, None, None, "2023-08-01", None],
                      ["P-1", "环评", None, None, None, "2023-05-01", "2023-04-30"],
                      ["P-1", "环境影响评价", None, None, None, None, None], ["P-1", None, None, None, None, None, None]],
        "bonds": [["项目编号", "状态", "申请额度", "用作资本金", "收益覆盖倍数", "申报日期", "备注"],
                  ["P-1", "额度已下达", "9" * 30 + "亿", "大概", "很高", "2023-12-01", None],
                  ["P-2", "批了", "-5", None, "1e40", "某天", "注" * 2001], ["P-2", None, None, None, None, None, None],
                  ["P-X", None, None, None, None, None, None], ["P-5", "额度已下达", None, None, None, None, None]],
    }
    for kind, rows in files.items():
        result = run(cast, rows, kind)
        assert len(result.errors) >= 5, (kind, result.errors)
        for error in result.errors:
            assert error.message_en and error.message_en != error.message, (kind, error)


def test_a_file_error_is_in_english_under_english(cast):
    result = import_ledger(b"", "empty.xlsx", "nodes", cast.plan, None)
    with translation.override("en"):
        doc = result.as_dict()
    assert not CJK.search(doc["file_error"]) and doc["errors"][0]["message"] == doc["file_error"]
    assert result.as_dict()["file_error"] == result.file_error and CJK.search(result.file_error)


def test_the_api_answers_in_the_language_the_user_chose(cast):
    for client, message in ((cast.client("coordinator"), "无法识别的日期：某天"),
                            (english(cast.client("coordinator")), "not a date: 某天")):
        response = client.post("/api/v1/plans/JY-T/ledgers/nodes/import",
                               {"file": SimpleUploadedFile("n.xlsx", xlsx(BAD_DATE))})
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert (error["row"], error["column"], error["value"], error["message"]) == (2, "开始时间", "某天", message)


def test_the_preview_page_shows_english_after_the_switch_whenever_the_file_was_uploaded(cast):
    client = cast.client("coordinator")
    url = client.post("/plans/JY-T/ledgers/upload",
                      {"kind": "nodes", "file": SimpleUploadedFile("台账.xlsx", xlsx(BAD_DATE))}).url
    assert "无法识别的日期：某天" in client.get(url).content.decode()
    page = english(client).get(url).content.decode()
    assert "not a date: 某天" in page and "无法识别的日期" not in page
    kept = ImportRecord.objects.get().result["errors"][0]
    assert (kept["message"], kept["message_en"]) == ("无法识别的日期：某天", "not a date: 某天")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "无法识别的日期：某天" in client.get(url).content.decode()


def test_the_preview_page_shows_a_file_error_in_english_after_the_switch(cast):
    client = english(cast.client("coordinator"))
    url = client.post("/plans/JY-T/ledgers/upload",
                      {"kind": "nodes", "file": SimpleUploadedFile("空.xlsx", b"")}).url
    record = ImportRecord.objects.get()
    page = client.get(url).content.decode()
    assert record.result["file_error"] not in page and record.result["file_error_en"] in page


def test_the_marked_workbook_speaks_english_under_english(cast):
    data = xlsx(BAD_DATE)
    result = import_ledger(data, "台账.xlsx", "nodes", cast.plan, None, dry_run=True)
    with translation.override("en"):
        copy = annotated_copy(data, "台账.xlsx", result)
    assert copy is not None
    wb = load_workbook(io.BytesIO(copy))
    assert wb.sheetnames[-1] == "Errors"
    assert wb.worksheets[0]["C2"].comment.text == "not a date: 某天"
    rows = [list(r) for r in wb["Errors"].iter_rows(values_only=True)]
    assert rows == [["Row", "Column", "Cell", "Value", "Problem"], [2, "开始时间", "C2", "某天", "not a date: 某天"]]


def test_marking_a_marked_workbook_again_in_english_replaces_the_chinese_error_sheet(cast):
    data = xlsx(BAD_DATE)
    chinese = annotated_copy(data, "台账.xlsx", import_ledger(data, "台账.xlsx", "nodes", cast.plan, None))
    assert chinese is not None and "错误清单" in load_workbook(io.BytesIO(chinese)).sheetnames
    again = import_ledger(chinese, "台账.xlsx", "nodes", cast.plan, None)
    with translation.override("en"):
        english_copy = annotated_copy(chinese, "台账.xlsx", again)
    assert english_copy is not None
    wb = load_workbook(io.BytesIO(english_copy))
    assert wb.sheetnames == ["Sheet1", "Errors"]
    assert wb["Sheet1"]["C2"].comment.text == "not a date: 某天"


def test_the_marked_workbook_downloads_in_english_after_the_switch(cast):
    client = english(cast.client("coordinator"))
    client.post("/plans/JY-T/ledgers/upload", {"kind": "nodes", "file": SimpleUploadedFile("台账.xlsx", xlsx(BAD_DATE))})
    response = client.get(f"/plans/JY-T/ledgers/imports/{ImportRecord.objects.get().pk}/errors.xlsx")
    assert response.status_code == 200 and "-errors.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.worksheets[0]["C2"].comment.text == "not a date: 某天" and "Errors" in wb.sheetnames


def test_the_cli_answers_in_chinese(cast, tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(BAD_DATE))
    with pytest.raises(SystemExit):
        call_command("import", str(path), "--kind", "nodes", "--plan", "JY-T", "--json")
    assert json.loads(capsys.readouterr().out)["errors"][0]["message"] == "无法识别的日期：某天"
