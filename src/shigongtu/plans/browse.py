"""The plan tree as bounded lists: filters, subtrees and keyset pages over the cached roll-up.

A province plan has 200,000 nodes; no page or endpoint walks them more than once a request.
The structure (codes, folded titles, lead units, positions) is indexed once per computed
roll-up (a node change builds a new roll-up, so a new index); the light counts once per
plan revision (a report changes lights in place). A list is cut after the position of the
last row shown (a keyset cursor), never by an offset, and every figure still comes from the
roll-up (``plans.selectors``): this module only chooses rows.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from shigongtu.plans.rules.lights import CANCELLED, DONE
from shigongtu.plans.selectors import Rollup

LIGHTS = ("red", "yellow", "green", "pending", "done", "cancelled")


@dataclass(frozen=True, slots=True)
class TreeIndex:
    """A roll-up's nodes by position in natural code order (the order pages and the API list)."""

    ids: tuple[int, ...]
    codes: tuple[str, ...]
    folded: tuple[str, ...]  # titles, casefolded once for the text search
    units: tuple[int | None, ...]
    position: dict[int, int]
    by_code: dict[str, int]  # code → position
    unit_set: frozenset[int]  # the lead units named anywhere in the plan

    def subtree(self, code: str) -> range:
        """The positions of ``code`` and everything below it (contiguous in code order)."""
        start = self.by_code[code]
        prefix = code + "."
        end = start + 1
        codes = self.codes
        while end < len(codes) and codes[end].startswith(prefix):
            end += 1
        return range(start, end)


_LOCK = threading.Lock()
_INDEXES: dict[int, tuple[weakref.ref[Rollup], TreeIndex]] = {}
_COUNTS: dict[int, tuple[weakref.ref[Rollup], int, dict[str, int]]] = {}


def tree_index(rollup: Rollup) -> TreeIndex:
    """The structure index of ``rollup``, built on first use and kept as long as the roll-up is."""
    key = id(rollup)
    with _LOCK:
        found = _INDEXES.get(key)
    if found is not None and found[0]() is rollup:
        return found[1]
    meta = rollup.meta
    ids = tuple(rollup.order)
    codes = tuple(meta[i].code for i in ids)
    index = TreeIndex(
        ids=ids, codes=codes, folded=tuple(meta[i].title.casefold() for i in ids),
        units=tuple(meta[i].lead_unit_id for i in ids),
        position={i: p for p, i in enumerate(ids)}, by_code={c: p for p, c in enumerate(codes)},
        unit_set=frozenset(u for u in (meta[i].lead_unit_id for i in ids) if u),
    )
    with _LOCK:
        for stale in [k for k, (ref, _) in _INDEXES.items() if ref() is None]:
            del _INDEXES[stale]
        _INDEXES[key] = (weakref.ref(rollup), index)
    return index


def light_counts(rollup: Rollup) -> dict[str, int]:
    """Nodes by light (every node, as the tree page's filter counts them), once per revision."""
    key = id(rollup)
    with _LOCK:
        found = _COUNTS.get(key)
    if found is not None and found[0]() is rollup and found[1] == rollup.revision:
        return found[2]
    revision = rollup.revision
    counted = Counter(res.light for res in rollup.results.values())
    counts = {light: counted.get(light, 0) for light in LIGHTS}
    with _LOCK:
        for stale in [k for k, (ref, _, _) in _COUNTS.items() if ref() is None]:
            del _COUNTS[stale]
        _COUNTS[key] = (weakref.ref(rollup), revision, counts)
    return counts


def unit_ids(rollup: Rollup) -> set[int]:
    """The lead units named anywhere in the plan (for a filter's choices)."""
    return set(tree_index(rollup).unit_set)


def is_overdue(res: object, as_of: dt.date) -> bool:
    """Past its due date and neither done nor cancelled (逾期)."""
    return as_of > getattr(res, "due") and getattr(res, "light") not in (DONE, CANCELLED)  # noqa: B009


@dataclass(frozen=True)
class NodeQuery:
    """What a list of nodes is narrowed to: text in title or code, light, lead unit, overdue only,
    a subtree (its root included) and a depth below which nothing is listed."""

    q: str = ""
    light: str = ""
    unit: int | None = None
    overdue: bool = False
    under: str = ""
    max_depth: int | None = None

    @property
    def narrows(self) -> bool:
        """Whether anything besides the subtree and depth narrows the list (a search)."""
        return bool(self.q or self.light or self.unit or self.overdue)


def matching(rollup: Rollup, query: NodeQuery) -> list[int]:
    """The positions (in code order) of the nodes ``query`` keeps. An unknown ``under`` → KeyError."""
    index = tree_index(rollup)
    span = index.subtree(query.under) if query.under else range(len(index.ids))
    found: list[int] = list(span)
    results, ids = rollup.results, index.ids
    if query.max_depth is not None:
        depth = query.max_depth
        found = [p for p in found if results[ids[p]].depth <= depth]
    if query.unit:
        unit, units = query.unit, index.units
        found = [p for p in found if units[p] == unit]
    if query.q:
        needle, raw, folded, codes = query.q.casefold(), query.q, index.folded, index.codes
        found = [p for p in found if needle in folded[p] or codes[p].startswith(raw)]
    if query.light:
        light = query.light
        found = [p for p in found if results[ids[p]].light == light]
    if query.overdue:
        as_of = rollup.as_of
        found = [p for p in found if is_overdue(results[ids[p]], as_of)]
    return found


def after(positions: list[int], rollup: Rollup, code: str) -> int:
    """Where a page that continues after the node ``code`` starts in ``positions`` (KeyError if unknown)."""
    return bisect_right(positions, tree_index(rollup).by_code[code])


def children(rollup: Rollup, node_id: int | None) -> list[int]:
    """The direct children of a node (the fronts for None), in code order."""
    return rollup.children().get(node_id, [])
