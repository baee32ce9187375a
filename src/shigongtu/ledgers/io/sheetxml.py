"""Fast .xlsx output: openpyxl builds the workbook (styles, sheets, validations, comments),
and the big sheet's rows are written here as SpreadsheetML text and spliced in at save time.

openpyxl writes about 150,000 cells a second even in write-only mode; a 50,000 × 25 ledger
would take ten seconds. Writing the row XML directly is several times faster, while every
other part of the package still comes from openpyxl, which Excel is known to accept.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from shigongtu.lib.sheets import FORMULA_LEADS  # one rule for every workbook written

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_CELL_TEXT = 32_767
_EPOCH = dt.date(1899, 12, 30).toordinal()
_FIRST_SAFE_DATE = dt.date(1900, 3, 1)  # Excel's serials before this are off by its 1900 leap-year bug
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
THIN = Side(style="thin", color="FFBFBFBF")


def safe_text(value: str) -> str:
    """Text Excel can hold: no XML-illegal control characters, at most 32,767 characters."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    return value[:MAX_CELL_TEXT]


def text_cell(ws: WriteOnlyWorksheet, value: object, **style: object) -> Cell:
    """An openpyxl write-only cell; text is always stored as text, never as a formula."""
    cell = WriteOnlyCell(ws, safe_text(value) if isinstance(value, str) else value)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


@dataclass(frozen=True)
class CellStyles:
    """The ``s="n"`` attribute (or "") a column's cells get, by the kind of value."""

    text: str
    quoted: str
    number: str
    date: str
    datetime: str


def _escape(s: str) -> str:
    if len(s) > MAX_CELL_TEXT:
        s = s[:MAX_CELL_TEXT]
    if _SPECIAL.search(s) is None:
        return s
    s = _ILLEGAL.sub("", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def cell_xml(ref: str, v: object, st: CellStyles) -> str:
    """One ``<c>`` element. Text that would start a formula gets the quote-prefix style and is an
    inline string, so Excel shows it as typed and never evaluates it."""
    t = type(v)
    if t is str:
        if not v:
            return ""
        s: str = v  # type: ignore[assignment]
        style = st.quoted if s.startswith(FORMULA_LEADS) else st.text
        space = ' xml:space="preserve"' if s[0].isspace() or s[-1].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(s)}</t></is></c>'
    if t is int or t is float:
        if t is float and not math.isfinite(v):  # type: ignore[arg-type]
            return ""
        return f'<c r="{ref}"{st.number}><v>{v!r}</v></c>'
    if t is bool:
        return f'<c r="{ref}"{st.text} t="b"><v>{int(v)}</v></c>'  # type: ignore[call-overload]
    if isinstance(v, dt.datetime):
        if v.date() < _FIRST_SAFE_DATE:
            return cell_xml(ref, v.isoformat(sep=" "), st)
        seconds = v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6
        serial = v.toordinal() - _EPOCH + seconds / 86400
        return f'<c r="{ref}"{st.datetime}><v>{serial!r}</v></c>'
    if isinstance(v, dt.date):
        if v < _FIRST_SAFE_DATE:
            return cell_xml(ref, v.isoformat(), st)
        return f'<c r="{ref}"{st.date}><v>{v.toordinal() - _EPOCH}</v></c>'
    if isinstance(v, Decimal):
        return f'<c r="{ref}"{st.number}><v>{v}</v></c>' if v.is_finite() else ""
    if isinstance(v, int | float):  # bool/int/float subclasses such as numpy's
        return cell_xml(ref, float(v), st)
    if v is None:
        return ""
    return cell_xml(ref, str(v), st)


class FastSheet:
    """One sheet of an openpyxl write-only workbook whose rows are supplied as XML text.

    Create it before anything is appended to ``ws``; call :meth:`save` instead of ``wb.save``.
    """

    def __init__(self, wb: Workbook, ws: WriteOnlyWorksheet):
        self.wb = wb
        self.ws = ws
        self._styles: dict[tuple[object, ...], str] = {}
        # Appending makes openpyxl set up the sheet's writer, which starts its comment list;
        # the placeholder row is replaced with the real rows at save time.
        ws.append([])

    def style(
        self,
        *,
        number_format: str | None = None,
        bold: bool = False,
        size: float | None = None,
        fill: str | None = None,
        quoted: bool = False,
        wrap: bool = False,
        center: bool = False,
        border: bool = False,
    ) -> str:
        """The ``s="n"`` attribute for a style, registered in the workbook's style table."""
        key = (number_format, bold, size, fill, quoted, wrap, center, border)
        if key not in self._styles:
            cell = WriteOnlyCell(self.ws)
            if number_format:
                cell.number_format = number_format
            if bold or size:
                cell.font = Font(bold=bold, size=size)
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            if quoted:
                cell.quotePrefix = True
            if wrap or center:
                cell.alignment = Alignment(
                    wrap_text=wrap, horizontal="center" if center else None, vertical="center" if center else None
                )
            if border:
                cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            sid = cell.style_id
            self._styles[key] = f' s="{sid}"' if sid else ""
        return self._styles[key]

    def cell_styles(self, number_format: str | None = None, fill: str | None = None) -> CellStyles:
        """Styles for a column's values; ``number_format`` applies to numbers (and to dates
        when it is a date format)."""
        is_date_format = bool(number_format and re.search(r"[yd]", number_format, re.I))
        return CellStyles(
            text=self.style(fill=fill),
            quoted=self.style(fill=fill, quoted=True),
            number=self.style(number_format=None if is_date_format else number_format, fill=fill),
            date=self.style(number_format=number_format if is_date_format else DATE_FORMAT, fill=fill),
            datetime=self.style(number_format=DATETIME_FORMAT, fill=fill),
        )

    def comment(self, row: int, column: int, text: str, author: str, width: int = 240, height: int = 100) -> None:
        """A cell comment (批注) on a cell whose content comes as XML."""
        cell = Cell(self.ws, row=row, column=column)
        cell.comment = Comment(safe_text(text), author, height=height, width=width)
        # openpyxl collects comment records while it writes rows; these rows it never sees.
        self.ws._comments.append(CommentRecord.from_cell(cell))  # type: ignore[attr-defined]

    def save(self, rows: Iterable[str]) -> bytes:
        """The workbook as .xlsx bytes with ``rows`` (complete ``<row>`` elements, in order) as
        this sheet's data."""
        return save_workbook(self.wb, [(self, rows)])


def save_workbook(wb: Workbook, sheets: Sequence[tuple[FastSheet, Iterable[str]]], compresslevel: int = 3) -> bytes:
    """Save ``wb`` with each fast sheet's placeholder replaced by its rows, streamed into the zip."""
    skeleton = BytesIO()
    wb.save(skeleton)
    src = zipfile.ZipFile(skeleton)
    by_path = {fast.ws.path.lstrip("/"): rows for fast, rows in sheets}
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename not in by_path:
                dst.writestr(info, content)
                continue
            match = _SHEET_DATA.search(content)
            assert match is not None, "openpyxl wrote a sheet without sheetData"
            with dst.open(info.filename, "w") as f:
                f.write(content[: match.start()] + b"<sheetData>")
                batch: list[str] = []
                for row in by_path[info.filename]:
                    batch.append(row)
                    if len(batch) >= 500:
                        f.write("".join(batch).encode())
                        batch.clear()
                f.write("".join(batch).encode())
                f.write(b"</sheetData>" + content[match.end() :])
    return out.getvalue()


def letters(count: int) -> list[str]:
    return [get_column_letter(i) for i in range(1, count + 1)]
