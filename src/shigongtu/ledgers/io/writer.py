"""Writing a ledger to .xlsx, ready to fill in and to import again unchanged.

The data sheet comes first (it is the one the reader takes), with an optional title row, a
frozen styled header whose texts are the canonical names, column widths, number formats and
dropdowns for enumerations. A second sheet, 填表说明, explains every column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from .header import HEADER_SEARCH_ROWS
from .reader import SKIP_PREFIXES
from .sheetxml import CellStyles, FastSheet, cell_xml, letters, text_cell
from .spec import Column, LedgerSpec

HEADER_FILL = "FFDDEBF7"
REQUIRED_FILL = "FFFCE4D6"
NOTES_SHEET = "填表说明"
LISTS_SHEET = "_选项"
AUTHOR = "施工图"
_LAST_ROW = 1_048_576
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

DEFAULT_NOTES = (
    "第一个工作表是台账数据，导入时只读这一张（或导入时指定的工作表）；本说明不会被导入。",
    f"表头须在前 {HEADER_SEARCH_ROWS} 行之内，上方可以有标题行；表头可以是两行（上行为合并的分组名）。",
    "列的顺序可以调整；列名写中文或英文均可，不区分大小写，忽略空格和末尾括号里的注释，"
    "如「完成时限（截止日期）」即「完成时限」。",
    "表头为橙色的列为必填列；带下拉箭头的列请从下拉选项中选择。",
    "空行不导入；首个非空单元格以"
    + "、".join(f"「{p}」" for p in SKIP_PREFIXES)
    + "开头的行（合计行、落款行）也不导入。",
)


def write_ledger(
    spec: LedgerSpec,
    rows: Iterable[Mapping[str, object]],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
    sheet_name: str | None = None,
    extra_columns: Sequence[str] = (),
) -> bytes:
    """The ledger as .xlsx bytes.

    ``rows`` are mappings from canonical column name (and, for ``extra_columns``, header text)
    to a value: str, int, float, Decimal, date, datetime, bool or None. Text that starts like a
    formula (``=``, ``+``, ``-``, ``@``) is stored as text Excel never evaluates, and comes back
    unchanged through :func:`read_ledger`. Timezone-aware datetimes are written as their wall
    time. With ``title`` the title takes row 1 and the header row 2. ``notes`` are added to the
    general explanations on the 填表说明 sheet.
    """
    columns = [*spec.exported, *(Column(name) for name in extra_columns)]
    header_row = 2 if title else 1
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(sheet_name or spec.title_zh))
    ws.freeze_panes = f"A{header_row + 1}"
    cols = letters(len(columns))
    for letter, column in zip(cols, columns, strict=True):
        ws.column_dimensions[letter].width = column.width
    lists = _add_validations(ws, columns, cols, header_row + 1)

    fast = FastSheet(wb, ws)
    head: list[str] = []
    if title:
        ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(columns), max_row=1))
        style = fast.style(bold=True, size=14, center=True)
        head.append(f'<row r="1" ht="28" customHeight="1">{cell_xml("A1", title, _same(style))}</row>')
    cells = []
    for letter, column in zip(cols, columns, strict=True):
        fill = REQUIRED_FILL if column.required else HEADER_FILL
        style = fast.style(bold=True, fill=fill, wrap=True, center=True, border=True)
        cells.append(cell_xml(f"{letter}{header_row}", column.canonical, _same(style)))
        if column.help_zh:
            fast.comment(header_row, len(cells), column.help_zh, AUTHOR)
    head.append(f'<row r="{header_row}" ht="30" customHeight="1">{"".join(cells)}</row>')

    _write_notes(wb, spec, columns, [*DEFAULT_NOTES, *notes])
    if lists:
        _write_lists(wb, lists)
    styles = [fast.cell_styles(column.number_format) for column in columns]
    keys = [c.canonical for c in spec.exported] + list(extra_columns)
    return fast.save(_chain(head, _data_xml(rows, keys, cols, styles, header_row + 1)))


def _same(style: str) -> CellStyles:
    return CellStyles(style, style, style, style, style)


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest


def _data_xml(
    rows: Iterable[Mapping[str, object]],
    keys: list[str],
    cols: list[str],
    styles: list[CellStyles],
    first: int,
) -> Iterator[str]:
    plan = list(zip(keys, cols, styles, strict=True))
    for number, row in enumerate(rows, start=first):
        n = str(number)
        parts = [f'<row r="{n}">']
        for key, letter, st in plan:
            v = row.get(key)
            if v is not None:
                parts.append(cell_xml(letter + n, v, st))
        parts.append("</row>")
        yield "".join(parts)


def _sheet_title(name: str) -> str:
    return _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or "Sheet1"


def _add_validations(ws: Any, columns: list[Column], cols: list[str], first: int) -> list[tuple[str, ...]]:
    """Dropdowns for enumerations. Lists too long for Excel's 255-character inline limit (or with
    commas in them) go to a hidden sheet; they are returned, in the order they must be written."""
    long_lists: list[tuple[str, ...]] = []
    for letter, column in zip(cols, columns, strict=True):
        if not column.choices:
            continue
        inline = ",".join(column.choices)
        if len(inline) <= 250 and not any("," in c or '"' in c for c in column.choices):
            formula = f'"{inline}"'
        else:
            long_lists.append(column.choices)
            ref = get_column_letter(len(long_lists))
            formula = f"'{LISTS_SHEET}'!${ref}$1:${ref}${len(column.choices)}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        dv.errorTitle = "不在可选值中"
        dv.error = f"「{column.canonical}」应从下拉选项中选择：" + "、".join(column.choices)[:200]
        dv.showErrorMessage = True
        dv.add(f"{letter}{first}:{letter}{_LAST_ROW}")
        ws.data_validations.append(dv)
    return long_lists


def _write_lists(wb: Workbook, lists: list[tuple[str, ...]]) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for i in range(max(len(c) for c in lists)):
        ws.append([text_cell(ws, c[i]) if i < len(c) else None for c in lists])


def _write_notes(wb: Workbook, spec: LedgerSpec, columns: list[Column], notes: list[str]) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCDE", (18, 10, 30, 50, 40), strict=True):
        ws.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.append([text_cell(ws, f"《{spec.title_zh}》填表说明", font=Font(bold=True, size=14))])
    for i, note in enumerate(notes, start=1):
        ws.append([text_cell(ws, f"{i}. {note}")])
    ws.append([])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    ws.append([text_cell(ws, t, font=bold, fill=fill) for t in ("列名", "是否必填", "也可写作", "说明", "可选值")])
    for column in columns:
        ws.append(
            [
                text_cell(ws, column.canonical, font=bold, alignment=wrap),
                text_cell(ws, "必填" if column.required else "选填", alignment=wrap),
                text_cell(ws, "、".join(column.aliases), alignment=wrap),
                text_cell(ws, column.help_zh, alignment=wrap),
                text_cell(ws, "、".join(column.choices), alignment=wrap),
            ]
        )
