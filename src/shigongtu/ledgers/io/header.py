"""Finding a ledger's header row (contract §3): title rows above it, two-row merged headers.

Pure functions over the first rows of a sheet, as ``(row number, cell values)`` pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

from openpyxl.utils import get_column_letter

from .errors import LedgerFileError
from .spec import LedgerSpec

HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """Where a ledger column was found: 0-based column index (A = 0), the header as written,
    and the column letter as Excel shows it."""

    col_index: int
    text: str
    col_letter: str


@dataclass(frozen=True)
class HeaderLayout:
    """The header as found: its rows, and every non-empty header text by absolute column."""

    top_row: int
    row: int
    texts: dict[int, str]
    columns: dict[str, HeaderCell]
    unknown_headers: list[str]
    extra_columns: dict[str, int]


def cell_text(value: object) -> str:
    """A header cell's text as written, outer whitespace removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True


def _found(texts: list[str], spec: LedgerSpec) -> tuple[set[str], int]:
    """Required columns present, and how many cells name a known column."""
    required: set[str] = set()
    known = 0
    for t in texts:
        column = spec.match(t) if t else None
        if column is not None:
            known += 1
            if column.required:
                required.add(column.canonical)
    return required, known


def _holds(texts: list[str], spec: LedgerSpec) -> bool:
    required, known = _found(texts, spec)
    return known > 0 and len(required) == len(spec.required)


def _is_lower_header(upper: list[str], lower: list[str], lower_raw: Sequence[object], spec: LedgerSpec) -> bool:
    """Whether ``lower`` completes ``upper`` as the second row of a merged two-row header.

    The upper row names some known columns in cells merged down over both rows, so the lower
    row is empty beneath every one of them, and holds only text (never numbers) elsewhere, under
    the upper row's group labels. A data row has values in the known columns.
    """
    known_upper = [j for j, t in enumerate(upper) if t and spec.match(t) is not None]
    if not known_upper or any(j < len(lower) and lower[j] for j in known_upper):
        return False
    filled = [j for j, t in enumerate(lower) if t]
    return bool(filled) and all(isinstance(lower_raw[j], str) and not _looks_numeric(lower[j]) for j in filled)


def find_header(head: Sequence[tuple[int, Sequence[object]]], spec: LedgerSpec, col_offset: int = 0) -> HeaderLayout:
    """The header among the first rows: the first row (or merged pair of rows) within the first
    ten that holds every required column. Raises :class:`LedgerFileError` naming what is
    missing from the most header-like row when there is none."""
    rows = [(n, [cell_text(v) for v in raw], raw) for n, raw in head]
    best: tuple[tuple[int, int], int, list[str]] | None = None
    for i, (number, upper, _) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        candidates: list[tuple[int, list[str]]] = []
        if i + 1 < len(rows):
            number2, lower, lower_raw = rows[i + 1]
            if number2 == number + 1 and _is_lower_header(upper, lower, lower_raw, spec):
                combined = [lo or up for up, lo in zip_longest(upper, lower, fillvalue="")]
                candidates.append((number2, combined))
        candidates.append((number, upper))
        for last, texts in candidates:
            if _holds(texts, spec):
                return _layout(number, last, texts, spec, col_offset)
            required, known = _found(texts, spec)
            if best is None or (len(required), known) > best[0]:
                best = ((len(required), known), last, texts)
    raise _missing_header(best, spec)


def _missing_header(best: tuple[tuple[int, int], int, list[str]] | None, spec: LedgerSpec) -> LedgerFileError:
    need = [c.canonical for c in spec.required]
    if best is None or best[0][1] == 0:
        zh = "、".join(f"「{n}」" for n in need)
        return LedgerFileError(
            f"在前 {HEADER_SEARCH_ROWS} 行中没有找到表头，表头须包含必填列 {zh}",
            f"No header row found in the first {HEADER_SEARCH_ROWS} rows; it must name the "
            f"required columns {', '.join(need)}",
        )
    _, row, texts = best
    present = {c.canonical for t in texts if t and (c := spec.match(t)) is not None}
    missing = [n for n in need if n not in present]
    found = [t for t in texts if t and spec.match(t) is not None]
    return LedgerFileError(
        f"第 {row} 行像是表头，但缺少必填列 {'、'.join(f'「{n}」' for n in missing)}"
        f"（已找到：{'、'.join(f'「{t}」' for t in found)}）",
        f"Row {row} looks like the header but lacks the required column(s) {', '.join(missing)} "
        f"(found: {', '.join(found)})",
    )


def _layout(top: int, row: int, texts: list[str], spec: LedgerSpec, col_offset: int) -> HeaderLayout:
    columns: dict[str, HeaderCell] = {}
    unknown: list[str] = []
    extras: dict[str, int] = {}
    all_texts: dict[int, str] = {}
    for j, text in enumerate(texts):
        if not text:
            continue
        index = col_offset + j
        all_texts[index] = text
        column = spec.match(text)
        if column is not None:
            other = columns.get(column.canonical)
            if other is not None:
                raise _duplicate(column.canonical, other, HeaderCell(index, text, get_column_letter(index + 1)))
            columns[column.canonical] = HeaderCell(index, text, get_column_letter(index + 1))
        elif spec.dynamic_columns:
            if text in extras:
                first = HeaderCell(extras[text], text, get_column_letter(extras[text] + 1))
                raise _duplicate(text, first, HeaderCell(index, text, get_column_letter(index + 1)))
            extras[text] = index
        else:
            unknown.append(text)
    return HeaderLayout(top, row, all_texts, columns, unknown, extras)


def _duplicate(name: str, first: HeaderCell, second: HeaderCell) -> LedgerFileError:
    return LedgerFileError(
        f"表头中「{name}」出现了两次（{first.col_letter} 列「{first.text}」和 {second.col_letter} 列"
        f"「{second.text}」），请只保留一列",
        f"The header names {name} twice (column {first.col_letter} {first.text!r} and column "
        f"{second.col_letter} {second.text!r}); keep only one",
    )
