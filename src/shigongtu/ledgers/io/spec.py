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
        return self._lookup.get(normalize_header(header))

    @cached_property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, canonical: str) -> Column:
        for c in self.columns:
            if c.canonical == canonical:
                return c
        raise KeyError(canonical)
