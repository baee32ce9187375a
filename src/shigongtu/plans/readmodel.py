"""The incremental read model: figures kept in memory and brought forward from the revision journal.

Every write bumps ``Plan.revision`` and journals what it changed (:class:`RollupDelta`: one
leaf's reports, the project library's data of one or all projects, or anything). A figure
kept here (a :class:`Memo`) remembers the revision it was computed at; the next reader asks
the journal what changed since (:func:`changes_since`) and the memo either keeps its value
(nothing it depends on changed), patches it (its ``patch`` knows how to apply exactly those
changes) or rebuilds it. Patched or not, the answer equals a fresh build — the read-model
tests apply random writes and compare.

The memos live in the process (like the roll-up cache): each app server catches up from the
shared journal on its next read, so nothing is ever stale and nothing has to be told.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shigongtu.plans.models import Plan, RollupDelta

T = TypeVar("T")
JOURNAL_SPAN = 2000  # beyond this many revisions behind, a memo rebuilds rather than replays

# What a journal entry's ``aspect`` may say: a narrower part of the project library (its monthly
# investment reports), or a record type beside the blueprint and the library (a "side") whose
# data reach the plan's figures only through the indicators drawn from it (``<side>.…`` sources).
INVESTMENT = "investment"
SIDES = frozenset({"supervision", "attraction", "enterprises"})
ASPECTS = frozenset({"", INVESTMENT}) | SIDES


@dataclass
class Changes:
    """What changed in a plan between two revisions, as the journal tells it."""

    nodes: set[int] = field(default_factory=set)      # leaves whose reports changed
    projects: set[int] = field(default_factory=set)   # projects whose own data changed
    any_project: bool = False   # the project library changed without naming the projects
    everything: bool = False    # structure, indicators, settings… (or the journal has a gap)
    aspects: set[str] = field(default_factory=set)  # of the project changes: "" any data, "investment" reports only
    sides: set[str] = field(default_factory=set)    # record types beside the plan that changed (SIDES)

    @property
    def plan_side(self) -> bool:
        """Whether anything outside the project library changed (the roll-up's own inputs)."""
        return self.everything or bool(self.nodes)

    @property
    def project_side(self) -> bool:
        """Whether anything of the project library changed."""
        return self.everything or self.any_project or bool(self.projects)

    @property
    def nothing(self) -> bool:
        return not (self.plan_side or self.project_side or self.sides)

    def only_projects(self, *aspects: str) -> bool:
        """Whether the project library is all that changed, and only in these aspects (a change of
        a project's own data, aspect "", is never narrowed)."""
        return (self.project_side and not (self.plan_side or self.sides)
                and "" not in self.aspects and self.aspects <= set(aspects))


def changes_since(plan_id: int, since: int, upto: int) -> Changes:
    """What the journal says changed after revision ``since`` up to ``upto`` (a gap — a revision
    without its entry, or too long a span — reads as everything)."""
    out = Changes()
    if upto <= since:
        return out
    if upto - since > JOURNAL_SPAN:
        out.everything = True
        return out
    rows = list(RollupDelta.objects.filter(plan_id=plan_id, revision__gt=since, revision__lte=upto)
                .values_list("revision", "node_id", "projects", "project_id", "aspect"))
    if len({r[0] for r in rows}) != upto - since:
        out.everything = True
        return out
    for _, node_id, projects, project_id, aspect in rows:
        if node_id is not None:
            out.nodes.add(node_id)
        elif not projects:
            if aspect in SIDES:
                out.sides.add(aspect)
            else:
                out.everything = True
        else:
            out.aspects.add(aspect if aspect == INVESTMENT else "")
            if project_id is not None:
                out.projects.add(project_id)
            else:
                out.any_project = True
    return out


def reaches_side(name: str) -> Callable[[Changes], bool]:
    """A memo's ``depends`` for a figure read from one side's records (and the plan's settings)
    alone: what changes it is that side, or anything the journal cannot narrow."""
    return lambda changes: changes.everything or name in changes.sides


def plan_stamp(plan: Plan) -> int:
    """Tells apart a plan re-created under the same id (a reset test database, a restored backup)."""
    return int(plan.created_at.timestamp() * 1000) if plan.created_at else 0


@dataclass
class _Entry(Generic[T]):
    revision: int
    value: T


Patch = Callable[..., "T | None"]  # (plan, key, value, changes, *args) -> the value brought forward, or None


class Memo(Generic[T]):
    """One figure of the read model per (plan, key), kept at a revision and brought forward.

    ``build(plan, key, *args)`` computes it from scratch. ``patch(plan, key, value, changes, *args)`` brings an
    older value forward over ``changes`` and returns it (the same object, updated, or a new one),
    or None when it cannot (then the memo rebuilds). Without ``patch``, ``depends(changes)``
    says whether the changes touch the figure at all (default: any change does).
    """

    def __init__(self, name: str, build: Callable[..., T], *, patch: Patch[T] | None = None,
                 depends: Callable[[Changes], bool] | None = None, size: int = 64) -> None:
        self.name = name
        self._build = build
        self._patch = patch
        self._depends = depends or (lambda c: not c.nothing)
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[int, int, Hashable], _Entry[T]] = OrderedDict()
        MEMOS.append(self)

    def get(self, plan: Plan, key: Hashable = None, *args: Any) -> T:
        """The figure at the plan's current revision (``plan.revision`` as loaded); ``args`` go to
        ``build`` and ``patch`` (what the caller already holds, not part of the key)."""
        slot = (plan.pk, plan_stamp(plan), key)
        with self._lock:
            entry = self._entries.get(slot)
        value: T | None = None
        if entry is not None and entry.revision <= plan.revision:
            changes = changes_since(plan.pk, entry.revision, plan.revision)
            if changes.nothing or (not changes.everything and self._patch is None and not self._depends(changes)):
                value = entry.value
            elif not changes.everything and self._patch is not None:
                value = self._patch(plan, key, entry.value, changes, *args)
        if value is None:
            value = self._build(plan, key, *args)
        with self._lock:
            self._entries[slot] = _Entry(plan.revision, value)
            self._entries.move_to_end(slot)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


MEMOS: list[Memo[Any]] = []


def clear_memos() -> None:
    """Forget every memo (tests, benchmarks measuring a cold start)."""
    for memo in MEMOS:
        memo.clear()
