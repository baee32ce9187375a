"""The clerk's own file, handed back with the errors on it (错误标注).

Each faulty cell is filled light red and carries the message as a comment (批注); a problem
with a row as a whole marks the whole row. A last sheet, 错误清单, lists every error. The
messages and the error sheet are in the interface language asked for (Chinese, or English:
sheet "Errors"). A small
.xlsx upload is annotated in place, keeping its formatting and other sheets; anything else
(CSV, .xls, .ods, or an .xlsx too large for openpyxl to load quickly) is rebuilt as a plain
.xlsx from the values read, at the same row numbers.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink

from shigongtu.lib.errors import FieldError

from .reader import LedgerTable, open_sheet
from .safety import Limits, sniff
from .sheetxml import CellStyles, FastSheet, cell_xml, safe_text, save_workbook
from .spec import normalize_header

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Words:
    """What the annotated copy says around the messages, in one language."""

    sheet: str
    headers: tuple[str, str, str, str, str]
    whole_row: str
    earlier_comment: str
    file_suffix: str


CHINESE = Words("错误清单", ("行号", "列", "单元格", "值", "问题"), "（整行）", "（原批注）", "错误标注")
ENGLISH = Words("Errors", ("Row", "Column", "Cell", "Value", "Problem"), "(whole row)", "(earlier comment) ", "errors")
ERROR_FILL = "FFFFC7CE"
ERRORS_SHEET = CHINESE.sheet
AUTHOR = "施工图校验"
IN_PLACE_MAX_BYTES = 600_000
IN_PLACE_MAX_ERRORS = 5_000
MAX_COMMENTS = 2_000  # beyond this the cells are still filled and listed, but carry no comment

__all__ = ["AUTHOR", "ERRORS_SHEET", "annotate_errors", "annotated_filename", "words"]

Marks = dict[tuple[int, int | None], list[FieldError]]


def words(language: str | None) -> Words:
    """The annotated copy's words for an interface language ("en…": English, else Chinese)."""
    return ENGLISH if language is not None and language.startswith("en") else CHINESE


def annotated_filename(filename: str, language: str | None = "zh") -> str:
    """The name to offer the annotated copy under: ``台账.csv`` → ``台账-错误标注.xlsx``
    (``台账-errors.xlsx`` in English)."""
    return f"{PurePath(filename).stem or 'ledger'}-{words(language).file_suffix}.xlsx"


def annotate_errors(
    data: bytes, filename: str, errors: Sequence[FieldError], table: LedgerTable, *, limits: Limits | None = None,
    language: str | None = "zh",
) -> bytes:
    """An .xlsx copy of the upload ``data`` with ``errors`` marked on it.

    ``table`` is what :func:`read_ledger` returned for the same bytes (only its header layout
    is used; its rows need not be unread). An error's ``column`` is the header as written (or
    a canonical name); None, or a header not found in the file, marks the whole row. ``limits``
    must be those the file was read with, if they were not the defaults. ``language`` is the
    interface language of the messages, the comments and the error sheet.
    """
    limits = limits or Limits()
    marks = _group(errors, table)
    if table.format == "xlsx" and len(data) <= IN_PLACE_MAX_BYTES and len(errors) <= IN_PLACE_MAX_ERRORS:
        sniff(data, limits)
        try:
            return _in_place(data, marks, errors, table, language)
        except Exception:  # openpyxl cannot load every file calamine can; the rebuilt copy still helps
            logger.warning("annotating %s in place failed; rebuilding it", filename, exc_info=True)
    return _rebuilt(data, filename, marks, errors, table, limits, language)


def _group(errors: Sequence[FieldError], table: LedgerTable) -> Marks:
    exact = {text: index for index, text in table.header_texts.items()}
    normal = {normalize_header(text): index for index, text in table.header_texts.items()}
    marks: Marks = defaultdict(list)
    for error in errors:
        index = None
        if error.column is not None:
            index = exact.get(error.column)
            if index is None:
                index = normal.get(normalize_header(error.column))
            if index is None and error.column in table.columns:
                index = table.columns[error.column].col_index
        marks[(error.row or 0, index)].append(error)
    return marks


def _message(errors: list[FieldError], language: str | None) -> str:
    """The messages of one cell's errors, each once, a line each."""
    return "\n".join(dict.fromkeys(e.message_in(language) for e in errors))


def _row_span(table: LedgerTable) -> tuple[int, int]:
    """First and last column (0-based) of the header, which is what a row mark covers."""
    indexes = list(table.header_texts) or [0]
    return min(indexes), max(indexes)


def _in_place(data: bytes, marks: Marks, errors: Sequence[FieldError], table: LedgerTable,
              language: str | None) -> bytes:
    said = words(language)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "extension not supported" and the like, about parts kept as is
        wb = openpyxl.load_workbook(BytesIO(data))
    ws = wb[table.sheet_name] if table.sheet_name in wb.sheetnames else wb.worksheets[0]
    _clear_previous(ws)
    fill = PatternFill("solid", fgColor=ERROR_FILL)
    first, last = _row_span(table)
    for n, ((row, col), errs) in enumerate(sorted(marks.items(), key=_order)):
        if row < 1:
            continue
        targets = [col] if col is not None else list(range(first, last + 1))
        for c in targets:
            cell = ws.cell(row=row, column=c + 1)
            if not isinstance(cell, MergedCell):
                cell.fill = fill
        anchor = ws.cell(row=row, column=(col if col is not None else first) + 1)
        if n < MAX_COMMENTS and not isinstance(anchor, MergedCell):
            text = _message(errs, language)
            if anchor.comment is not None and anchor.comment.author != AUTHOR:
                text = f"{text}\n\n{said.earlier_comment}{anchor.comment.text}"
            anchor.comment = Comment(safe_text(text), AUTHOR, width=260, height=110)
    for earlier in (CHINESE, ENGLISH):  # the error sheet of an earlier annotation, in either language
        if earlier.sheet in wb.sheetnames and [c.value for c in wb[earlier.sheet][1]][:5] == list(earlier.headers):
            del wb[earlier.sheet]
    es = wb.create_sheet(said.sheet)
    es.append(list(said.headers))
    for cell in es[1]:
        cell.font = Font(bold=True)
    for values, ref in _error_rows(errors, table, language):
        es.append(values)
        for cell in es[es.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # the clerk's text, never a formula
        if ref:
            link = es.cell(row=es.max_row, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(ws.title)}!{ref}")
            link.font = Font(color="FF0563C1", underline="single")
    for letter, width in zip("ABCDE", (8, 16, 10, 24, 60), strict=True):
        es.column_dimensions[letter].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _order(item: tuple[tuple[int, int | None], list[FieldError]]) -> tuple[int, int]:
    (row, col), _ = item
    return row, -1 if col is None else col


def _clear_previous(ws: Any) -> None:
    """Remove the marks of an earlier annotation, for a clerk who uploads the annotated copy."""
    # Only the cells that exist: iter_rows would create one for every position of the used range.
    for cell in list(ws._cells.values()):
        if isinstance(cell, MergedCell):
            continue
        if cell.comment is not None and cell.comment.author == AUTHOR:
            cell.comment = None
        if cell.fill is not None and cell.fill.fgColor is not None and cell.fill.fgColor.rgb == ERROR_FILL:
            cell.fill = PatternFill()


def _display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _error_rows(errors: Sequence[FieldError], table: LedgerTable,
                language: str | None) -> Iterator[tuple[list[object], str | None]]:
    """The 错误清单 rows, in row order: row, column, cell reference, value, message."""
    marks = _group(errors, table)
    whole_row = words(language).whole_row
    for (row, col), errs in sorted(marks.items(), key=_order):
        ref = f"{get_column_letter(col + 1)}{row}" if col is not None and row >= 1 else None
        for e in errs:
            yield [row if row >= 1 else None, e.column or whole_row, ref or "", _display(e.value),
                   e.message_in(language)], ref


def _rebuilt(
    data: bytes, filename: str, marks: Marks, errors: Sequence[FieldError], table: LedgerTable, limits: Limits,
    language: str | None,
) -> bytes:
    said = words(language)
    raw = open_sheet(data, filename, sheet=table.sheet_name, limits=limits)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(raw.name or PurePath(filename).stem[:31] or "Sheet1")
    ws.freeze_panes = f"A{table.header_row + 1}"
    for index, text in table.header_texts.items():
        ws.column_dimensions[get_column_letter(index + 1)].width = max(10, min(40, 2 * len(text) + 4))
    fast = FastSheet(wb, ws)
    es = wb.create_sheet(said.sheet)
    for letter, width in zip("ABCDE", (8, 16, 10, 24, 60), strict=True):
        es.column_dimensions[letter].width = width
    errors_fast = FastSheet(wb, es)

    plain = fast.cell_styles()
    marked = fast.cell_styles(fill=ERROR_FILL)
    header = CellStyles(*(fast.style(bold=True),) * 5)
    first, last = _row_span(table)
    cell_marks: dict[int, set[int]] = defaultdict(set)
    for n, ((row, col), errs) in enumerate(sorted(marks.items(), key=_order)):
        if row < 1:
            continue
        cell_marks[row].update([col] if col is not None else range(first, last + 1))
        if n < MAX_COMMENTS:
            fast.comment(row, (col if col is not None else first) + 1, _message(errs, language), AUTHOR, 260, 110)

    def rows() -> Iterator[str]:
        offset = raw.col_offset
        for number, values in raw.rows:
            n = str(number)
            st = header if table.header_top_row <= number <= table.header_row else plain
            hit = cell_marks.get(number)
            if not hit:
                cells = "".join(
                    cell_xml(get_column_letter(offset + j + 1) + n, v, st)
                    for j, v in enumerate(values)
                    if v is not None and v != ""
                )
            else:
                present = {offset + j: v for j, v in enumerate(values) if v is not None and v != ""}
                parts = []
                for index in sorted(present.keys() | hit):
                    ref = get_column_letter(index + 1) + n
                    style = marked if index in hit else st
                    parts.append(cell_xml(ref, present.get(index), style) or f'<c r="{ref}"{style.text}/>')
                cells = "".join(parts)
            yield f'<row r="{n}">{cells}</row>'

    bold = errors_fast.style(bold=True)
    text_style = errors_fast.cell_styles()

    def error_rows() -> Iterator[str]:
        head = "".join(
            f'<c r="{get_column_letter(i)}1"{bold} t="inlineStr"><is><t>{h}</t></is></c>'
            for i, h in enumerate(said.headers, start=1)
        )
        yield f'<row r="1">{head}</row>'
        for number, (values, _) in enumerate(_error_rows(errors, table, language), start=2):
            cells = "".join(cell_xml(f"{get_column_letter(i)}{number}", v, text_style) for i, v in enumerate(values, 1))
            yield f'<row r="{number}">{cells}</row>'

    return save_workbook(wb, [(fast, rows()), (errors_fast, error_rows())])
