"""Writing to and checking the change history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import chain
from shigongtu.audit.keys import audit_key
from shigongtu.audit.models import AuditEntry, ChainHead
from shigongtu.audit.verify import HEAD_REBUILT, verify_history
from shigongtu.utilities.bulk import JSONText, insert_few_then, insert_rows

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


FEW = 20  # up to this many entries go in with the head's update (one statement on PostgreSQL)
AUDIT_COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "object_label", "plan_code", "changes",
                 "prev_hash", "hash")


def _locked_head() -> tuple[ChainHead, bool]:
    """The chain head, locked; rebuilt from the last entry if its row was deleted (so deleting it
    cannot stop writes). Returns (head, rebuilt)."""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head, False
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, digest = last if last is not None else (0, chain.GENESIS)
    head, made = ChainHead.objects.get_or_create(pk=1, defaults={"last_seq": seq, "last_hash": digest})
    head = ChainHead.objects.select_for_update().get(pk=1)
    return head, made and last is not None


@transaction.atomic(savepoint=False)  # inside a writer's transaction, no savepoint: a failure rolls it all back
def record_many(items: Iterable[dict[str, Any]], actor: str) -> int:
    """Append entries in order; each item has action, object_type, object_id, label, plan_code, changes.

    Built for imports of a quarter of a million rows: each entry's changes are encoded once
    (the canonical text is both fingerprinted and stored) and the rows go in through one prepared
    statement. Each fingerprint is HMAC-SHA-256 under :func:`audit_key` of the previous one and the
    entry's canonical text; ``verify_chain`` recomputes them from the stored entries."""
    items = list(items)
    if not items:
        return 0
    head, rebuilt = _locked_head()
    if rebuilt:
        # Said in the chain itself (keyed), so `audit verify` reports it even after the head is back.
        items.insert(0, {"action": HEAD_REBUILT, "object_type": "chain", "object_id": "head",
                         "changes": {"last_seq": [None, head.last_seq]}})
    key = audit_key()
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
        digest = chain.mac(key, prev, chain.entry_text(seq, at, actor, item["action"], item["object_type"],
                                                       object_id, label, plan_code, changes))
        rows.append((seq, now, actor, item["action"], item["object_type"], object_id, label, plan_code,
                     JSONText(changes), prev, digest))
        prev = digest
    if len(rows) <= FEW:  # a writer's entry or two: the entries and the head in one statement (PostgreSQL)
        insert_few_then(AuditEntry, AUDIT_COLUMNS, rows,
                        'UPDATE "audit_chainhead" SET last_seq = %s, last_hash = %s WHERE id = 1', [seq, prev])
        return len(rows)
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
    """Check every entry in seq order and the head; (entries, first break). The full check, with
    anchors and the figures, is :func:`shigongtu.audit.verify.verify_history`."""
    verdict = verify_history(figures=False, batch=batch)
    if verdict.broken is None and verdict.head:
        return verdict.entries, chain.Break(verdict.entries + 1, verdict.head[0])
    return verdict.entries, verdict.broken
