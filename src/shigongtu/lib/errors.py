"""The error vocabulary every layer shares: a value that cannot be read (``ValueProblem``), one
thing wrong with the input (``FieldError``), and the refusals every face turns into a clear
message, never a traceback (``InputRejected``, ``Conflict``, ``NotAllowed``). Pure: no Django."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

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

@dataclass(frozen=True)
class FieldError:
    """One thing wrong with the input: which field (or ledger row and column), what value, why.

    ``message`` is Chinese; ``message_en``, when given, says the same in English (a ledger
    import shows it to a clerk who chose English). ``row`` is the spreadsheet row as Excel
    shows it and ``column`` the header as written (None: the row as a whole). ``as_dict``
    leaves out the English and the empty parts: the API's error documents keep their shape.
    """

    message: str
    field: str | None = None
    value: Any = None
    row: int | None = None
    column: str | None = None
    message_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "message_en"}

    def message_in(self, language: str | None) -> str:
        """The message in an interface language ("en…": English, falling back to the Chinese)."""
        if language and language.startswith("en"):
            return self.message_en or self.message
        return self.message


class InputRejected(Exception):
    """The input was refused; nothing was written."""

    def __init__(self, problems: list[FieldError] | FieldError | str, field: str | None = None, value: Any = None):
        if isinstance(problems, str):
            problems = [FieldError(problems, field=field, value=value)]
        elif isinstance(problems, FieldError):
            problems = [problems]
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class Conflict(Exception):
    """Someone else changed the object since it was read (optimistic concurrency)."""

    def __init__(self, what: str, current_version: int):
        self.current_version = current_version
        super().__init__(f"{what}已被他人修改（当前版本 {current_version}），请刷新后重试")


class NotAllowed(Exception):
    """The user can see the object but may not do this to it.

    The first argument is for the log; ``message`` (Chinese), when given, is what the person is
    told instead of a bare "forbidden" (填报人不能审核自己的月报).
    """

    def __init__(self, reason: str = "", *, message: str = "") -> None:
        super().__init__(reason)
        self.message = message
