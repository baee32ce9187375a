"""Writing to and checking the change history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry, ChainHead
from shigongtu.utilities.bulk import JSONText, insert_rows

_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # the common case first: most fields are text or numbers
        return value
    if isinstance(value, Decimal):
        # 2964.2400 and 2964.24 are the same figure: compare and record them normalised.
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for the fields that differ; for a new object (``old`` None) every
    field given a value (an empty one says nothing)."""
    if old is None:
        return created(new)
    out: dict[str, list[Any]] = {}
    for key, value in new.items():
        before = old.get(key)
        if _plain(before) != _plain(value):
            out[key] = [_plain(before), _plain(value)]
    return out


def created(new: Mapping[str, Any], *, plain: bool = True) -> dict[str, list[Any]]:
    """The changes that record a new object: [None, value] for each field holding a value.
    ``plain=False`` keeps decimals and dates as they are, for bulk writers whose entries go
    straight to :func:`record_many` (its encoder writes them the same way)."""
    # (type checks first: comparing a Decimal or a date with "" is slow)
    return {key: [None, _plain(value) if plain else value] for key, value in new.items()
            if value is not None and (type(value) is not str or value)}


AUDIT_COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "object_label", "plan_code", "changes",
                 "prev_hash", "hash")


@transaction.atomic
def record_many(items: Iterable[dict[str, Any]], actor: str) -> int:
    """Append entries in order; each item has action, object_type, object_id, label, plan_code, changes.

    Built for imports of a quarter of a million rows: each entry's changes are encoded once
    (the canonical text is both hashed and stored) and the rows go in through one prepared
    statement; ``verify_chain`` recomputes the hashes from the stored entries the usual way."""
    items = list(items)
    if not items:
        return 0
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    at = now.isoformat()
    actor = actor[:150]
    seq, prev = head.last_seq, head.last_hash
    rows = []
    for item in items:
        seq += 1
        object_id = str(item["object_id"])
        label = str(item.get("label", ""))[:255]
        plan_code = item.get("plan_code", "")
        changes = chain.canonical_changes(item.get("changes", {}))
        digest = chain.text_hash(prev, chain.entry_text(seq, at, actor, item["action"], item["object_type"],
                                                        object_id, label, plan_code, changes))
        rows.append((seq, now, actor, item["action"], item["object_type"], object_id, label, plan_code,
                     JSONText(changes), prev, digest))
        prev = digest
    insert_rows(AuditEntry, AUDIT_COLUMNS, rows)
    ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return len(rows)


def record(action: str, obj_type: str, obj_id: Any, changes: Mapping[str, Any], actor: str,
           label: str = "", plan_code: str = "") -> None:
    record_many(
        [{"action": action, "object_type": obj_type, "object_id": obj_id, "label": label,
          "plan_code": plan_code, "changes": dict(changes)}],
        actor,
    )


def save_tracked(obj: Any, fields: Iterable[str], old: Mapping[str, Any] | None, *, object_type: str,
                 actor: str, label: str, plan_code: str) -> dict[str, list[Any]]:
    """Save a versioned object whose tracked ``fields`` differ from ``old`` (None: a new object),
    bumping its version on updates, and record the change; returns the changes ({} = nothing saved)."""
    changes = diff(old, {f: getattr(obj, f) for f in fields})
    if not changes:
        return changes
    if old is not None:
        obj.version += 1
    obj.save()
    record("create" if old is None else "update", object_type, obj.pk, changes, actor, label, plan_code)
    return changes


def verify_chain(batch: int = 5000) -> tuple[int, chain.Break | None]:
    """Check every entry in seq order; also that the head agrees with the last entry."""

    def rows() -> Iterable[tuple[int, str, str, dict[str, Any]]]:
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
            yield e.seq, e.prev_hash, e.hash, e.payload()

    count, broken = chain.verify(rows())
    if broken is None:
        head = ChainHead.objects.filter(pk=1).first()
        if head is not None and head.last_seq != count:
            return count, chain.Break(count + 1, f"the last {head.last_seq - count} entries are missing")
    return count, broken
