"""The bench's county 调度表: the projects ledger as an office keeps it — a title that names the
month, a three-row grouped header with merged cells, no 项目编号 (rows are matched by 项目名称),
county headers (项目业主, 2023年计划投资（万元）, 计划开复工时间, 挂点领导) and county cell forms
(已纳统，<code>, 前期手续办理). The rows are :func:`shigongtu.bench.imports.projects_file`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

from shigongtu.ledgers.io.sheetxml import CellStyles, FastSheet, cell_xml, letters

# (group, subgroup or None, column as the county heads it, the projects_file key it comes from)
LAYOUT: tuple[tuple[str | None, str | None, str, str], ...] = (
    (None, None, "序号", ""),
    (None, None, "项目名称", "项目名称"),
    ("项目基本情况", None, "项目业主", "建设单位"),
    ("项目基本情况", None, "统一社会信用代码", "统一社会信用代码"),
    ("项目基本情况", None, "建设性质", "建设性质"),
    ("项目基本情况", None, "项目阶段", "项目阶段"),
    ("项目基本情况", None, "所属行业", "所属产业"),
    ("投资情况", "计划投资", "总投资（万元）", "总投资"),
    ("投资情况", "计划投资", "2023年计划投资（万元）", "年度计划投资"),
    ("推进计划", None, "计划开复工时间", "计划开工时间"),
    ("推进计划", None, "计划完工时间", "计划竣工时间"),
    (None, None, "是否入统", "是否入统"),
    ("责任落实", None, "挂点领导", "包保领导"),
    ("责任落实", None, "牵头单位", "责任单位"),
    ("项目位置", None, "经度", "经度"),
    ("项目位置", None, "纬度", "纬度"),
    (None, None, "建设地点", "建设地点"),
    (None, None, "总建设规模和建设内容", "建设内容及规模"),
)
TITLE = "合成县区重点项目建设情况调度表（截至2023年6月底）"
HEADER_TOP, HEADER_LOW = 2, 4


def _county(key: str, value: Any, i: int) -> Any:
    """A platform value as a county sheet writes it."""
    if key == "项目阶段" and value == "前期":
        return "前期手续办理"
    if key == "是否入统" and value == "是":
        return f"已纳统，{i:018d}"
    return value


def _runs(keys: list[str | None]) -> Iterator[tuple[int, int]]:
    """Runs (first, last column, 1-based) of equal non-empty keys side by side."""
    j = 0
    while j < len(keys):
        end = j
        while keys[j] is not None and end + 1 < len(keys) and keys[end + 1] == keys[j]:
            end += 1
        if keys[j] is not None:
            yield j + 1, end + 1
        j = end + 1


def _header(ws: Any) -> list[tuple[int, list[str | None]]]:
    """The three header rows (texts by column), their merged ranges added to ``ws``."""
    groups = [g for g, _, _, _ in LAYOUT]
    subs = [f"{g}/{s}" if s else None for g, s, _, _ in LAYOUT]
    top: list[str | None] = []
    mid: list[str | None] = []
    low: list[str | None] = []
    for j, (group, sub, name, _) in enumerate(LAYOUT):
        if group is None:  # one name over all three rows
            top.append(name)
            mid.append(None)
            low.append(None)
            ws.merged_cells.add(CellRange(min_col=j + 1, min_row=HEADER_TOP, max_col=j + 1, max_row=HEADER_LOW))
            continue
        top.append(group if j == 0 or groups[j - 1] != group else None)
        if sub is None:  # a name over the two lower rows
            mid.append(name)
            low.append(None)
            ws.merged_cells.add(CellRange(min_col=j + 1, min_row=HEADER_TOP + 1, max_col=j + 1, max_row=HEADER_LOW))
        else:
            mid.append(sub if j == 0 or subs[j - 1] != subs[j] else None)
            low.append(name)
    for row, keys in ((HEADER_TOP, groups), (HEADER_TOP + 1, subs)):
        for first, last in _runs(keys):
            if last > first:
                ws.merged_cells.add(CellRange(min_col=first, min_row=row, max_col=last, max_row=row))
    return [(HEADER_TOP, top), (HEADER_TOP + 1, mid), (HEADER_LOW, low)]


def county_projects_file(rows: list[dict[str, Any]]) -> bytes:
    """``rows`` (platform keys) as a county 调度表 (.xlsx bytes)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("调度表")
    cols = letters(len(LAYOUT))
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(LAYOUT), max_row=1))
    fast = FastSheet(wb, ws)
    bold = fast.style(bold=True, center=True, wrap=True, border=True)
    head = CellStyles(bold, bold, bold, bold, bold)
    plain = fast.cell_styles()
    dates = fast.cell_styles("yyyy-mm-dd")
    xml = [f'<row r="1">{cell_xml("A1", TITLE, head)}</row>']
    for number, texts in _header(ws):
        cells = "".join(cell_xml(f"{c}{number}", t, head) for c, t in zip(cols, texts, strict=True) if t)
        xml.append(f'<row r="{number}">{cells}</row>')

    def data() -> Iterator[str]:
        yield from xml
        for i, row in enumerate(rows, start=1):
            n = str(HEADER_LOW + i)
            parts = [f'<row r="{n}">']
            for c, (_, _, _, key) in zip(cols, LAYOUT, strict=True):
                v = i if not key else _county(key, row.get(key), i)
                if v is not None:
                    parts.append(cell_xml(c + n, v, dates if isinstance(v, dt.date) else plain))
            parts.append("</row>")
            yield "".join(parts)
    return fast.save(data())

