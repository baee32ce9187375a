"""Errors that every face (CLI, API, pages) turns into a clear message, never a traceback."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Problem:
    """One thing wrong with the input: which field (or row and column), what value, why.

    ``message`` is Chinese; ``message_en``, when given, says the same in English (a ledger
    import shows it to a clerk who chose English). ``as_dict`` leaves it out: the API's
    problem documents keep their shape.
    """

    message: str
    field: str | None = None
    value: Any = None
    row: int | None = None
    column: str | None = None
    message_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and k != "message_en"}


class InputRejected(Exception):
    """The input was refused; nothing was written."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str | None = None, value: Any = None):
        if isinstance(problems, str):
            problems = [Problem(problems, field=field, value=value)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


class Conflict(Exception):
    """Someone else changed the object since it was read (optimistic concurrency)."""

    def __init__(self, what: str, current_version: int):
        self.current_version = current_version
        super().__init__(f"{what}已被他人修改（当前版本 {current_version}），请刷新后重试")


class NotAllowed(Exception):
    """The user can see the object but may not do this to it."""
