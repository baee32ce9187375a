"""The two kinds of trouble with an uploaded ledger: the file itself, and single cells in it."""

from __future__ import annotations

from dataclasses import dataclass


class LedgerFileError(Exception):
    """The file cannot be read as a ledger at all (empty, encrypted, damaged, no header...).

    Carries the message in both interface languages; ``str(err)`` is the Chinese one.
    """

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, language: str = "zh") -> str:
        return self.message_en if language.startswith("en") else self.message_zh


@dataclass(frozen=True)
class CellError:
    """One problem found in a row: the spreadsheet row number (as Excel shows it), the column
    by its header as written (None: the row as a whole), the value found and what is wrong:
    ``message`` in Chinese, ``message_en`` in English (empty: none was given)."""

    row: int
    column: str | None
    value: object
    message: str
    message_en: str = ""

    def message_in(self, language: str | None) -> str:
        """The message in an interface language ("en…": English, falling back to the Chinese)."""
        if language and language.startswith("en"):
            return self.message_en or self.message
        return self.message
