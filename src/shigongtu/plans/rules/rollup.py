"""Weighted roll-up of progress up the plan tree (进度汇总) — contract §2.

Pure rules over plain frozen dataclasses: no Django, no ORM. Callers load a plan's
nodes and reports once, turn them into :class:`NodeIn` / :class:`ReportIn`, and
get plain :class:`NodeOut` rows back, so the API, pages, CLI, ledgers, bulletins and
benchmarks all show the same numbers.

Terms used below:

- *cancelled* (取消): a node's own flag; *cancelled effective*: the node or an ancestor is.
- *leaf*: a node with no child that is not cancelled — so a parent whose children are
  all cancelled is a leaf again and shows its own reported progress.
- *effective dates*: a node without a start (or due) date takes its parent's effective
  one, and the plan's at the top.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shigongtu.lib.periods import Period
from shigongtu.plans.rules.lights import DEFAULT_THRESHOLDS, Thresholds, expected_progress, node_light

# Report statuses that count towards progress and towards "a report was made".
# ``returned`` (退回) is excluded by the contract. ``draft`` (草稿) is excluded as well:
# the contract picks "the last submitted" report of a period, and a draft is work nobody
# has submitted yet — counting it would let a half-typed figure move the dashboard.
COUNTED_STATUSES = frozenset({"submitted", "approved"})

_PERIOD_RE = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")


@dataclass(frozen=True)
class NodeIn:
    """One node of the plan tree (战线 / 任务 / 子任务) as the roll-up needs it.

    ``start`` / ``due`` are the node's own dates (None: inherit); ``weight`` ≥ 0 is its
    share among its siblings (权重); ``cancelled`` is its own 取消 flag.
    """

    id: int
    code: str
    parent_id: int | None
    weight: float
    start: date | None
    due: date | None
    cancelled: bool


@dataclass(frozen=True)
class ReportIn:
    """One monthly progress report (月度填报) of a node.

    ``period`` is ``"YYYY-MM"``; ``seq`` orders submissions (larger = later, e.g. the
    row id); ``status`` is draft | submitted | approved | returned; ``progress`` in %.
    """

    node_id: int
    period: str
    seq: int
    status: str
    progress: float


@dataclass(slots=True)
class NodeOut:
    """A node after roll-up at an as-of date: effective dates, progress, expected, light.

    ``depth`` is 0 for top-level nodes. ``progress`` and ``expected`` are percentages,
    unrounded. A cancelled node still carries the progress it would roll up to, for
    display, but its parent leaves it out.
    """

    id: int
    code: str
    parent_id: int | None
    start: date
    due: date
    progress: float
    expected: float
    light: str
    is_leaf: bool
    cancelled_effective: bool
    depth: int

    @property
    def lag(self) -> float:
        """Percentage points behind the time-elapsed progress (滞后): expected − progress."""
        return self.expected - self.progress


@dataclass(frozen=True)
class Pinned:
    """What a leaf's progress source (进度来源) fixes besides its progress — contract §2.

    A leaf judged by its indicator takes the indicator's expected share as its ``expected``
    (100 · x) and the indicator's ``light``; a leaf fed by its projects fixes neither (None:
    by the node rules). Ignored on a node that has live children.
    """

    expected: float | None = None
    light: str | None = None


def natural_code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for dotted codes in numeric order: ``1 < 1.2 < 1.10 < 2``.

    Non-numeric parts (``A``, ``1a``) sort after numeric ones at the same level, by text.
    """
    return tuple((0, int(part), "") if part.isdecimal() else (1, 0, part) for part in code.strip().split("."))


def _checked_period(period: str) -> str:
    """A report period in its stored form ``YYYY-MM``; anything else raises ValueError."""
    if _PERIOD_RE.fullmatch(period) is None:
        raise ValueError(f"report period must be YYYY-MM, got {period!r}")
    return period


def clamp_progress(value: float) -> float:
    """Progress limited to 0..100 (contract: 0 ≤ p ≤ 100); NaN is refused."""
    if math.isnan(value):
        raise ValueError("progress must be a number, got NaN")
    return 0.0 if value < 0 else 100.0 if value > 100 else float(value)


def reported_periods(reports: Iterable[ReportIn]) -> dict[int, set[str]]:
    """node id → the periods (``YYYY-MM``) for which it has a counted (non-returned, non-draft) report."""
    periods: dict[int, set[str]] = {}
    for report in reports:
        if report.status in COUNTED_STATUSES:
            periods.setdefault(report.node_id, set()).add(_checked_period(report.period))
    return periods


def leaf_progress(reports: Iterable[ReportIn], as_of: date) -> dict[int, float]:
    """node id → the progress of its latest report at ``as_of`` (contract §2, leaf progress).

    The latest report is the one of the latest period not after ``as_of``'s month and,
    within that period, the last submitted (highest ``seq``; on a tie the later one in
    ``reports``). Only ``submitted`` and ``approved`` reports count: ``returned`` ones by
    the contract, and drafts because nobody has submitted them. Values are clamped to
    0..100. Nodes without such a report are absent (the roll-up reads them as 0).
    """
    cutoff = Period.of(as_of).key  # "YYYY-MM" strings order like the months they name
    best: dict[int, tuple[str, int, float]] = {}
    for report in reports:
        if report.status not in COUNTED_STATUSES:
            continue
        period = _checked_period(report.period)
        if period > cutoff:
            continue
        current = best.get(report.node_id)
        if current is None or (period, report.seq) >= current[:2]:
            best[report.node_id] = (period, report.seq, report.progress)
    return {node_id: clamp_progress(value) for node_id, (_, _, value) in best.items()}


def _rolled_up(children: Sequence[int], weights: Sequence[float], total: float, outs: Mapping[int, NodeOut]) -> float:
    """Σ wᵢ·pᵢ / Σ wᵢ, held inside [min pᵢ, max pᵢ] so float noise never leaves the children's range."""
    values = [outs[child].progress for child in children]
    value = math.fsum(map(operator.mul, weights, values)) / total
    low, high = min(values), max(values)
    return low if value < low else high if value > high else value


def _index(nodes: Sequence[NodeIn]) -> dict[int, NodeIn]:
    """The nodes by id; an id given twice is refused."""
    by_id: dict[int, NodeIn] = {node.id: node for node in nodes}
    if len(by_id) != len(nodes):
        twice = next(node_id for node_id, n in Counter(node.id for node in nodes).items() if n > 1)
        raise ValueError(f"node id {twice} appears twice")
    return by_id


def _links(nodes: Sequence[NodeIn], by_id: Mapping[int, NodeIn]) -> tuple[list[int], dict[int, list[int]]]:
    """The top-level nodes and each parent's children, in the given order; bad links and weights refused."""
    roots: list[int] = []
    children: dict[int, list[int]] = {}
    for node in nodes:
        parent_id = node.parent_id
        if parent_id is None:
            roots.append(node.id)
        elif parent_id in by_id:
            if parent_id in children:
                children[parent_id].append(node.id)
            else:
                children[parent_id] = [node.id]
        else:
            raise ValueError(f"node {node.code}: parent id {parent_id} is not in the tree")
        if not 0 <= node.weight < math.inf:  # also refuses NaN
            raise ValueError(f"node {node.code}: weight must be a finite number ≥ 0, got {node.weight}")
    return roots, children


def _walk_down(by_id: Mapping[int, NodeIn], roots: Sequence[int], children: Mapping[int, list[int]],
               plan_start: date, plan_end: date, as_of: date) -> tuple[dict[int, NodeOut], list[int]]:
    """Top-down (breadth-first) pass: effective dates, expected progress, cancellation and depth
    flow from parent to child. No recursion, so depth is unlimited. Progress and light are
    filled in bottom-up afterwards. Returns the rows and the breadth-first order."""
    expected_of: dict[tuple[date, date], float] = {}  # many nodes share inherited dates

    def expected(start: date, due: date) -> float:
        value = expected_of.get((start, due))
        if value is None:
            value = expected_of[start, due] = expected_progress(start, due, as_of)
        return value

    outs: dict[int, NodeOut] = {}
    for root in roots:
        node = by_id[root]
        start, due = node.start or plan_start, node.due or plan_end
        outs[root] = NodeOut(root, node.code, None, start, due, 0.0, expected(start, due), "", True, node.cancelled, 0)
    order = list(roots)
    make = NodeOut  # local name: this loop runs once per node
    for parent_id in order:  # the list grows while we walk it
        kids = children.get(parent_id)
        if kids is None:
            continue
        parent = outs[parent_id]
        p_start, p_due, p_expected = parent.start, parent.due, parent.expected
        p_cancelled, depth = parent.cancelled_effective, parent.depth + 1
        for kid in kids:
            node = by_id[kid]
            if node.start is None and node.due is None:  # the common case: both dates inherited
                start, due, e = p_start, p_due, p_expected
            else:
                start, due = node.start or p_start, node.due or p_due
                e = expected(start, due)
            cancelled = p_cancelled or node.cancelled
            outs[kid] = make(kid, node.code, parent_id, start, due, 0.0, e, "", True, cancelled, depth)
        order.extend(kids)
    if len(order) != len(by_id):
        stuck = sorted((by_id[i].code for i in by_id if i not in outs), key=natural_code_key)
        raise ValueError(f"the parent links of nodes {', '.join(stuck[:5])} form a cycle")
    return outs, order


def _active_groups(by_id: Mapping[int, NodeIn], children: Mapping[int, list[int]],
                   ) -> dict[int, tuple[tuple[int, ...], tuple[float, ...], float]]:
    """Each parent's children that count (not cancelled), their weights and the weights' sum."""
    active: dict[int, tuple[tuple[int, ...], tuple[float, ...], float]] = {}
    for parent_id, kids in children.items():
        counted = tuple(kid for kid in kids if not by_id[kid].cancelled)
        if not counted:
            continue  # all children cancelled: the parent is a leaf again
        weights = tuple(float(by_id[kid].weight) for kid in counted)
        total = math.fsum(weights)
        if total == 0:  # every weight 0 → equal weights
            weights = (1.0,) * len(counted)
            total = float(len(counted))
        active[parent_id] = (counted, weights, total)
    return active


class _Tree:
    """The plan tree's structure and current roll-up, shared by compute_tree and RollupState."""

    def __init__(
        self,
        nodes: Sequence[NodeIn],
        progress: Mapping[int, float],
        plan_start: date,
        plan_end: date,
        as_of: date,
        th: Thresholds,
        pinned: Mapping[int, Pinned] | None = None,
    ) -> None:
        self.as_of = as_of
        self.th = th
        self.pinned: Mapping[int, Pinned] = pinned or {}
        self.by_id = by_id = _index(nodes)
        roots, children = _links(nodes, by_id)
        outs, order = _walk_down(by_id, roots, children, plan_start, plan_end, as_of)
        self.active = _active_groups(by_id, children)
        # Bottom-up pass: reversed breadth-first order visits every child before its parent.
        self.own = {
            node_id: float(value) if 0 <= value <= 100 else clamp_progress(value)
            for node_id, value in progress.items()
            if node_id in by_id
        }
        self._roll_up(order, outs)
        # The caller's order, not the walk's.
        self.results = {node.id: outs[node.id] for node in nodes}

    def _roll_up(self, order: Sequence[int], outs: dict[int, NodeOut]) -> None:
        """Progress and light of every node, children before parents (``order`` reversed)."""
        active, own, as_of, th, pinned = self.active, self.own, self.as_of, self.th, self.pinned
        light_of = node_light
        for node_id in reversed(order):
            out = outs[node_id]
            group = active.get(node_id)
            if group is None:
                p = own.get(node_id, 0.0)
                pin = pinned.get(node_id) if pinned else None
                if pin is not None:
                    out.progress = p
                    out.light = self._pinned_light(out, pin)
                    continue
            else:
                p = _rolled_up(*group, outs)
                out.is_leaf = False
            out.progress = p
            out.light = light_of(p, out.expected, out.start, out.due, as_of, out.cancelled_effective, th)

    def _pinned_light(self, out: NodeOut, pin: Pinned) -> str:
        """A pinned leaf's light: its source's light unless cancelled, else by the node rules
        (with the source's expected progress when it fixes one)."""
        if pin.expected is not None:
            out.expected = pin.expected
        if pin.light is not None and not out.cancelled_effective:
            return pin.light
        return node_light(out.progress, out.expected, out.start, out.due, self.as_of, out.cancelled_effective,
                          self.th)

    def set_own_progress(self, node_id: int, value: float) -> list[int]:
        """Change one node's reported progress and re-roll its ancestor chain only."""
        if node_id not in self.by_id:
            raise KeyError(node_id)
        value = clamp_progress(value)
        self.own[node_id] = value
        if node_id in self.active:
            return []  # not a leaf: its own report is not shown or rolled up
        changed: list[int] = []
        th = self.th
        current, p = node_id, value
        while True:
            out = self.results[current]
            pin = self.pinned.get(current) if current == node_id else None
            if pin is not None:
                light = self._pinned_light(replace(out, progress=p), pin)
            else:
                light = node_light(p, out.expected, out.start, out.due, self.as_of, out.cancelled_effective, th)
            if p == out.progress and light == out.light:
                break  # nothing above can change either
            self.results[current] = replace(out, progress=p, light=light)
            changed.append(current)
            node = self.by_id[current]
            if node.parent_id is None or node.cancelled:
                break  # a cancelled node is left out of its parent
            current = node.parent_id
            p = _rolled_up(*self.active[current], self.results)
        return changed


def compute_tree(
    nodes: Sequence[NodeIn],
    progress: Mapping[int, float],
    plan_start: date,
    plan_end: date,
    as_of: date,
    th: Thresholds = DEFAULT_THRESHOLDS,
    pinned: Mapping[int, Pinned] | None = None,
) -> dict[int, NodeOut]:
    """Roll a plan tree up at ``as_of`` (contract §2): node id → :class:`NodeOut`.

    ``progress`` is each node's own reported progress (see :func:`leaf_progress`); only
    leaves read it, missing means 0. A parent's progress is Σ wᵢ·pᵢ / Σ wᵢ over its
    children that are not cancelled (all weights 0 → equal weights), unrounded. Cancelled
    nodes and their descendants get the light ``cancelled``. The result keeps the order of
    ``nodes``; sort by :func:`natural_code_key` of the code for the display order.

    ``pinned`` holds, for leaves whose progress source is not their reports, the expected
    progress and light that source fixes (:class:`Pinned`); their progress is in ``progress``.

    Raises ValueError on duplicate ids, unknown parents, parent cycles or bad weights.
    Iterative and linear in the number of nodes.
    """
    return _Tree(nodes, progress, plan_start, plan_end, as_of, th, pinned).results


class RollupState:
    """A computed roll-up that can take one leaf's new progress without recomputing the tree.

    ``results`` always equals a fresh :func:`compute_tree` over the same nodes and the
    progress values set so far. Meant for a cached roll-up that a submitted report updates.
    """

    def __init__(
        self,
        nodes: Sequence[NodeIn],
        progress: Mapping[int, float],
        plan_start: date,
        plan_end: date,
        as_of: date,
        th: Thresholds = DEFAULT_THRESHOLDS,
        pinned: Mapping[int, Pinned] | None = None,
    ) -> None:
        self._tree = _Tree(nodes, progress, plan_start, plan_end, as_of, th, pinned)

    @property
    def results(self) -> dict[int, NodeOut]:
        """node id → NodeOut, as compute_tree returns it."""
        return self._tree.results

    @property
    def progress(self) -> Mapping[int, float]:
        """Each node's own reported progress as currently set (clamped)."""
        return self._tree.own

    @property
    def pinned(self) -> Mapping[int, Pinned]:
        """The leaves whose progress comes from a source other than their reports."""
        return self._tree.pinned

    def set_leaf_progress(self, node_id: int, p: float) -> list[int]:
        """Set one node's own progress; returns the ids whose NodeOut changed, leaf first.

        Only the node and its ancestor chain are recomputed, each parent from its children
        (O(depth · siblings)). Setting a node that is not a leaf stores the value but changes
        nothing shown, so it returns ``[]``. Unknown ids raise KeyError.
        """
        return self._tree.set_own_progress(node_id, p)
