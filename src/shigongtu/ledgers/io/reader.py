"""Reading a ledger (台账) as the clerk keeps it: Excel (.xlsx, .xls, .ods) or CSV.

:func:`read_ledger` checks the file (:mod:`.safety`), finds the header (:mod:`.header`) and
streams the data rows with their values in native types (str, int, float, date, datetime,
bool, None). Turning those into dates, amounts and codes is the caller's business.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

from .errors import LedgerFileError
from .header import HEADER_SEARCH_ROWS, ColumnRead, HeaderCell, HeaderLayout, HeaderRules, find_header
from .safety import (
    MAX_BYTES,
    MAX_CELLS,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    UNCACHED,
    Limits,
    encrypted,
    fail,
    inflate,
    scan_xlsx_sheet,
    sniff,
    xlsx_sheet_member,
)
from .spec import LedgerSpec

SKIP_PREFIXES = ("合计", "小计", "总计", "填表", "制表", "审核", "备注")
Value = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(slots=True)
class RawRow:
    """One data row: its number as Excel shows it (CSV: its first line), the ledger's columns
    by canonical name (every column the header has, None when the cell is empty; a column the
    header lacks is absent) and, for dynamic ledgers, the other columns by header text."""

    number: int
    values: dict[str, Value]
    extras: dict[str, Value] = field(default_factory=dict)
    # Read cells holding a formula without a calculated value: (canonical or extra header, formula).
    uncalculated: list[tuple[str, str]] = field(default_factory=list)


class RowStream:
    """The data rows, read lazily and only once (a second pass would silently see nothing)."""

    def __init__(self, rows: Iterator[RawRow]):
        self._rows: Iterator[RawRow] | None = rows

    def __iter__(self) -> Iterator[RawRow]:
        if self._rows is None:
            raise RuntimeError("the ledger's rows have already been read")
        rows, self._rows = self._rows, None
        return rows


@dataclass
class LedgerTable:
    """A ledger as read: where its header is, what it holds, and its rows (a :class:`RowStream`)."""

    format: str
    sheet_name: str | None
    sheet_names: list[str]
    header_row: int
    header_top_row: int
    columns: dict[str, HeaderCell]
    unknown_headers: list[str]
    extra_columns: dict[str, int]
    header_texts: dict[int, str]
    rows: RowStream
    encoding: str | None = None
    read: list[ColumnRead] = field(default_factory=list)  # every header cell and what it was taken for
    titles: list[str] = field(default_factory=list)  # the rows above the header, as text


@dataclass
class RawSheet:
    """Every physical row of the chosen sheet, numbered from 1; ``col_offset`` is the column
    index of each row's first value."""

    format: str
    name: str | None
    names: list[str]
    rows: Iterator[tuple[int, Sequence[Value]]]
    col_offset: int = 0
    encoding: str | None = None


def read_ledger(
    data: bytes,
    filename: str,
    spec: LedgerSpec,
    *,
    sheet: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: float = MAX_RATIO,
    max_cells: int = MAX_CELLS,
    rules: HeaderRules | None = None,
) -> LedgerTable:
    """Read an uploaded ledger. The format comes from the content, never ``filename`` (which is
    only used in messages). Raises :class:`LedgerFileError` when the file cannot be a ledger."""
    raw = open_sheet(data, filename, sheet=sheet, limits=Limits(max_bytes, max_uncompressed, max_ratio, max_cells))
    head = list(itertools.islice(raw.rows, HEADER_SEARCH_ROWS + 1))
    layout = find_header(head, spec, raw.col_offset, rules)
    rest = itertools.chain((r for r in head if r[0] > layout.row), raw.rows)
    return LedgerTable(
        format=raw.format,
        sheet_name=raw.name,
        sheet_names=raw.names,
        header_row=layout.row,
        header_top_row=layout.top_row,
        columns=layout.columns,
        unknown_headers=layout.unknown_headers,
        extra_columns=layout.extra_columns,
        header_texts=layout.texts,
        rows=RowStream(_data_rows(rest, layout, raw.col_offset)),
        encoding=raw.encoding,
        read=layout.read,
        titles=layout.titles,
    )


def _data_rows(rows: Iterable[tuple[int, Sequence[Value]]], layout: HeaderLayout, offset: int) -> Iterator[RawRow]:
    # (True: a ledger column by canonical name / False: an extra column by header text, name, index,
    # whether the cell is read: an unknown column kept for a look is no content and no formula)
    plan = [(True, name, cell.col_index - offset, True) for name, cell in layout.columns.items()]
    plan += [(False, text, index - offset, True) for text, index in layout.extra_columns.items()]
    plan += [(False, text, index - offset, False) for text, index in layout.kept_unknown.items()]
    for number, raw in rows:
        first = next((v for v in raw if v is not None and v != ""
                      and not (type(v) is str and (v.isspace() or v.startswith(UNCACHED)))), None)
        if first is None:
            continue
        if type(first) is str and first.lstrip().startswith(SKIP_PREFIXES):
            continue  # 合计 / 小计 / 填表人 / 审核 ... rows
        n = len(raw)
        values: dict[str, Value] = {}
        extra: dict[str, Value] = {}
        filled = False
        uncalculated: list[tuple[str, str]] = []
        for target, name, i, read in plan:
            v = raw[i] if i < n else None
            t = type(v)
            if t is str:
                if not v or v.isspace():  # type: ignore[union-attr]
                    v = None
                elif v.startswith(UNCACHED):  # type: ignore[union-attr]
                    if read:
                        uncalculated.append((name, v[len(UNCACHED):]))  # type: ignore[index]
                    v = None
            elif t is float and v.is_integer():  # type: ignore[union-attr]
                v = int(v)  # type: ignore[arg-type]
            if v is not None and read:
                filled = True
            (values if target else extra)[name] = v
        if filled or uncalculated:  # rows with content only in ignored columns (序号...) are empty rows
            yield RawRow(number, values, extra, uncalculated)


def open_sheet(data: bytes, filename: str, *, sheet: str | None = None, limits: Limits | None = None) -> RawSheet:
    """The chosen sheet's rows, after the safety checks; CSV files are one unnamed sheet."""
    limits = limits or Limits()
    fmt = sniff(data, limits)
    if fmt == "csv":
        return _open_csv(data)
    return _open_workbook(data, fmt, sheet, limits)


def _open_workbook(data: bytes, fmt: str, sheet: str | None, limits: Limits) -> RawSheet:
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise encrypted() from exc
    except Exception as exc:  # calamine raises assorted types for damaged input; all mean the same to a clerk
        raise _unreadable(exc) from exc
    names = list(wb.sheet_names)
    if not names:
        raise fail("工作簿中没有工作表", "The workbook has no sheets")
    name = _choose_sheet(wb, names, sheet)
    error_cells: dict[tuple[int, int], str] = {}
    if fmt == "xlsx":
        member = xlsx_sheet_member(data, name)
        if member is not None:
            error_cells = scan_xlsx_sheet(inflate(data, member), limits)
    try:
        ws = wb.get_sheet_by_name(name)
    except PasswordError as exc:
        raise encrypted() from exc
    except Exception as exc:  # see above
        raise _unreadable(exc) from exc
    start = ws.start
    if start is None:
        raise fail(f"工作表「{name}」是空的", f"Sheet {name!r} is empty")
    if fmt != "xlsx" and ws.height * ws.width > limits.max_cells:
        raise fail(f"工作表「{name}」过大", f"Sheet {name!r} is too large")
    # iter_rows pads the rows above the used range but starts each row at its first used column.
    rows: Iterator[tuple[int, Sequence[Value]]] = enumerate(ws.iter_rows(), start=1)
    if error_cells:
        rows = _with_errors(rows, error_cells, start[1])
    return RawSheet(fmt, name, names, rows, start[1])


def _with_errors(
    rows: Iterator[tuple[int, Sequence[Value]]], errors: dict[tuple[int, int], str], offset: int
) -> Iterator[tuple[int, Sequence[Value]]]:
    """Put error values (#DIV/0!, #N/A) back where the parser left the cells empty, so that the
    caller reports them instead of taking them for blanks."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, col), text in errors.items():
        by_row.setdefault(row, []).append((col - offset, text))
    for number, values in rows:
        if number in by_row:
            patched = list(values)
            for j, text in by_row[number]:
                if j >= len(patched) and text.startswith(UNCACHED):
                    patched.extend([None] * (j + 1 - len(patched)))
                if 0 <= j < len(patched):
                    patched[j] = text
            values = patched
        yield number, values


def _unreadable(exc: Exception) -> LedgerFileError:
    if isinstance(exc, CalamineError | ValueError | OSError | TypeError):
        return fail(
            "文件已损坏，无法读取（请在 Excel 中重新保存后再上传）",
            "The file is damaged and cannot be read (save it again in Excel and re-upload)",
        )
    return fail("文件无法读取", "The file cannot be read")


def _choose_sheet(wb: CalamineWorkbook, names: list[str], wanted: str | None) -> str:
    if wanted is None:
        for meta in wb.sheets_metadata:
            if meta.typ == SheetTypeEnum.WorkSheet:
                return meta.name
        return names[0]
    if wanted in names:
        return wanted
    folded = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    listed = "、".join(f"「{n}」" for n in names)
    raise fail(
        f"找不到工作表「{wanted}」，文件中的工作表有：{listed}",
        f"There is no sheet named {wanted!r}; the sheets are: {', '.join(names)}",
    )


_SEP_HINT = re.compile(r"^sep=(.)\s*$")
_DELIMITERS = (",", "\t", ";")


def _open_csv(data: bytes) -> RawSheet:
    encoding = _text_encoding(data)
    head = data[:65_536].decode(encoding, errors="ignore")
    _refuse_markup(head)
    delimiter = _delimiter(head)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, Sequence[Value]]]:
        line = 0
        try:
            for record in reader:
                yield line + 1, list(record)
                line = reader.line_num
        except csv.Error as exc:
            raise fail(
                f"CSV 文件第 {line + 1} 行格式错误：{exc}",
                f"The CSV file is malformed at line {line + 1}: {exc}",
            ) from exc

    return RawSheet("csv", None, [], rows(), 0, encoding)


def _text_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; UTF-16 when it says so with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in data[:8192]:
        raise fail("文件不是 Excel（.xlsx/.xls/.ods）或 CSV 表格", "The file is not an Excel or CSV spreadsheet")
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for pos in range(0, len(data), 1 << 20):
                decoder.decode(data[pos : pos + (1 << 20)], final=pos + (1 << 20) >= len(data))
        except UnicodeDecodeError:
            continue
        return encoding
    raise fail(
        "文件不是 Excel 表格，也不是 UTF-8 或 GB18030 编码的 CSV 文件",
        "The file is neither an Excel workbook nor a CSV file in UTF-8 or GB18030",
    )


def _refuse_markup(head: str) -> None:
    start = head.lstrip("\ufeff \t\r\n")[:2048].lower()
    if start.startswith(("<!doctype html", "<html", "<table")) or "<html" in start:
        raise fail(
            "这是网页（HTML）格式的表格，只是扩展名为 .xls；请在 Excel 中另存为 .xlsx 后再上传",
            "This is a web page (HTML) table with an Excel file name; save it as .xlsx in Excel and re-upload",
        )
    if start.startswith("<?xml"):
        raise fail(
            "这是 XML 格式的文件（如 Excel 2003 XML 表格）；请在 Excel 中另存为 .xlsx 后再上传",
            "This is an XML file (such as an Excel 2003 XML spreadsheet); save it as .xlsx and re-upload",
        )
    bad = sum(1 for ch in start if ch < " " and ch not in "\t\r\n\f")
    if bad > len(start) // 100:
        raise fail("文件不是 Excel（.xlsx/.xls/.ods）或 CSV 表格", "The file is not an Excel or CSV spreadsheet")


def _delimiter(head: str) -> str:
    """Comma, tab or semicolon: the one whose split of the first lines is the most regular."""
    lines = head.splitlines()
    if lines and (m := _SEP_HINT.match(lines[0].lstrip("\ufeff"))):
        return m.group(1)
    sample = "\n".join(lines[: HEADER_SEARCH_ROWS * 3])
    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=d) if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common)
        if score > best_score:
            best, best_score = d, score
    return best
