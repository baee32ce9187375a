"""The hash chain of the change history, as pure functions.

Each entry's hash covers its own content and the previous entry's hash, so an
edited, deleted, inserted or reordered entry breaks every link after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> str:
    """A stable text for hashing: JSON with sorted keys, no spaces, non-ASCII characters escaped
    (the form a text column stores, so an entry's changes are encoded once: hashed and stored)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    return text_hash(prev_hash, canonical(payload))


def legacy_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """The hash of entries written before the canonical text escaped non-ASCII characters (UTF-8
    kept as is): histories recorded then still verify. Both are exact encodings of the same
    content, so accepting either lets no edit through."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text_hash(prev_hash, text)


def text_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def plain_json(value: Any) -> Any:
    """``json.dumps``' hook for the values a change holds: decimals normalised (2964.2400 is
    2964.24), dates and times in ISO form."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def canonical_changes(changes: Mapping[str, Any]) -> str:
    """The canonical text of an entry's changes; it is also the text stored, so the entry read
    back hashes to the same value."""
    return json.dumps(changes, sort_keys=True, separators=(",", ":"), default=plain_json)


def entry_text(seq: int, at: str, actor: str, action: str, object_type: str, object_id: str, object_label: str,
               plan_code: str, changes_text: str) -> str:
    """``canonical(payload)`` of an entry assembled from its parts, with its changes given as
    :func:`canonical_changes` text: one JSON encoding per entry instead of two."""
    q = json.dumps
    return (f'{{"action":{q(action)},"actor":{q(actor)},"at":{q(at)},"changes":{changes_text},'
            f'"object_id":{q(object_id)},"object_label":{q(object_label)},"object_type":{q(object_type)},'
            f'"plan_code":{q(plan_code)},"seq":{seq}}}')


@dataclass(frozen=True)
class Break:
    """The first entry at which the chain does not hold."""

    seq: int
    reason: str


def verify(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> tuple[int, Break | None]:
    """Walk ``(seq, prev_hash, hash, payload)`` in seq order; return (count, first break)."""
    expected_seq = 1
    prev = GENESIS
    count = 0
    for seq, prev_hash, stored_hash, payload in entries:
        count += 1
        if seq != expected_seq:
            return count, Break(expected_seq, f"entry {expected_seq} is missing (found {seq} next)")
        if prev_hash != prev:
            return count, Break(seq, "link to the previous entry is broken (reordered or inserted)")
        if entry_hash(prev_hash, payload) != stored_hash and legacy_hash(prev_hash, payload) != stored_hash:
            return count, Break(seq, "content does not match its hash (edited)")
        prev = stored_hash
        expected_seq += 1
    return count, None
