"""The hash chain of the change history, as pure functions.

Each entry's hash covers its own content and the previous entry's hash, so an
edited, deleted, inserted or reordered entry breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Mapping[str, Any]) -> str:
    """A stable text for hashing: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(payload)).encode("utf-8")).hexdigest()


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
        if entry_hash(prev_hash, payload) != stored_hash:
            return count, Break(seq, "content does not match its hash (edited)")
        prev = stored_hash
        expected_seq += 1
    return count, None
