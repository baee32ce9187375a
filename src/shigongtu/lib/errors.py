"""The one error the pure parsers raise, worded for the clerk who typed the value."""

from __future__ import annotations

_SHOWN_MAX = 40


class ValueProblem(ValueError):
    """A value a person entered cannot be read; carries a message in Chinese and in English.

    ``str()`` gives the Chinese, which is what the pages and import reports show; callers add
    the row and column. It subclasses ``ValueError`` so code that only cares that a value was
    bad can catch that.
    """

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message_zh

    def __repr__(self) -> str:
        return f"ValueProblem({self.message_zh!r}, {self.message_en!r})"


def in_english(exc: Exception) -> str:
    """The English of an error a parser raised: a ValueProblem's own, else the exception's text."""
    return exc.message_en if isinstance(exc, ValueProblem) else str(exc)


def shown(raw: object) -> str:
    """Render a raw cell value for an error message: trimmed, shortened, never empty."""
    text = raw.strip() if isinstance(raw, str) else str(raw)
    if not text:
        return '""'
    if len(text) > _SHOWN_MAX:
        return text[: _SHOWN_MAX - 1] + "…"
    return text
