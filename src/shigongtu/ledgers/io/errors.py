"""Trouble with an uploaded ledger as a whole; single cells are ``lib.errors.FieldError``."""

from __future__ import annotations


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
