"""What every ledger kind provides to the engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils import translation

from shigongtu.ledgers.cells import RowErrors
from shigongtu.ledgers.io import LedgerSpec, RawRow
from shigongtu.lib.errors import FieldError

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class RowPlan:
    """What one row will do: create, update (with field → [old, new]) or nothing."""

    row: int
    key: str
    action: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)
    target: Any = None  # the existing object for updates


@dataclass
class ImportContext:
    """Everything a kind needs while checking and applying one file."""

    plan: Any
    user: Any
    create_units: bool
    headers: dict[str, str]  # canonical → header as written
    extra_headers: list[str]
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    reading: Any = None  # ledgers.reading.Reading: kinds say how they matched rows (matched_by)
    period: Any = None  # lib.periods.Period: the import's month (--period, else a title row), if any

    def row_errors(self, row: RawRow) -> RowErrors:
        return RowErrors(row.number, self.headers)

    def keep(self, errs: RowErrors) -> bool:
        self.errors.extend(errs.errors)
        return not errs


class LedgerKind:
    """A kind of ledger: its columns, how a row is checked and applied, and how it is exported."""

    name: ClassVar[str]
    title_zh: ClassVar[str]
    spec: ClassVar[LedgerSpec]
    title_en: ClassVar[str] = ""
    needs_plan: ClassVar[bool] = True
    notes: ClassVar[tuple[str, ...]] = ()
    # Field names a kind's changes carry that are not its headers → the header the preview names
    # (``ledgers.labels.change_label``): statistics' value/yoy, an indicator's fields.
    field_headers: ClassVar[dict[str, str]] = {}
    # Rows checked (and applied) at a time. None: the whole file at once, for kinds whose rows
    # refer to each other (a node's parent may come later in the file). A chunked kind keeps
    # what spans chunks (keys seen, running totals) in ``ctx.state``; chunk k+1 is checked
    # after chunk k is applied, so its checks must read the same either way.
    chunk_rows: ClassVar[int | None] = None

    def title(self) -> str:
        """The kind's name in the active interface language."""
        english = (translation.get_language() or "").startswith("en")
        return self.title_en if english and self.title_en else self.title_zh

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        """Load what the checks of these rows need (existing objects by key), in a bounded number
        of queries. Called before ``check`` for each chunk."""

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        raise NotImplementedError

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        raise NotImplementedError

    def finish(self, ctx: ImportContext) -> None:
        """After the last chunk is applied: work done once per file (totals, a revision bump)."""

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def extra_columns(self, plan: Any) -> list[str]:
        return []
