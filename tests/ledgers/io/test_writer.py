import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from shigongtu.ledgers.io import Column, LedgerSpec, read_ledger, write_ledger
from shigongtu.ledgers.io.writer import LISTS_SHEET, NOTES_SHEET

from .files import NODES, PROJECTS, REPORTS

TRICKY_TEXT = [
    "=1+1",
    "+86 138 0000 0000",
    "-5",
    "@SUM(A1)",
    "\t=cmd|' /C calc'!A0",
    "\r=1",
    "a & b < c > d",
    "第一行\n第二行",
    "Windows\r\n换行",
    "  前后空格  ",
    "'单引号开头",
]


def roundtrip(spec, rows, **kwargs):
    table = read_ledger(write_ledger(spec, rows, **kwargs), "export.xlsx", spec)
    return table, list(table.rows)


def test_every_kind_of_value_comes_back_unchanged():
    rows = [
        {
            "编号": "1.2.3",
            "任务名称": text,
            "牵头单位": "招商局",
            "开始时间": dt.date(2023, 3, 31),
            "完成时限": dt.datetime(2023, 12, 31, 17, 30),
            "权重": 2.5,
            "状态": "取消",
            "目标值": 1234567.89,
        }
        for text in TRICKY_TEXT
    ]
    table, back = roundtrip(NODES, rows)
    assert table.header_row == 1
    assert [r.values for r in back] == [{k: v for k, v in row.items()} | {"责任领导": None} for row in rows]
    assert [r.number for r in back] == list(range(2, 2 + len(rows)))


def test_numbers_keep_their_value_whatever_their_python_type():
    rows = [{"编号": "1", "任务名称": "x", "权重": w} for w in (0, 7, 0.1, 1e-9, 123456789012, Decimal("12.30"), True)]
    _, back = roundtrip(NODES, rows)
    assert [r.values["权重"] for r in back] == [0, 7, 0.1, 1e-9, 123456789012, 12.3, True]


def test_none_and_empty_text_are_written_as_empty_cells():
    _, back = roundtrip(NODES, [{"编号": "1", "任务名称": "x", "牵头单位": None, "责任领导": ""}])
    assert back[0].values["牵头单位"] is None
    assert back[0].values["责任领导"] is None


def test_timezone_aware_datetimes_are_written_as_their_wall_time():
    when = dt.datetime(2023, 5, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    _, back = roundtrip(NODES, [{"编号": "1", "任务名称": "x", "完成时限": when}])
    assert back[0].values["完成时限"] == dt.datetime(2023, 5, 1, 9, 0)


def test_characters_excel_cannot_hold_are_dropped():
    _, back = roundtrip(NODES, [{"编号": "1", "任务名称": "a\x00b\x07c"}])
    assert back[0].values["任务名称"] == "abc"


def test_a_title_takes_row_one_and_the_reader_finds_the_header_in_row_two():
    table, back = roundtrip(NODES, [{"编号": "1", "任务名称": "招商"}], title="2023年重点任务")
    assert table.header_row == 2
    assert back[0].number == 3
    ws = openpyxl.load_workbook(io.BytesIO(write_ledger(NODES, [], title="2023年重点任务"))).worksheets[0]
    assert ws["A1"].value == "2023年重点任务"
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}


def test_text_that_looks_like_a_formula_is_stored_as_quoted_text():
    data = write_ledger(NODES, [{"编号": "1", "任务名称": '=HYPERLINK("http://x")', "牵头单位": "@x"}])
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    for ref in ("B2", "C2"):
        assert ws[ref].data_type == "s"
        assert ws[ref].quotePrefix
    assert not ws["A2"].quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml


def test_the_export_is_styled_for_filling_in():
    data = write_ledger(
        PROJECTS, [{"项目编号": "XM-1", "项目名称": "道路", "总投资": 12.5, "计划开工时间": dt.date(2023, 1, 2)}]
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["重点项目台账", NOTES_SHEET]
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws["A1"].fill.fgColor.rgb != ws["C1"].fill.fgColor.rgb  # required columns stand out
    assert ws.column_dimensions["A"].width == 14
    assert ws["D2"].number_format == "#,##0.00"
    assert ws["G2"].number_format == "yyyy-mm-dd"
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"C2:C1048576": '"谋划,前期,具备开工条件,在建,竣工"', "H2:H1048576": '"是,否"'}


def test_header_help_becomes_a_comment():
    ws = openpyxl.load_workbook(io.BytesIO(write_ledger(NODES, []))).worksheets[0]
    assert ws["A1"].comment.text == "1、1.2、1.2.3"
    assert ws["B1"].comment is None


def test_the_explanatory_sheet_lists_every_column():
    data = write_ledger(NODES, [], notes=["编号按层级用点分隔。"])
    ws = openpyxl.load_workbook(io.BytesIO(data))[NOTES_SHEET]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["《分施工图》填表说明", None, None, None, None]
    assert any("编号按层级用点分隔" in str(row[0]) for row in cells)
    table = {row[0]: row for row in cells if row[0] in {c.canonical for c in NODES.columns}}
    assert table["编号"] == ["编号", "必填", "code", "1、1.2、1.2.3", None]
    assert table["状态"][1:] == ["选填", "status", None, "进行中、取消"]


def test_long_choice_lists_live_on_a_hidden_sheet():
    choices = tuple(f"第{i}类产业（含配套服务）" for i in range(30))
    spec = LedgerSpec("x", "产业", (Column("编号", required=True), Column("所属产业", choices=choices)))
    data = write_ledger(spec, [{"编号": "1", "所属产业": choices[3]}])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["产业", NOTES_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    assert [r[0] for r in wb[LISTS_SHEET].iter_rows(values_only=True)] == list(choices)
    [dv] = wb.worksheets[0].data_validations.dataValidation
    assert dv.formula1 == f"'{LISTS_SHEET}'!$A$1:$A$30"
    [row] = read_ledger(data, "x.xlsx", spec).rows
    assert row.values["所属产业"] == choices[3]


def test_extra_columns_of_a_dynamic_ledger_round_trip():
    rows = [{"编号": "1.1", "填报月份": "2023-03", "进度": 65, "地区生产总值": 12.5, "固定资产投资": None}]
    table, back = roundtrip(REPORTS, rows, extra_columns=["地区生产总值", "固定资产投资"])
    assert table.extra_columns == {"地区生产总值": 4, "固定资产投资": 5}
    assert back[0].extras == {"地区生产总值": 12.5, "固定资产投资": None}


def test_sheet_names_excel_would_refuse_are_cleaned():
    data = write_ledger(NODES, [], sheet_name="2023/重点:任务[一]")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "2023_重点_任务_一_"


def test_an_export_reimported_and_exported_again_is_the_same_ledger():
    rows = [
        {"编号": f"1.{i}", "任务名称": TRICKY_TEXT[i % len(TRICKY_TEXT)], "开始时间": dt.date(2023, 1, 1 + i)}
        for i in range(20)
    ]
    _, first = roundtrip(NODES, rows, title="台账")
    _, second = roundtrip(NODES, [r.values for r in first], title="台账")
    assert [r.values for r in first] == [r.values for r in second]


@pytest.mark.parametrize("count", [0, 1, 1200])
def test_any_number_of_rows_is_written(count):
    rows = ({"编号": str(i), "任务名称": f"任务{i}"} for i in range(count))
    _, back = roundtrip(NODES, rows)
    assert len(back) == count
