"""``audit verify``: the chain, its head, the anchors kept outside the database, and the figures.

Everything it finds is gathered in a :class:`Verdict` (the CLI prints it, ``--json`` emits its
document); ``ok`` is false if anything was tampered with.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from shigongtu.audit import chain
from shigongtu.audit.keys import audit_key
from shigongtu.audit.models import AuditEntry, ChainHead
from shigongtu.audit.replay import Mismatch, replay

HEAD_REBUILT = "rebuild-head"  # the action of the entry that says the head row had gone missing
COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "object_label", "plan_code", "changes",
           "prev_hash", "hash")


@dataclass(frozen=True)
class Anchor:
    """A head written outside the database by ``audit anchor``: sequence number, fingerprint, time."""

    seq: int
    fingerprint: str
    at: str

    def line(self) -> str:
        return json.dumps({"seq": self.seq, "fingerprint": self.fingerprint, "at": self.at}, sort_keys=True)


@dataclass
class Verdict:
    """What ``audit verify`` found."""

    entries: int = 0
    legacy: int = 0
    broken: chain.Break | None = None
    head: list[str] = field(default_factory=list)
    anchors_checked: int = 0
    anchors: list[str] = field(default_factory=list)
    figures_checked: list[str] = field(default_factory=list)
    figures: list[Mismatch] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.head and not self.anchors and not self.figures

    def problems(self) -> list[str]:
        out = [] if self.broken is None else [f"entry #{self.broken.seq}: {self.broken.reason}"]
        out += self.head + self.anchors
        out += [f"figure without matching history: {m.figure} · {m.label}: stored {m.document()['stored']!r}, "
                f"history {m.document()['history']!r}" for m in self.figures]
        return out

    def document(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "entries": self.entries, "legacy_unkeyed": self.legacy,
            "broken": None if self.broken is None else {"seq": self.broken.seq, "reason": self.broken.reason},
            "head": self.head, "anchors_checked": self.anchors_checked, "anchors": self.anchors,
            "figures_checked": self.figures_checked, "figures": [m.document() for m in self.figures],
            "problems": self.problems(), "seconds": round(self.seconds, 3),
        }


def _entries(batch: int, rebuilt: list[int]) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    rows = AuditEntry.objects.order_by("seq").values_list(*COLUMNS)
    for seq, at, actor, action, object_type, object_id, label, plan_code, changes, prev_hash, digest in \
            rows.iterator(chunk_size=batch):
        if action == HEAD_REBUILT:
            rebuilt.append(seq)
        yield seq, prev_hash, digest, {"seq": seq, "at": at.isoformat(), "actor": actor, "action": action,
                                       "object_type": object_type, "object_id": object_id, "object_label": label,
                                       "plan_code": plan_code, "changes": changes}


def walk_chain(batch: int = 5000, marks: set[int] | None = None, rebuilt: list[int] | None = None) -> chain.Walk:
    """Walk the whole chain once, keyed (see :mod:`shigongtu.audit.chain`)."""
    return chain.verify(_entries(batch, rebuilt if rebuilt is not None else []), audit_key(), marks or ())


def read_anchors(path: Path) -> tuple[list[Anchor], list[str]]:
    """The anchors in a file, and a problem for each line that is not one."""
    anchors, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchors.append(Anchor(int(data["seq"]), str(data["fingerprint"]), str(data.get("at", ""))))
        except (ValueError, KeyError, TypeError):
            problems.append(f"anchor file line {number} is not an anchor")
    return anchors, problems


def _head_problems(walk: chain.Walk, rebuilt: list[int]) -> list[str]:
    head = ChainHead.objects.filter(pk=1).first()
    out = [f"the head row had been deleted; it was rebuilt from the last entry at entry #{seq}" for seq in rebuilt]
    if head is None:
        if walk.count:
            out.append(f"the head row is missing (deleted); the history has {walk.count} entries")
        return out
    if walk.broken is not None:
        return out  # the walk stopped early: its count says nothing about the head
    if head.last_seq > walk.count:
        out.append(f"the last {head.last_seq - walk.count} entries are missing (head at #{head.last_seq}, "
                   f"history ends at #{walk.count})")
    elif head.last_seq < walk.count:
        out.append(f"entries #{head.last_seq + 1}–#{walk.count} are beyond the head (appended behind its back)")
    elif head.last_hash != walk.last_hash:
        out.append(f"the head's fingerprint does not match entry #{walk.count}")
    return out


def _anchor_problems(anchors: list[Anchor], walk: chain.Walk) -> list[str]:
    out = []
    for a in anchors:
        if a.seq > walk.count and walk.broken is None:
            out.append(f"anchor #{a.seq} ({a.at}) is beyond the history's end (#{walk.count}): entries were "
                       "truncated")
        elif a.seq in walk.marks and walk.marks[a.seq] != a.fingerprint:
            out.append(f"entry #{a.seq} no longer matches the anchor taken {a.at}: rewritten")
        elif a.seq > 0 and a.seq not in walk.marks:
            out.append(f"anchor #{a.seq} ({a.at}) could not be checked: the chain breaks before it")
    return out


def verify_history(anchors: Path | None = None, figures: bool = True, batch: int = 5000) -> Verdict:
    """The full check: chain (keyed after a legacy prefix), head, anchors, and the figures replayed."""
    started = time.perf_counter()
    verdict = Verdict()
    marks: list[Anchor] = []
    if anchors is not None:
        marks, verdict.anchors = read_anchors(anchors)
    rebuilt: list[int] = []
    walk = walk_chain(batch, {a.seq for a in marks}, rebuilt)
    verdict.entries, verdict.legacy, verdict.broken = walk.count, walk.legacy, walk.broken
    verdict.head = _head_problems(walk, rebuilt)
    verdict.anchors_checked = len(marks)
    verdict.anchors += _anchor_problems(marks, walk)
    if figures:
        result = replay()
        verdict.figures_checked, verdict.figures = result.checked, result.mismatches
    verdict.seconds = time.perf_counter() - started
    return verdict


def current_anchor(now: dt.datetime | None = None) -> Anchor:
    """The history's head now, as an anchor."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, digest = last if last is not None else (0, chain.GENESIS)
    else:
        seq, digest = head.last_seq, head.last_hash
    return Anchor(seq, digest, (now or timezone.now()).isoformat())


def append_anchor(path: Path) -> Anchor:
    """Append the current head to ``path`` (a file kept outside the database), one line per anchor."""
    anchor = current_anchor()
    with path.open("a", encoding="utf-8") as out:
        out.write(anchor.line() + "\n")
    return anchor
