"""Finding a ledger's header (contract §3): title rows above it, headers of up to three rows.

Pure functions over the first rows of a sheet, as ``(row number, cell values)`` pairs. Nothing
here knows a kind: the spec says which names it reads, :class:`HeaderRules` the plan's year and
a unit's saved mapping.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .errors import LedgerFileError
from .spec import Column, LedgerSpec, normalize_header

HEADER_SEARCH_ROWS = 10
HEADER_MAX_ROWS = 3


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """Where a ledger column was found: 0-based column index (A = 0), the header as written,
    and the column letter as Excel shows it."""

    col_index: int
    text: str
    col_letter: str


@dataclass(frozen=True, slots=True)
class ColumnRead:
    """One header cell and what it was understood as (for the preview and a saved mapping):
    ``how`` is one of :class:`Match`'s words."""

    col_index: int
    col_letter: str
    text: str
    canonical: str | None
    how: str
    year: int | None = None
    would_be: str | None = None


@dataclass(frozen=True)
class HeaderLayout:
    """The header as found: its rows, and every non-empty header text by absolute column."""

    top_row: int
    row: int
    texts: dict[int, str]
    columns: dict[str, HeaderCell]
    unknown_headers: list[str]
    extra_columns: dict[str, int]
    read: list[ColumnRead] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    kept_unknown: dict[str, int] = field(default_factory=dict)  # spec.keep_unknown: unknown header → column


@dataclass(frozen=True)
class HeaderRules:
    """What the header reader is told besides the spec: the plan's year (a ``2023年计划投资``
    column is 计划投资 in 2023 and ignored in any other year) and a unit's saved mapping
    (normalised header → canonical name, or "" for a column to ignore)."""

    year: int | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """How one header text was understood: the column (None: not read), and how — ``name``
    (the canonical name or an alias), ``mapping`` (the unit's saved mapping), ``year`` (the
    plan's year in front), ``other_year`` (another year's column, ignored), ``ignored`` (mapped
    to nothing), ``unknown``, or ``extra`` (a dynamic ledger's own column)."""

    column: Column | None
    how: str
    year: int | None = None
    would_be: str | None = None  # the column an ``other_year`` header would name


_YEAR_PREFIX = re.compile(r"^\s*(\d{4})\s*年度?(?!\s*\d)")


class Matcher:
    """Header text → :class:`Match`, by the unit's mapping, the spec, then a year in front."""

    def __init__(self, spec: LedgerSpec, rules: HeaderRules | None = None):
        self.spec = spec
        self.rules = rules or HeaderRules()

    def _plain(self, text: str) -> Match:
        mapped = self.rules.mapping.get(normalize_header(text))
        if mapped is not None:
            if not mapped:
                return Match(None, "ignored")
            try:
                return Match(self.spec.column(mapped), "mapping")
            except KeyError:
                pass  # a mapping saved before the kind dropped a column reads as if unsaved
        column = self.spec.match(text)
        return Match(column, "name") if column is not None else Match(None, "unknown")

    def match(self, text: str) -> Match:
        found = self._plain(text)
        if found.how != "unknown":
            return found
        folded = unicodedata.normalize("NFKC", text)
        m = _YEAR_PREFIX.match(folded)
        if m is None:
            return found
        rest = self._plain(folded[m.end():])
        if rest.column is None:
            return found
        year = int(m.group(1))
        if self.rules.year is None or year == self.rules.year:
            return Match(rest.column, "year", year)
        return Match(None, "other_year", year, rest.column.canonical)


def cell_text(value: object) -> str:
    """A header cell's text as written, outer whitespace removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "" if value.startswith("\x00") else value.strip()  # a formula without a value
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


def _found(texts: list[str], matcher: Matcher, groups: list[list[str]] | None = None) -> tuple[set[str], int]:
    """Required columns present (or stood in for), and how many cells name a known column
    (names qualified by their ``groups`` where given)."""
    spec = matcher.spec
    present: set[str] = set()
    known = 0
    matches = (_qualified(matcher, texts, groups) if groups is not None
               else [(t, matcher.match(t) if t else Match(None, "unknown")) for t in texts])
    for _, found in matches:
        column = found.column
        if column is not None:
            known += 1
            present.add(column.canonical)
    required = {c.canonical for c in spec.required
                if c.canonical in present or c.canonical == spec.period_column
                or present & set(spec.optional_when(c.canonical))}
    return required, known


def _text_only(raw: Sequence[object], texts: list[str]) -> bool:
    """A row that can continue a header: some text, and nothing but text (never numbers)."""
    filled = [j for j, t in enumerate(texts) if t]
    return bool(filled) and all(isinstance(raw[j], str) and not _looks_numeric(texts[j]) for j in filled)


def stack(window: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """A header spanning ``window``'s rows: each column's name (its lowest non-empty cell) and
    the group names above it, nearest first. A group cell merged across columns holds its text
    in its first column only, so it is carried right over the columns that have a name below."""
    width = max(len(r) for r in window)
    rows = [r + [""] * (width - len(r)) for r in window]
    filled = [list(r) for r in rows]
    for depth in range(len(rows) - 1):
        for j in range(1, width):
            below = any(rows[k][j] for k in range(depth + 1, len(rows)))
            left_below = any(rows[k][j - 1] for k in range(depth + 1, len(rows)))
            if not rows[depth][j] and below and left_below and filled[depth][j - 1]:
                filled[depth][j] = filled[depth][j - 1]
    names: list[str] = []
    groups: list[list[str]] = []
    for j in range(width):
        lowest = max((k for k in range(len(rows)) if rows[k][j]), default=None)
        if lowest is None:
            names.append("")
            groups.append([])
            continue
        names.append(rows[lowest][j])
        groups.append(list(dict.fromkeys(filled[k][j] for k in reversed(range(lowest)) if filled[k][j])))
    return names, groups


def _window(rows: list[tuple[int, list[str], Sequence[object]]], i: int, matcher: Matcher
            ) -> tuple[int, set[str], int, list[str], list[list[str]]]:
    """The header that starts at ``rows[i]``: its depth (1–3 rows), the required columns it holds,
    how many known columns it names, and its names and groups."""
    number, upper, _ = rows[i]
    depth, (required, known) = 1, _found(upper, matcher)
    window = [upper]
    for k in range(1, HEADER_MAX_ROWS):
        if i + k >= len(rows):
            break
        number_k, texts_k, raw_k = rows[i + k]
        if number_k != number + k or not _text_only(raw_k, texts_k):
            break
        window.append(texts_k)
        names, groups = stack(window)
        found = _found(names, matcher, groups)
        if found[1] > known and len(found[0]) >= len(required):
            depth, (required, known) = k + 1, found
    names, groups = stack(window[:depth])
    return depth, required, known, names, groups


def find_header(head: Sequence[tuple[int, Sequence[object]]], spec: LedgerSpec, col_offset: int = 0,
                rules: HeaderRules | None = None) -> HeaderLayout:
    """The header among the first rows: the first row, or stack of up to three rows, within the
    first ten that holds every required column. A deeper stack is taken only when it names more
    known columns than the shallower one; a header that starts a row or two lower and names more
    known columns wins over one that starts on a title row (填报单位 … 截至 … in two cells above a
    three-row header). Raises :class:`LedgerFileError` naming what is missing from the most
    header-like row when there is none."""
    matcher = Matcher(spec, rules)
    rows = [(n, [cell_text(v) for v in raw], raw) for n, raw in head]
    best: tuple[tuple[int, int], int, list[str]] | None = None
    for i, (number, upper, _) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        if sum(1 for t in upper if t) < 2:
            continue  # a title (2023年重点项目台账) or a note above the header, never part of it
        depth, required, known, names, groups = _window(rows, i, matcher)
        if known > 0 and len(required) == len(spec.required):
            for j in range(i + 1, min(i + depth, len(rows))):
                lower = _window(rows, j, matcher)
                if lower[2] > known and len(lower[1]) == len(spec.required):
                    i, (depth, required, known, names, groups) = j, lower
            number = rows[i][0]
            titles = [" ".join(t for t in texts if t) for _, texts, _ in rows[:i] if any(texts)]
            return _layout(number, number + depth - 1, names, groups, matcher, col_offset, titles)
        if best is None or (len(required), known) > best[0]:
            best = ((len(required), known), number + depth - 1, names)
    raise _missing_header(best, matcher)


def _missing_header(best: tuple[tuple[int, int], int, list[str]] | None, matcher: Matcher) -> LedgerFileError:
    spec = matcher.spec
    need = [c.canonical for c in spec.required]
    if best is None or best[0][1] == 0:
        zh = "、".join(f"「{n}」" for n in need)
        return LedgerFileError(
            f"在前 {HEADER_SEARCH_ROWS} 行中没有找到表头，表头须包含必填列 {zh}",
            f"No header row found in the first {HEADER_SEARCH_ROWS} rows; it must name the "
            f"required columns {', '.join(need)}",
        )
    _, row, texts = best
    present = {c.canonical for t in texts if t and (c := matcher.match(t).column) is not None}
    missing = [n for n in need if n not in present and n != spec.period_column
               and not present & set(spec.optional_when(n))]
    found = [t for t in texts if t and matcher.match(t).column is not None]
    return LedgerFileError(
        f"第 {row} 行像是表头，但缺少必填列 {'、'.join(f'「{n}」' for n in missing)}"
        f"（已找到：{'、'.join(f'「{t}」' for t in found)}）",
        f"Row {row} looks like the header but lacks the required column(s) {', '.join(missing)} "
        f"(found: {', '.join(found)})",
    )


def _qualified(matcher: Matcher, names: list[str], groups: list[list[str]]) -> list[tuple[str, Match]]:
    """Each column's text and match. A name met twice is qualified by the groups above it
    (``具体问题`` under ``存在问题`` reads as ``存在问题具体问题``, shown ``存在问题/具体问题``)."""
    counts: dict[str, int] = defaultdict(int)
    for name in names:
        if name:
            counts[normalize_header(name)] += 1
    out: list[tuple[str, Match]] = []
    for name, above in zip(names, groups, strict=True):
        if not name:
            out.append(("", Match(None, "unknown")))
            continue
        found = matcher.match(name)
        if counts[normalize_header(name)] > 1 or found.column is None:
            for group in above:
                qualified = matcher.match(group + name)
                if qualified.column is not None or counts[normalize_header(name)] > 1:
                    shown = f"{group}/{name}" if counts[normalize_header(name)] > 1 else name
                    if qualified.column is not None:
                        found = qualified
                    name = shown
                    break
        out.append((name, found))
    return out


def _layout(top: int, row: int, names: list[str], groups: list[list[str]], matcher: Matcher, col_offset: int,
            titles: list[str]) -> HeaderLayout:
    spec = matcher.spec
    columns: dict[str, HeaderCell] = {}
    unknown: list[str] = []
    extras: dict[str, int] = {}
    kept: dict[str, int] = {}
    all_texts: dict[int, str] = {}
    read: list[ColumnRead] = []
    for j, (text, found) in enumerate(_qualified(matcher, names, groups)):
        if not text:
            continue
        index = col_offset + j
        letter = get_column_letter(index + 1)
        all_texts[index] = text
        column = found.column
        how = found.how
        if column is not None:
            other = columns.get(column.canonical)
            if other is not None:
                raise _duplicate(column.canonical, other, HeaderCell(index, text, letter))
            columns[column.canonical] = HeaderCell(index, text, letter)
        elif spec.dynamic_columns and how == "unknown":
            if text in extras:
                first = HeaderCell(extras[text], text, get_column_letter(extras[text] + 1))
                raise _duplicate(text, first, HeaderCell(index, text, letter))
            extras[text] = index
            how = "extra"
        elif how == "unknown":
            unknown.append(text)
            if spec.keep_unknown:
                kept.setdefault(text, index)
        read.append(ColumnRead(index, letter, text, column.canonical if column else None, how, found.year,
                               found.would_be))
    return HeaderLayout(top, row, all_texts, columns, unknown, extras, read, titles, kept)


def _duplicate(name: str, first: HeaderCell, second: HeaderCell) -> LedgerFileError:
    return LedgerFileError(
        f"表头中「{name}」出现了两次（{first.col_letter} 列「{first.text}」和 {second.col_letter} 列"
        f"「{second.text}」），请只保留一列",
        f"The header names {name} twice (column {first.col_letter} {first.text!r} and column "
        f"{second.col_letter} {second.text!r}); keep only one",
    )
