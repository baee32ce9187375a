"""The bulletin's tables as an Excel workbook: a cover sheet, then one sheet per table.

Numbers are written as numbers, already rounded as the bulletin prints them, with a number
format of the same decimals, so the sheet shows exactly the document's figures. The task
annex sheet always holds every node. Written in openpyxl's write-only mode (fast for
20,000-row annexes), with styled headers, borders, frozen header rows and filters.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from shigongtu.bulletins.blocks import LIGHT, NUMBER, Table
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead
from shigongtu.lib.periods import format_date_zh
from shigongtu.lib.sheets import keep_as_text

FONT = "宋体"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
LIGHT_FONTS = {"红灯": "C00000", "黄灯": "B87A00", "绿灯": "17693A", "已完成": "1B4F9C"}
MAX_SHEET_NAME = 31


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:MAX_SHEET_NAME] or "表"
    base, n = name, 2
    while name in used:
        name = f"{base[: MAX_SHEET_NAME - 3]}({n})"
        n += 1
    used.add(name)
    return name


def _short(title: str) -> str:
    """A sheet name: the table's title without the plan's name and the date in brackets."""
    for cut in ("（截至",):
        title = title.split(cut, 1)[0]
    return title


def _cover(wb: Workbook, content: BulletinContent, mast: Masthead) -> None:
    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    lines = [("通报", content.title), ("期号", mast.number_label), ("印发单位", mast.issuer),
             ("印发日期", format_date_zh(mast.date)), ("施工图", f"{content.plan_code} {content.plan_name}"),
             ("数据截至", content.as_of), ("数值说明", content.rounding_note)]
    if mast.history_seq is not None:
        lines += [("变更记录", f"印发时第{mast.history_seq}条"), ("记录指纹", mast.history_fingerprint)]
    for label, value in lines:
        a, b = WriteOnlyCell(ws, label), keep_as_text(WriteOnlyCell(ws, value))
        a.font = Font(name=FONT, bold=True)
        b.font = Font(name=FONT)
        b.alignment = Alignment(wrap_text=True, vertical="top")
        ws.append([a, b])


def _table_sheet(wb: Workbook, table: Table, name: str) -> None:
    ws: Worksheet = wb.create_sheet(name)
    ncols = len(table.columns)
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(8.0, min(60.0, col.width * 10 + 2))
    ws.freeze_panes = "A3"
    title = keep_as_text(WriteOnlyCell(ws, table.title))
    title.font = Font(name=FONT, bold=True, size=14)
    ws.append([title])
    head = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, col.label)
        cell.font = Font(name=FONT, bold=True)
        cell.fill, cell.border = HEAD_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    fonts = {"plain": Font(name=FONT), "bold": Font(name=FONT, bold=True)}
    light_fonts = {k: Font(name=FONT, bold=True, color=v) for k, v in LIGHT_FONTS.items()}
    formats = ["0" if c.digits == 0 else "0." + "0" * c.digits for c in table.columns]
    kinds = [c.kind for c in table.columns]
    for r, row in enumerate(table.rows):
        bold = bool(table.levels) and table.levels[r] == 0
        cells = []
        for j, text in enumerate(row):
            value: str | float | int = text
            if kinds[j] == NUMBER and (number := _number(text)) is not None:
                value = int(number) if table.columns[j].digits == 0 and number == number.to_integral_value() \
                    else float(number)
            cell = keep_as_text(WriteOnlyCell(ws, value))  # a title such as "=HYPERLINK(…)" stays text
            cell.border = BORDER
            if kinds[j] == LIGHT:
                cell.font = light_fonts.get(text, fonts["plain"])
                cell.alignment = Alignment(horizontal="center")
            else:
                cell.font = fonts["bold" if bold else "plain"]
            if kinds[j] == NUMBER and not isinstance(value, str):
                cell.number_format = formats[j]
            elif j == 1 and table.levels:
                cell.alignment = Alignment(indent=min(table.levels[r], 6))
            cells.append(cell)
        ws.append(cells)
    if table.note:
        ws.append([])
        ws.append([f"注：{table.note}"])  # starts with 注, never a formula
    ws.auto_filter.ref = f"A2:{get_column_letter(ncols)}{len(table.rows) + 2}"


def render(content: BulletinContent, mast: Masthead) -> bytes:
    """The .xlsx bytes of a bulletin's tables."""
    wb = Workbook(write_only=True)
    _cover(wb, content, mast)
    used: set[str] = {"说明"}
    for table in content.tables():
        _table_sheet(wb, table, _sheet_name(_short(table.title), used))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
