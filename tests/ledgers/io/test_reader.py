import datetime as dt

import pytest

from shigongtu.ledgers.io import LedgerFileError, read_ledger

from .files import NODES, PROJECTS, REPORTS, csv_text, ods, xlsx

NODE_HEADER = ["编号", "任务名称", "牵头单位", "开始时间", "完成时限"]


def rows_of(table):
    return [(r.number, r.values) for r in table.rows]


def test_it_reads_a_plain_sheet_with_native_types():
    data = xlsx(
        [
            [*NODE_HEADER, "权重", "状态"],
            ["1", "招商引资", "招商局", dt.date(2023, 1, 1), dt.datetime(2023, 6, 30, 17, 30), 2.5, True],
            [1.2, "签约项目", None, None, None, 3, None],
        ]
    )
    table = read_ledger(data, "nodes.xlsx", NODES)
    assert table.format == "xlsx"
    assert table.header_row == 1
    assert table.sheet_name == "Sheet1"
    rows = rows_of(table)
    assert rows[0] == (
        2,
        {
            "编号": "1",
            "任务名称": "招商引资",
            "牵头单位": "招商局",
            "开始时间": dt.date(2023, 1, 1),
            "完成时限": dt.datetime(2023, 6, 30, 17, 30),
            "权重": 2.5,
            "状态": True,
        },
    )
    # whole numbers come back as int, whichever way the format stores them; empty cells as None
    assert rows[1] == (
        3,
        {
            "编号": 1.2,
            "任务名称": "签约项目",
            "牵头单位": None,
            "开始时间": None,
            "完成时限": None,
            "权重": 3,
            "状态": None,
        },
    )
    assert type(rows[1][1]["权重"]) is int


def test_columns_the_header_lacks_are_absent_not_none():
    table = read_ledger(xlsx([["编号", "任务名称"], ["1", "招商"]]), "x.xlsx", NODES)
    [row] = table.rows
    assert row.values == {"编号": "1", "任务名称": "招商"}


def test_header_columns_are_located_by_index_and_letter():
    table = read_ledger(xlsx([["序号", "任务名称", "编号"], [1, "招商", "1"]]), "x.xlsx", NODES)
    assert table.columns["编号"].col_index == 2
    assert table.columns["编号"].col_letter == "C"
    assert table.columns["编号"].text == "编号"
    assert table.header_texts == {0: "序号", 1: "任务名称", 2: "编号"}


def test_headers_match_in_english_any_case_with_whitespace_and_bracket_notes():
    header = ["Code", "  TITLE ", "牵头\n单位", "开始\u3000时间", "完成时限（截止日期）", "目标值(亿元)"]
    table = read_ledger(xlsx([header, ["1", "招商", "招商局", None, None, 2]]), "x.xlsx", NODES)
    assert set(table.columns) == {"编号", "任务名称", "牵头单位", "开始时间", "完成时限", "目标值"}
    assert table.columns["完成时限"].text == "完成时限（截止日期）"
    assert table.columns["任务名称"].text == "TITLE"
    assert not table.unknown_headers


def test_unknown_headers_are_ignored_and_named_as_warnings():
    table = read_ledger(xlsx([["编号", "任务名称", "序号", "备注说明"], ["1", "招商", 1, "x"]]), "x.xlsx", NODES)
    assert table.unknown_headers == ["序号", "备注说明"]
    [row] = table.rows
    assert row.values == {"编号": "1", "任务名称": "招商"}
    assert row.extras == {}


def test_a_dynamic_ledger_keeps_unknown_columns_as_extras():
    data = xlsx([["编号", "填报月份", "进度", "地区生产总值", "固定资产投资"], ["1.1", "2023-03", "65%", 12.5, None]])
    table = read_ledger(data, "reports.xlsx", REPORTS)
    assert table.unknown_headers == []
    assert table.extra_columns == {"地区生产总值": 3, "固定资产投资": 4}
    [row] = table.rows
    assert row.values == {"编号": "1.1", "填报月份": "2023-03", "进度": "65%"}
    assert row.extras == {"地区生产总值": 12.5, "固定资产投资": None}


def test_title_and_note_rows_above_the_header_are_ignored_and_rows_keep_excel_numbers():
    data = xlsx(
        [
            ["2023年重点任务台账"],
            ["填报单位：净月高新区管委会"],
            [None, None, None, "单位：万元"],
            NODE_HEADER,
            ["1", "招商引资"],
            ["1.1", "签约项目"],
        ],
        merges=["A1:E1"],
    )
    table = read_ledger(data, "x.xlsx", NODES)
    assert table.header_row == 4
    assert [n for n, _ in rows_of(table)] == [5, 6]


def test_row_numbers_count_leading_blank_rows_and_columns_follow_the_sheet():
    data = xlsx([NODE_HEADER, ["1", "招商引资"]], start="C3")
    table = read_ledger(data, "x.xlsx", NODES)
    assert table.header_row == 3
    assert table.columns["编号"].col_letter == "C"
    assert table.columns["任务名称"].col_index == 3
    assert rows_of(table) == [
        (4, {"编号": "1", "任务名称": "招商引资", "牵头单位": None, "开始时间": None, "完成时限": None})
    ]


def test_a_header_below_row_ten_is_not_found():
    data = xlsx([[f"说明 {i}"] for i in range(10)] + [NODE_HEADER, ["1", "招商"]])
    with pytest.raises(LedgerFileError, match="前 10 行"):
        read_ledger(data, "x.xlsx", NODES)


def test_a_merged_two_row_header_is_read_by_its_lower_row():
    data = xlsx(
        [
            ["2023年重点项目台账"],
            ["项目编号", "项目名称", "投资情况（万元）", None, None, "计划开工时间"],
            [None, None, "总投资", "年度计划投资", "累计完成", None],
            ["XM-001", "净月大街改造", 12000.5, 3000, 1500, dt.date(2023, 3, 1)],
            ["合计", None, 12000.5, 3000, 1500, None],
        ],
        merges=["A1:F1", "A2:A3", "B2:B3", "C2:E2", "F2:F3"],
    )
    table = read_ledger(data, "x.xlsx", PROJECTS)
    assert (table.header_top_row, table.header_row) == (2, 3)
    assert table.columns["项目编号"].text == "项目编号"
    assert table.columns["总投资"].col_letter == "C"
    assert table.unknown_headers == []
    assert rows_of(table) == [
        (
            4,
            {
                "项目编号": "XM-001",
                "项目名称": "净月大街改造",
                "总投资": 12000.5,
                "年度计划投资": 3000,
                "累计完成": 1500,
                "计划开工时间": dt.date(2023, 3, 1),
            },
        )
    ]


def test_required_headers_split_over_two_header_rows_are_found():
    data = xlsx(
        [
            ["项目编号", "基本情况", None],
            [None, "项目名称", "项目阶段"],
            ["XM-1", "道路", "在建"],
        ],
        merges=["A1:A2", "B1:C1"],
    )
    table = read_ledger(data, "x.xlsx", PROJECTS)
    assert table.header_row == 2
    assert [r.values for r in table.rows] == [{"项目编号": "XM-1", "项目名称": "道路", "项目阶段": "在建"}]


def test_a_data_row_under_a_single_header_is_not_taken_for_a_second_header_row():
    data = csv_text(
        [["项目编号", "项目名称", "项目阶段", "备注"], ["XM-1", "道路", "", ""], ["XM-2", "桥梁", "在建", ""]]
    )
    table = read_ledger(data.encode(), "x.csv", PROJECTS)
    assert table.header_row == 1
    assert [r.number for r in table.rows] == [2, 3]


def test_total_signature_and_empty_rows_are_skipped():
    data = xlsx(
        [
            NODE_HEADER,
            ["1", "招商引资"],
            [],
            ["  合计", None, None],
            ["小计：3 项"],
            [None, "总计"],
            ["填表人：张三", None, "审核：李四"],
            ["制表日期：2023-03-31"],
            ["审核人：王五"],
            ["备注：以上数据截至月底"],
            ["2", "项目建设"],
        ]
    )
    assert [n for n, _ in rows_of(read_ledger(data, "x.xlsx", NODES))] == [2, 11]


def test_rows_with_content_only_in_ignored_columns_are_empty_rows():
    data = xlsx([["序号", "编号", "任务名称"], [1, "1", "招商"], [2, None, None], [3, None, None]])
    table = read_ledger(data, "x.xlsx", NODES)
    assert [r.number for r in table.rows] == [2]


def test_text_is_returned_exactly_as_written():
    data = xlsx([["编号", "任务名称"], ["1", "  =1+1 带空格\n第二行 "]])
    [row] = read_ledger(data, "x.xlsx", NODES).rows
    assert row.values["任务名称"] == "  =1+1 带空格\n第二行 "


def test_the_rows_can_be_read_only_once():
    table = read_ledger(xlsx([NODE_HEADER, ["1", "招商"]]), "x.xlsx", NODES)
    assert len(list(table.rows)) == 1
    with pytest.raises(RuntimeError, match="already"):
        list(table.rows)


def test_the_first_sheet_is_read_unless_another_is_named():
    data = xlsx([["说明"]], title="说明", more_sheets={"任务": [NODE_HEADER, ["1", "招商"]]})
    with pytest.raises(LedgerFileError):
        read_ledger(data, "x.xlsx", NODES)
    table = read_ledger(data, "x.xlsx", NODES, sheet="任务")
    assert table.sheet_name == "任务"
    assert table.sheet_names == ["说明", "任务"]
    assert read_ledger(data, "x.xlsx", NODES, sheet=" 任务 ").sheet_name == "任务"


def test_a_sheet_that_does_not_exist_is_refused_listing_the_sheets():
    data = xlsx([NODE_HEADER], title="任务", more_sheets={"说明": [["x"]]})
    with pytest.raises(LedgerFileError, match=r"找不到工作表「汇总」.*「任务」、「说明」") as info:
        read_ledger(data, "x.xlsx", NODES, sheet="汇总")
    assert "汇总" in info.value.message_en


def test_missing_required_headers_are_named_with_what_was_found():
    data = xlsx([["标题"], ["编号", "牵头单位", "开始时间"], ["1", "招商局", None]])
    with pytest.raises(LedgerFileError) as info:
        read_ledger(data, "x.xlsx", NODES)
    assert (
        str(info.value) == "第 2 行像是表头，但缺少必填列 「任务名称」（已找到：「编号」、「牵头单位」、「开始时间」）"
    )
    assert "任务名称" in info.value.message_en


def test_no_header_at_all_names_the_required_headers():
    with pytest.raises(LedgerFileError, match=r"没有找到表头.*「编号」、「任务名称」"):
        read_ledger(xlsx([["a", "b"], [1, 2]]), "x.xlsx", NODES)


def test_a_column_named_twice_is_refused():
    with pytest.raises(LedgerFileError, match="「编号」出现了两次（A 列「编号」和 C 列「code」）"):
        read_ledger(xlsx([["编号", "任务名称", "code"], ["1", "x", "2"]]), "x.xlsx", NODES)


def test_an_empty_sheet_is_refused():
    with pytest.raises(LedgerFileError, match="是空的"):
        read_ledger(xlsx([]), "x.xlsx", NODES)


# --- CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(encoding):
    text = csv_text([["2023年任务台账"], NODE_HEADER, ["1", "招商引资", "招商局", "2023-01-01", ""]])
    table = read_ledger(text.encode(encoding), "nodes.csv", NODES)
    assert table.format == "csv"
    assert table.encoding == ("gb18030" if encoding == "gb18030" else "utf-8-sig")
    assert table.header_row == 2
    assert rows_of(table) == [
        (3, {"编号": "1", "任务名称": "招商引资", "牵头单位": "招商局", "开始时间": "2023-01-01", "完成时限": None})
    ]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_csv_delimiter_is_detected(delimiter):
    text = csv_text([NODE_HEADER, ["1", "招商引资", "招商局", "", ""]], delimiter=delimiter)
    [row] = read_ledger(text.encode(), "x.csv", NODES).rows
    assert row.values["牵头单位"] == "招商局"


def test_semicolons_inside_cells_do_not_fool_the_delimiter_detection():
    text = csv_text([["编号", "任务名称", "分月计划"]] + [[str(i), "任务", "0.1;0.2;0.3;0.5;1"] for i in range(5)])
    table = read_ledger(text.encode(), "x.csv", NODES)
    assert table.unknown_headers == ["分月计划"]
    assert [r.values["编号"] for r in table.rows] == ["0", "1", "2", "3", "4"]


def test_excel_sep_hint_line_is_honoured():
    text = "sep=;\r\n编号;任务名称\r\n1;招商\r\n"
    table = read_ledger(text.encode(), "x.csv", NODES)
    assert table.header_row == 2
    assert rows_of(table) == [(3, {"编号": "1", "任务名称": "招商"})]


def test_csv_rows_are_numbered_by_physical_line_even_after_multiline_cells():
    text = csv_text([NODE_HEADER, ["1", "第一行\n第二行\n第三行"], ["2", "招商"]])
    assert [n for n, _ in rows_of(read_ledger(text.encode(), "x.csv", NODES))] == [2, 5]


def test_utf16_csv_saved_by_excel_as_unicode_text_is_read():
    text = csv_text([NODE_HEADER, ["1", "招商"]], delimiter="\t")
    [row] = read_ledger(text.encode("utf-16"), "x.txt", NODES).rows
    assert row.values["任务名称"] == "招商"


def test_a_two_row_header_in_csv_is_read_too():
    text = csv_text(
        [
            ["项目编号", "项目名称", "投资情况", "", ""],
            ["", "", "总投资", "年度计划投资", "累计完成"],
            ["XM-1", "道路", "100", "50", "10"],
        ]
    )
    table = read_ledger(text.encode("gb18030"), "x.csv", PROJECTS)
    assert table.header_row == 2
    assert [r.values["年度计划投资"] for r in table.rows] == ["50"]


# --- .xls and .ods -------------------------------------------------------------------------


def test_a_legacy_xls_with_merged_two_row_header_is_read(xls_projects):
    table = read_ledger(xls_projects, "projects.xls", PROJECTS)
    assert table.format == "xls"
    assert table.sheet_names == ["项目台账", "说明"]
    assert (table.header_top_row, table.header_row) == (2, 3)
    rows = rows_of(table)
    assert [n for n, _ in rows] == [4, 5, 6]
    assert rows[0][1] == {
        "项目编号": "XM-001",
        "项目名称": "净月大街改造",
        "总投资": 12000.5,
        "年度计划投资": 3000,
        "累计完成": 1500,
        "计划开工时间": dt.date(2023, 3, 1),
    }
    assert rows[2][1]["项目名称"] == "=HYPERLINK(1)"


def test_the_format_comes_from_the_content_not_the_file_name(xls_projects):
    assert read_ledger(xls_projects, "projects.xlsx", PROJECTS).format == "xls"
    assert read_ledger(xlsx([NODE_HEADER]), "nodes.csv", NODES).format == "xlsx"


def test_an_ods_with_title_row_and_merged_header_is_read():
    data = ods(
        [
            [("span", "2023年重点项目台账", 3, 1), "covered", "covered"],
            [("span", "项目编号", 1, 2), ("span", "投资情况", 2, 1), "covered"],
            ["covered", "总投资", "累计完成"],
            ["XM-1", 100, 25.5],
            [None, None, None],
            ["XM-2", 200, dt.date(2023, 3, 1)],
        ]
    )
    spec = PROJECTS.__class__("p", "p", tuple(c for c in PROJECTS.columns if c.canonical != "项目名称"))
    table = read_ledger(data, "x.ods", spec)
    assert table.format == "ods"
    assert table.sheet_name == "台账"
    assert table.header_row == 3
    assert rows_of(table) == [
        (4, {"项目编号": "XM-1", "总投资": 100, "累计完成": 25.5}),
        (6, {"项目编号": "XM-2", "总投资": 200, "累计完成": dt.date(2023, 3, 1)}),
    ]
