"""The Excel version read back with openpyxl: the same tables, numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import render_xlsx
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.masthead import Masthead
from shigongtu.plans.documents import tree_document
from shigongtu.plans.selectors import compute_indicators

from .conftest import JUNE

MAST = Masthead(None, dt.date(2023, 7, 10), "净月高新区")


def workbook(plan):
    content = build_content(plan, JUNE)
    return content, load_workbook(io.BytesIO(render_xlsx.render(content, MAST)))


def test_it_has_a_cover_and_one_sheet_per_table(june_plan):
    content, wb = workbook(june_plan)
    assert wb.sheetnames[0] == "说明"
    assert len(wb.sheetnames) == 1 + len(content.tables())
    assert "测试施工图任务进展情况表" in wb.sheetnames


def test_every_task_figure_equals_the_tree_api(june_plan):
    _, wb = workbook(june_plan)
    ws = wb["测试施工图任务进展情况表"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    tree = tree_document(june_plan, JUNE.last_day)["nodes"]
    assert [r[0] for r in rows] == [n["code"] for n in tree]
    for row, node in zip(rows, tree, strict=True):
        assert row[5] == float(N.pct(node["progress"]))
        assert row[6] == float(N.pct(node["expected"]))
        assert row[7] in ("红灯", "黄灯", "绿灯", "已完成", "未开始", "已取消")


def test_indicator_figures_are_numbers_with_the_documents_decimals(june_plan):
    _, wb = workbook(june_plan)
    ws = wb["重点指标完成情况表"]
    header = [c.value for c in ws[2]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    for ind in compute_indicators(june_plan, JUNE.last_day):
        q = N.quantity(ind.unit, [ind.target, ind.actual])
        assert rows[ind.name]["完成值"] == float(q.of(ind.actual))
        assert rows[ind.name]["完成率（%）"] == float(N.percent(ind.completion))
    assert ws.cell(row=3, column=7).number_format == "0.0"


def test_the_header_row_is_frozen(june_plan):
    _, wb = workbook(june_plan)
    assert wb["各战线推进情况表"].freeze_panes == "A3"
