import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.styles import Font

from shigongtu.ledgers.engine import annotated_copy, import_ledger
from shigongtu.ledgers.io import annotate as annotate_module
from shigongtu.ledgers.io import read_ledger, write_ledger
from shigongtu.ledgers.io.annotate import AUTHOR, ERROR_FILL, ERRORS_SHEET, annotate_errors, annotated_filename
from shigongtu.lib.errors import FieldError
from shigongtu.projects.models import Project
from tests.ledgers.helpers import xlsx as office_xlsx

from .files import NODES, PROJECTS, csv_text, ods, xlsx


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def is_marked(cell) -> bool:
    return cell.fill is not None and cell.fill.fgColor.rgb == ERROR_FILL


def nodes_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务"
    ws.append(["2023年重点任务"])
    ws.append(["编号", "任务名称", "开始时间", "备注"])
    ws.append(["1", "招商引资", "2023年13月", "保留"])
    ws.append(["1.1", "签约项目", dt.date(2023, 2, 1), None])
    ws["D3"].font = Font(bold=True, color="FF0000FF")
    wb.create_sheet("附表").append(["别动我"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_faulty_cells_are_filled_and_carry_the_message_as_a_comment():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    errors = [FieldError("不是有效的日期", row=3, column="开始时间", value="2023年13月")]
    wb = load(annotate_errors(data, "nodes.xlsx", errors, table))
    ws = wb["任务"]
    assert is_marked(ws["C3"])
    assert ws["C3"].comment.text == "不是有效的日期"
    assert ws["C3"].comment.author == AUTHOR
    assert not is_marked(ws["B3"])
    assert not is_marked(ws["C4"])


def test_the_users_workbook_is_kept_with_its_other_sheets_and_formatting():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    wb = load(annotate_errors(data, "nodes.xlsx", [FieldError("错", row=3, column="开始时间", value="x")], table))
    assert wb.sheetnames == ["任务", "附表", ERRORS_SHEET]
    assert wb["任务"]["D3"].font.bold
    assert wb["任务"]["D3"].value == "保留"
    assert wb["附表"]["A1"].value == "别动我"


def test_an_error_without_a_known_column_marks_the_whole_row():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    errors = [FieldError("编号重复", row=4, column=None, value=None), FieldError("奇怪", row=3, column="不存在的列", value=None)]
    ws = load(annotate_errors(data, "nodes.xlsx", errors, table))["任务"]
    assert all(is_marked(ws.cell(row=4, column=c)) for c in range(1, 5))
    assert ws["A4"].comment.text == "编号重复"
    assert all(is_marked(ws.cell(row=3, column=c)) for c in range(1, 5))


def test_columns_are_found_by_header_as_written_or_by_canonical_name():
    data = xlsx([["Code", "任务名称（全称）"], ["1", "x"]])
    table = read_ledger(data, "x.xlsx", NODES)
    errors = [FieldError("a", row=2, column="Code", value="1"), FieldError("b", row=2, column="任务名称", value="x")]
    ws = load(annotate_errors(data, "x.xlsx", errors, table)).worksheets[0]
    assert ws["A2"].comment.text == "a"
    assert ws["B2"].comment.text == "b"


def test_several_errors_in_one_cell_share_its_comment():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    errors = [FieldError("不是日期", row=3, column="开始时间", value="x"), FieldError("早于计划开始", row=3, column="开始时间", value="x")]
    ws = load(annotate_errors(data, "nodes.xlsx", errors, table))["任务"]
    assert ws["C3"].comment.text == "不是日期\n早于计划开始"


def test_the_error_sheet_lists_every_error_in_row_order_with_links():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    errors = [
        FieldError("名称重复", row=4, column="任务名称", value="签约项目"),
        FieldError("不是有效的日期", row=3, column="开始时间", value="2023年13月"),
        FieldError("整行有问题", row=3, column=None, value="=cmd|' /C calc'!A0"),
    ]
    es = load(annotate_errors(data, "nodes.xlsx", errors, table))[ERRORS_SHEET]
    rows = [[c.value for c in row] for row in es.iter_rows()]
    assert rows == [
        ["行号", "列", "单元格", "值", "问题"],
        [3, "（整行）", None, "=cmd|' /C calc'!A0", "整行有问题"],
        [3, "开始时间", "C3", "2023年13月", "不是有效的日期"],
        [4, "任务名称", "B4", "签约项目", "名称重复"],
    ]
    assert es["D2"].data_type == "s"  # the clerk's text stays text
    assert es["C3"].hyperlink.location == "'任务'!C3"


def test_the_annotated_copy_still_imports_as_the_same_ledger():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    before = [r.values for r in table.rows]
    annotated = annotate_errors(data, "nodes.xlsx", [FieldError("错", row=3, column="开始时间", value="x")], table)
    assert [r.values for r in read_ledger(annotated, "nodes.xlsx", NODES).rows] == before


def test_annotating_an_annotated_copy_replaces_the_earlier_marks():
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    once = annotate_errors(data, "nodes.xlsx", [FieldError("旧问题", row=3, column="开始时间", value="x")], table)
    table = read_ledger(once, "nodes.xlsx", NODES)
    twice = load(annotate_errors(once, "nodes.xlsx", [FieldError("新问题", row=4, column="任务名称", value="x")], table))
    ws = twice["任务"]
    assert not is_marked(ws["C3"])
    assert ws["C3"].comment is None
    assert ws["B4"].comment.text == "新问题"
    assert twice.sheetnames.count(ERRORS_SHEET) == 1
    assert [c.value for c in twice[ERRORS_SHEET][2]][4] == "新问题"


def test_a_csv_upload_comes_back_as_xlsx_at_the_same_row_numbers():
    text = csv_text(
        [["2023年台账"], ["编号", "任务名称", "开始时间"], ["1", "第一行\n第二行", "2023-01-01"], ["2", "=1+1", "明天"]]
    )
    data = text.encode("gb18030")
    table = read_ledger(data, "nodes.csv", NODES)
    rows = list(table.rows)
    assert [r.number for r in rows] == [3, 5]
    out = annotate_errors(data, "nodes.csv", [FieldError("不是有效的日期", row=5, column="开始时间", value="明天")], table)
    wb = load(out)
    assert wb.sheetnames == ["nodes", ERRORS_SHEET]
    ws = wb.worksheets[0]
    assert ws["A1"].value == "2023年台账"
    assert ws["B2"].font.bold  # the header stands out
    assert ws["B3"].value == "第一行\n第二行"
    assert ws["B5"].value == "=1+1"
    assert ws["B5"].data_type == "s"
    assert is_marked(ws["C5"])
    assert ws["C5"].comment.text == "不是有效的日期"
    assert not is_marked(ws["C3"])
    assert ws.freeze_panes == "A3"
    assert [r.values for r in read_ledger(out, "again.xlsx", NODES).rows] == [r.values for r in rows]


def test_an_xls_upload_is_rebuilt_with_its_values(xls_projects):
    table = read_ledger(xls_projects, "projects.xls", PROJECTS)
    out = annotate_errors(xls_projects, "projects.xls", [FieldError("超出上限", row=5, column="总投资", value=8000)], table)
    ws = load(out)["项目台账"]
    assert ws["F4"].value == dt.datetime(2023, 3, 1)
    assert ws["F4"].number_format == "yyyy-mm-dd"
    assert is_marked(ws["C5"])
    assert ws["C5"].comment.text == "超出上限"


def test_an_ods_upload_is_rebuilt_too():
    data = ods([["编号", "任务名称"], ["1", "招商"], ["2", None]])
    table = read_ledger(data, "x.ods", NODES)
    ws = load(annotate_errors(data, "x.ods", [FieldError("必填", row=3, column="任务名称", value=None)], table)).worksheets[0]
    assert is_marked(ws["B3"])
    assert ws["B3"].comment.text == "必填"


def test_a_large_xlsx_is_rebuilt_rather_than_loaded(monkeypatch):
    monkeypatch.setattr(annotate_module, "IN_PLACE_MAX_BYTES", 0)
    data = nodes_xlsx()
    table = read_ledger(data, "nodes.xlsx", NODES)
    wb = load(annotate_errors(data, "nodes.xlsx", [FieldError("整行", row=4, column=None, value=None)], table))
    assert wb.sheetnames == ["任务", ERRORS_SHEET]
    ws = wb["任务"]
    assert ws["B3"].value == "招商引资"
    assert all(is_marked(ws.cell(row=4, column=c)) for c in range(1, 5))
    assert ws["A4"].comment.text == "整行"


@pytest.mark.parametrize("in_place", [True, False])
def test_comments_stop_after_the_cap_but_every_error_is_still_filled_and_listed(monkeypatch, in_place):
    monkeypatch.setattr(annotate_module, "MAX_COMMENTS", 2)
    if not in_place:
        monkeypatch.setattr(annotate_module, "IN_PLACE_MAX_BYTES", 0)
    data = write_ledger(NODES, [{"编号": str(i), "任务名称": "x"} for i in range(5)])
    table = read_ledger(data, "x.xlsx", NODES)
    errors = [FieldError(f"错{n}", row=n, column="编号", value=str(n)) for n in range(2, 7)]
    wb = load(annotate_errors(data, "x.xlsx", errors, table))
    ws = wb.worksheets[0]
    assert [ws.cell(row=n, column=1).comment is not None for n in range(2, 7)] == [True, True, False, False, False]
    assert all(is_marked(ws.cell(row=n, column=1)) for n in range(2, 7))
    assert wb[ERRORS_SHEET].max_row == 6


def test_the_annotated_copy_is_offered_as_xlsx():
    assert annotated_filename("台账.csv") == "台账-错误标注.xlsx"
    assert annotated_filename("上传/项目.xls") == "项目-错误标注.xlsx"


# -- the errors of sheets as offices keep them, marked where they are ---------------------------

def _marked_cell(cast, rows, kind, cell, **kw):
    """Import ``rows`` (an .xlsx) as ``kind``, mark the file, and return the marked cell and the
    error sheet's text."""
    data = office_xlsx(rows, **kw)
    result = import_ledger(data, "台账.xlsx", kind, cast.plan, None)
    assert not result.ok
    marked = annotated_copy(data, "台账.xlsx", result)
    assert marked is not None
    wb = load(marked)
    listed = " ".join(str(v) for row in wb[ERRORS_SHEET].iter_rows(values_only=True) for v in row if v)
    return wb.worksheets[0][cell], listed


def test_the_marked_workbook_shows_a_formula_without_a_value_where_it_is_read(cast):
    target, listed = _marked_cell(cast, [["项目编号", "项目名称", "总投资", "备用"],
                                         ["P-1", "长春市算力中心", "=1+1", "=2+2"]], "projects", "C2")
    assert is_marked(target) and target.comment is not None and "公式" in target.comment.text
    assert "=1+1" in listed and "=2+2" not in listed


def test_the_marked_workbook_shows_a_malformed_dms_coordinate(cast):
    target, listed = _marked_cell(cast, [["项目编号", "项目名称", "经度", "纬度"],
                                         ["P-1", "长春市算力中心", "125°77′10″", "43°49′30″"]], "projects", "C2")
    assert is_marked(target) and target.comment is not None
    assert "125°77′10″" in listed


def test_the_marked_workbook_shows_a_name_that_matches_two_projects(cast):
    Project.objects.create(plan=cast.plan, code="P-1", name="长春市算力中心")
    Project.objects.create(plan=cast.plan, code="P-2", name="长春市 算力中心")
    target, _ = _marked_cell(cast, [["项目名称", "填报月份", "本月完成投资"], ["长春市算力中心", "2023-06", 10]],
                                  "investment", "A2")
    assert is_marked(target) and "P-1" in target.comment.text and "P-2" in target.comment.text


def test_the_marked_workbook_shows_a_name_given_twice(cast):
    target, _ = _marked_cell(cast, [["项目名称", "总投资"], ["长春市算力中心", 10], ["长春市算力中心", 20]],
                                  "projects", "A3")
    assert is_marked(target) and "第 2 行" in target.comment.text


def test_the_marked_workbook_shows_a_tick_under_an_unknown_approval_kind(cast):
    target, _ = _marked_cell(cast, [["项目名称", "环评", "人防审批"], ["长春市算力中心", "√", "√"]],
                                  "projects", "C2")
    assert is_marked(target) and "人防审批" in target.comment.text
