"""What someone with write access to the database, but not the key, can do to the history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry, ChainHead

TABLE = AuditEntry._meta.db_table
HEAD = ChainHead._meta.db_table


def sql(statement: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params)


def payload(entry: AuditEntry) -> dict[str, Any]:
    return entry.payload()


def set_head(seq: int, digest: str) -> None:
    sql(f"UPDATE {HEAD} SET last_seq = %s, last_hash = %s", [seq, digest])  # noqa: S608


def rehash_from(seq: int, edit: dict[str, Any] | None = None, key: bytes | None = None) -> None:
    """Rewrite entry ``seq`` (``edit`` its columns) and rehash it and every later entry, without the
    real key: plain SHA-256 (``key`` None) or HMAC under a guessed key; the head follows."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev = entries[0].prev_hash
    for e in entries:
        p = payload(e)
        if e.seq == seq and edit:
            p.update(edit)
        digest = (chain.entry_hash(prev, p) if key is None else chain.mac(key, prev, chain.payload_text(p)))
        sql(f"UPDATE {TABLE} SET changes = %s, actor = %s, prev_hash = %s, hash = %s WHERE seq = %s",  # noqa: S608
            [json.dumps(p["changes"]), p["actor"], prev, digest, e.seq])
        prev = digest
    set_head(entries[-1].seq, prev)


def append(action: str, object_type: str, object_id: Any, changes: dict[str, Any], key: bytes | None = None) -> None:
    """Append an entry computed without the real key, and move the head onto it."""
    head = ChainHead.objects.get(pk=1)
    at = dt.datetime(2023, 6, 30, 8, tzinfo=dt.UTC)
    p = {"seq": head.last_seq + 1, "at": at.isoformat(), "actor": "coord", "action": action,
         "object_type": object_type, "object_id": str(object_id), "object_label": "", "plan_code": "JY-T",
         "changes": changes}
    digest = (chain.entry_hash(head.last_hash, p) if key is None
              else chain.mac(key, head.last_hash, chain.payload_text(p)))
    sql(f"INSERT INTO {TABLE} (seq, at, actor, action, object_type, object_id, object_label, plan_code, "  # noqa: S608
        "changes, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [p["seq"], at, "coord", action, object_type, str(object_id), "", "JY-T", json.dumps(changes),
         head.last_hash, digest])
    set_head(p["seq"], digest)


def truncate_to(seq: int) -> None:
    """Delete every entry after ``seq`` and move the head back onto entry ``seq``: a consistent chain."""
    digest = AuditEntry.objects.get(seq=seq).hash
    sql(f"DELETE FROM {TABLE} WHERE seq > %s", [seq])  # noqa: S608
    set_head(seq, digest)
