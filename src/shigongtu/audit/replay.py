"""Replaying the history against the current figures (账实核对).

Each app registers, from its ``apps.py`` ``ready()``, the figures whose stored value must be the
latest value the history gives them (a report's progress, an indicator's target, a project's
amounts…). :func:`replay` reads the history once, then each figure reads its own table once and
names every stored value with no matching history: a direct ``UPDATE`` in the database shows up
here even though the chain itself is intact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from shigongtu.audit.models import AuditEntry


@dataclass(frozen=True)
class Mismatch:
    """A stored figure the history does not account for."""

    figure: str  # what kind of figure, e.g. "月报进度 report progress"
    label: str  # which record, as people name it (code, period, name)
    stored: Any
    recorded: Any  # the latest value in the history, or None if it has none

    def document(self) -> dict[str, Any]:
        return {"figure": self.figure, "record": self.label, "stored": plain(self.stored),
                "history": plain(self.recorded)}


class History:
    """The latest recorded new value of every field, by (object type, object id), read in one pass.
    Entries the reports ledger wrote for new reports name the task, not the report: they are also
    kept by (object type, plan code, label)."""

    def __init__(self) -> None:
        self.by_object: dict[tuple[str, str], dict[str, tuple[int, Any]]] = {}
        self.by_label: dict[tuple[str, str, str], dict[str, tuple[int, Any]]] = {}

    @classmethod
    def read(cls, batch: int = 5000) -> History:
        history = cls()
        rows = AuditEntry.objects.order_by("seq").values_list(
            "seq", "action", "object_type", "object_id", "object_label", "plan_code", "changes")
        for seq, action, object_type, object_id, label, plan_code, changes in rows.iterator(chunk_size=batch):
            if not isinstance(changes, dict):
                continue
            fields = history.by_object.setdefault((object_type, object_id), {})
            for name, pair in changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    fields[name] = (seq, pair[1])
            if action == "import-create":
                history.by_label[(object_type, plan_code, label)] = {
                    name: (seq, pair[1]) for name, pair in changes.items() if isinstance(pair, list) and len(pair) == 2}
        return history

    def latest(self, candidates: Iterable[tuple[tuple[str, str], Iterable[str]]],
               labelled: tuple[tuple[str, str, str], Iterable[str]] | None = None) -> tuple[bool, Any]:
        """The most recent value among several places a field may be recorded: ((object type,
        object id), field names) pairs and optionally a (type, plan code, label) place."""
        best: tuple[int, Any] | None = None
        places: list[tuple[dict[str, tuple[int, Any]] | None, Iterable[str]]] = [
            (self.by_object.get(where), names) for where, names in candidates]
        if labelled is not None:
            places.append((self.by_label.get(labelled[0]), labelled[1]))
        for fields, names in places:
            if not fields:
                continue
            for name in names:
                hit = fields.get(name)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = hit
        return (False, None) if best is None else (True, best[1])


@dataclass(frozen=True)
class Figure:
    """A kind of audited figure: ``check`` reads its table once and yields the mismatches."""

    name: str
    check: Callable[[History], Iterator[Mismatch]]


FIGURES: list[Figure] = []


def register(figure: Figure) -> None:
    """Add a kind of figure to the replay (called from an app's ``ready()``); idempotent by name."""
    if all(f.name != figure.name for f in FIGURES):
        FIGURES.append(figure)


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def same(stored: Any, recorded: Any) -> bool:
    """Whether a stored value is the one the history gives (2964.2400 is 2964.24; None is "")."""
    if stored in (None, "") or recorded in (None, ""):
        return stored in (None, "") and recorded in (None, "")
    try:
        return Decimal(str(stored)) == Decimal(str(recorded))
    except (InvalidOperation, ValueError):
        return str(stored) == str(recorded)


def compare(figure: str, label: str, stored: Any, found: tuple[bool, Any]) -> Mismatch | None:
    """A mismatch if the stored value is not the latest recorded one (a value never recorded
    counts as empty, so an empty figure with no history is fine)."""
    recorded = found[1] if found[0] else None
    return None if same(stored, recorded) else Mismatch(figure, label, stored, recorded)


@dataclass
class Replay:
    checked: list[str]
    mismatches: list[Mismatch]


def replay(limit: int = 200) -> Replay:
    """Compare every registered figure with the history; at most ``limit`` mismatches are kept."""
    history = History.read()
    found: list[Mismatch] = []
    for figure in FIGURES:
        for mismatch in figure.check(history):
            if len(found) < limit:
                found.append(mismatch)
    return Replay([f.name for f in FIGURES], found)
