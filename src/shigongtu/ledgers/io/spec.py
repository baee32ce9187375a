"""What a ledger (台账) looks like: its columns, their names and aliases (contract §3).

A spec is plain data shared by the reader, the writer and the annotator, so that a column
is named, matched, documented and formatted in exactly one place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

# A trailing note in brackets: 完成时限（截止日期）, 目标值(亿元), 金额[万元], 单位【必填】.
_TRAILING_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
# Characters that are not whitespace to str.isspace() but are invisible in a header all the same.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalize_header(text: object) -> str:
    """The form in which header texts are compared.

    Width-folded (NFKC, so ＣＯＤＥ and （ ） fold to ASCII), every whitespace character removed
    (spaces, full-width spaces, tabs, line breaks), trailing bracketed notes dropped, case-folded.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    s = "".join(s.split())
    while True:
        stripped = _TRAILING_NOTE.sub("", s)
        if stripped == s or not stripped:
            break
        s = stripped
    return s.casefold()


@dataclass(frozen=True)
class Column:
    """One column of a ledger.

    ``canonical`` is the header the platform writes; ``aliases`` are the other names it accepts
    on import (English names among them). ``choices`` become a dropdown on export;
    ``number_format`` is the Excel format for numbers in this column (dates get ``yyyy-mm-dd``
    whatever it says).
    """

    canonical: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help_zh: str = ""
    choices: tuple[str, ...] = ()
    number_format: str | None = None
    width: int = 14
    # A column that is recognised and read (投资完成率, 是否开工 ...) but never written on export.
    exported: bool = True
    # False for a column only recognised (序号, 是否开工): a formula without a value there is no error.
    reads: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases)


@dataclass(frozen=True)
class LedgerSpec:
    """A kind of ledger: its columns in export order.

    With ``dynamic_columns`` headers the spec does not know are kept and handed to the caller
    (the reports ledger's one column per indicator) instead of being reported as ignored.
    """

    kind: str
    title_zh: str
    columns: tuple[Column, ...]
    dynamic_columns: bool = False
    # The column that carries each row's month (填报月份); a file may leave it out when the month
    # comes from 申报年度 + 申报月份, ``--period`` or a title row (the engine decides).
    period_column: str | None = None
    # A required column a file may leave out when one of these stands in for it (a project
    # matched by 项目名称 where there is no 项目编号; 本年累计完成投资 for 本月完成投资).
    stand_ins: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Header forms no list of aliases can hold (1-6月完成投资): (regex on the normalised header,
    # canonical).
    patterns: tuple[tuple[str, str], ...] = ()
    # Keep the cells of columns the ledger does not know (still warned of as ignored) in each
    # row's ``extras``, for a kind that looks at them (a √ under an unknown approval kind).
    keep_unknown: bool = False
    _lookup: dict[str, Column] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in column.names:
                key = normalize_header(name)
                other = self._lookup.get(key)
                if other is not None and other is not column:
                    raise ValueError(
                        f"ledger {self.kind!r}: header {name!r} would match both "
                        f"{other.canonical!r} and {column.canonical!r}"
                    )
                self._lookup[key] = column

    def match(self, header: object) -> Column | None:
        """The column a header text names, or None when the ledger does not know it."""
        key = normalize_header(header)
        found = self._lookup.get(key)
        if found is None and self.patterns:
            for pattern, canonical in self._patterns:
                if pattern.fullmatch(key):
                    return self.column(canonical)
        return found

    @cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(p), c) for p, c in self.patterns)

    @cached_property
    def exported(self) -> tuple[Column, ...]:
        """The columns an export writes, in order."""
        return tuple(c for c in self.columns if c.exported)

    def optional_when(self, canonical: str) -> tuple[str, ...]:
        """The columns that may stand in for the required column ``canonical``."""
        return dict(self.stand_ins).get(canonical, ())

    @cached_property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, canonical: str) -> Column:
        for c in self.columns:
            if c.canonical == canonical:
                return c
        raise KeyError(canonical)
