"""The chain of the change history, as pure functions.

Each entry's fingerprint covers its own content and the previous entry's fingerprint, so an
edited, deleted, inserted or reordered entry breaks every link after it. Entries are keyed: the
fingerprint is HMAC-SHA-256 under a key kept outside the database, so someone who can write to
the database but does not hold the key cannot rewrite an entry and rehash the rest, nor append a
forged one. Histories written before the key (plain SHA-256) still verify as a legacy, unkeyed
prefix: once a keyed entry appears, every later entry must be keyed.

Keyed entries hash a canonical text that reads the same whichever database stored it: numbers
written as plain normalised decimals (``-0.0`` is ``0``, ``1e30`` is its digits, ``2964.2400``
is ``2964.24``), text in Unicode NFC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


# ---- the canonical text of keyed entries -------------------------------------------------------

def number_text(value: int | float | Decimal) -> str:
    """A number as plain decimal digits, the same for the float, the Decimal and the integer that
    a database hands back for it (PostgreSQL's jsonb keeps no ``-0.0`` and turns ``1e30`` into
    digits)."""
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite():
        return json.dumps(str(d))  # NaN and infinities cannot be JSON numbers: kept as text
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def normal(value: Any) -> Any:
    """A value as it is hashed: text in NFC, decimals as text (how the history stores them),
    dates and times in ISO form; numbers stay numbers (:func:`dump` writes them normalised)."""
    t = type(value)
    if t is str:
        return unicodedata.normalize("NFC", value)
    if t is bool or t is int or t is float or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {unicodedata.normalize("NFC", str(k)): normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return unicodedata.normalize("NFC", str(value))


def dump(value: Any) -> str:
    """Canonical JSON of a :func:`normal` value: keys sorted, no spaces, non-ASCII escaped,
    numbers through :func:`number_text`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    t = type(value)
    if t is str:
        return json.dumps(value)
    if t is int or t is float:
        return number_text(value)
    if t is dict:
        return "{" + ",".join(f"{json.dumps(k)}:{dump(value[k])}" for k in sorted(value)) + "}"
    return "[" + ",".join(dump(v) for v in value) + "]"


def canonical_changes(changes: Mapping[str, Any]) -> str:
    """The canonical text of an entry's changes; it is also the text stored, so the entry read
    back (from SQLite or PostgreSQL) hashes to the same value.

    Changes are nearly always ``{field: [old, new]}``: that shape is written here without a call
    per value (an import writes a quarter of a million entries); any other goes through
    :func:`_text`. The text is the same either way."""
    if type(changes) is not dict or not all(type(k) is str and k.isascii() for k in changes):
        return _text(changes)
    parts = []
    for key in sorted(changes):
        value = changes[key]
        if type(value) is list and len(value) == 2:
            old, new = value  # (a new object's entry is all [None, value])
            parts.append(f"{_ascii(key)}:[{'null' if old is None else _leaf(old)},{_leaf(new)}]")
        else:
            parts.append(f"{_ascii(key)}:{_text(value)}")
    return "{" + ",".join(parts) + "}"


_ascii = json.encoder.encode_basestring_ascii  # what json.dumps does with a str
_DATES = (dt.date, dt.datetime, dt.time)


def _leaf(value: Any) -> str:
    """:func:`_text` of one old or new value, the commonest kinds first."""
    t = type(value)
    if t is str:
        return _ascii(value if value.isascii() else unicodedata.normalize("NFC", value))
    if value is None:
        return "null"
    if t is dt.date:
        return f'"{value.isoformat()}"'  # ISO dates are plain ASCII: nothing to escape
    return _text(value)


def _text(value: Any) -> str:
    """``dump(normal(value))`` in one pass for the values changes are made of (text, numbers,
    decimals, dates, lists and dicts with ASCII keys), the same text; anything else through both."""
    t = type(value)
    if t is str:
        return _ascii(value if value.isascii() else unicodedata.normalize("NFC", value))
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if t is int or t is float:
        return number_text(value)
    if t is Decimal:
        return _ascii(format(value.normalize(), "f") if value.is_finite() else str(value))
    if t in _DATES:
        return _ascii(value.isoformat())
    if t is list or t is tuple:
        return "[" + ",".join([_text(v) for v in value]) + "]"
    if t is dict and all(type(k) is str and k.isascii() for k in value):
        return "{" + ",".join([f"{_ascii(k)}:{_text(value[k])}" for k in sorted(value)]) + "}"
    return dump(normal(value))


def entry_text(seq: int, at: str, actor: str, action: str, object_type: str, object_id: str, object_label: str,
               plan_code: str, changes_text: str) -> str:
    """The canonical text of an entry assembled from its parts, with its changes given as
    :func:`canonical_changes` text: one JSON encoding per entry."""
    def q(text: str) -> str:
        return _ascii(text if text.isascii() else unicodedata.normalize("NFC", text))

    return (f'{{"action":{q(action)},"actor":{q(actor)},"at":{q(at)},"changes":{changes_text},'
            f'"object_id":{q(object_id)},"object_label":{q(object_label)},"object_type":{q(object_type)},'
            f'"plan_code":{q(plan_code)},"seq":{seq}}}')


def payload_text(payload: Mapping[str, Any]) -> str:
    """:func:`entry_text` of an entry given as its payload (the dict an entry read back gives)."""
    return entry_text(int(payload["seq"]), payload["at"], payload["actor"], payload["action"],
                      payload["object_type"], payload["object_id"], payload["object_label"], payload["plan_code"],
                      canonical_changes(payload["changes"]))


def mac(key: bytes, prev_hash: str, text: str) -> str:
    """The keyed fingerprint: HMAC-SHA-256(key, previous fingerprint + canonical text)."""
    # (the one-shot form: the same HMAC without building an object per entry)
    return hmac.digest(key, (prev_hash + text).encode("utf-8"), "sha256").hex()


# ---- the legacy (unkeyed) forms --------------------------------------------------------------

def canonical(payload: Mapping[str, Any]) -> str:
    """The legacy canonical text: JSON with sorted keys, no spaces, non-ASCII characters escaped."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def text_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """The legacy, unkeyed fingerprint (plain SHA-256) of entries written before the key."""
    return text_hash(prev_hash, canonical(payload))


def legacy_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """The unkeyed fingerprint of entries written before the canonical text escaped non-ASCII
    characters (UTF-8 kept as is)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return text_hash(prev_hash, text)


def unkeyed_match(prev_hash: str, payload: Mapping[str, Any], stored: str) -> bool:
    return entry_hash(prev_hash, payload) == stored or legacy_hash(prev_hash, payload) == stored


# ---- verification ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """The first entry at which the chain does not hold."""

    seq: int
    reason: str


@dataclass
class Walk:
    """What a walk along the chain found: entries seen, the legacy (unkeyed) prefix, the first
    break, and the fingerprint at each seq asked for (to compare with anchors)."""

    count: int = 0
    legacy: int = 0  # entries 1..legacy are unkeyed (written before the key)
    broken: Break | None = None
    last_hash: str = GENESIS
    marks: dict[int, str] = field(default_factory=dict)


def verify(entries: Iterable[tuple[int, str, str, Mapping[str, Any]]], key: bytes | None = None,
           marks: Iterable[int] = ()) -> Walk:
    """Walk ``(seq, prev_hash, hash, payload)`` in seq order. With ``key``, entries must be keyed
    except for a legacy prefix; without it, only the unkeyed forms are accepted."""
    wanted = set(marks)
    walk = Walk()
    expected_seq = 1
    prev = GENESIS
    keyed_seen = False
    for seq, prev_hash, stored_hash, payload in entries:
        walk.count += 1
        if seq != expected_seq:
            walk.broken = Break(expected_seq, f"entry {expected_seq} is missing (found {seq} next)")
            return walk
        if prev_hash != prev:
            walk.broken = Break(seq, "link to the previous entry is broken (reordered or inserted)")
            return walk
        if key is not None and hmac.compare_digest(mac(key, prev_hash, payload_text(payload)), stored_hash):
            keyed_seen = True
        elif unkeyed_match(prev_hash, payload, stored_hash):
            if keyed_seen:
                walk.broken = Break(seq, "an unkeyed entry after keyed ones (forged or rehashed without the key)")
                return walk
            walk.legacy = seq
        else:
            walk.broken = Break(seq, "content does not match its fingerprint (edited, or forged without the key)")
            return walk
        if seq in wanted:
            walk.marks[seq] = stored_hash
        prev = stored_hash
        expected_seq += 1
    walk.last_hash = prev
    return walk
