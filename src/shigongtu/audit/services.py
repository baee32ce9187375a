"""Writing to and checking the change history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry, ChainHead

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
    """Field → [old, new] for the fields that differ (all fields when ``old`` is None)."""
    out: dict[str, list[Any]] = {}
    for key, value in new.items():
        before = None if old is None else old.get(key)
        if old is None or _plain(before) != _plain(value):
            out[key] = [_plain(before), _plain(value)]
    return out


@transaction.atomic
def record_many(items: Iterable[dict[str, Any]], actor: str) -> int:
    """Append entries in order; each item has action, object_type, object_id, label, plan_code, changes."""
    rows = list(items)
    if not rows:
        return 0
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    now = timezone.now()
    seq, prev = head.last_seq, head.last_hash
    entries = []
    for item in rows:
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=now,
            actor=actor[:150],
            action=item["action"],
            object_type=item["object_type"],
            object_id=str(item["object_id"]),
            object_label=str(item.get("label", ""))[:255],
            plan_code=item.get("plan_code", ""),
            changes=json.loads(json.dumps(_plain(item.get("changes", {})), ensure_ascii=False)),
        )
        entry.prev_hash = prev
        entry.hash = chain.entry_hash(prev, entry.payload())
        prev = entry.hash
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    ChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    return len(entries)


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
