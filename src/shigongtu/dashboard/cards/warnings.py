"""The warnings panel: red and yellow items in scope, newest (not lit a month ago) and most severe first."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.scope import UnitScope
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, MISSING_REPORT, OVERDUE, Warning
from shigongtu.plans.selectors import NodeMeta, Rollup, warning_counts

KEPT_WARNINGS = 60  # the cached picture keeps the most urgent ones; counts cover them all
KIND_ORDER = {OVERDUE: 0, LAG: 1, INDICATOR_LAG: 2, MISSING_REPORT: 3}


@dataclass
class WarningItem:
    """A red or yellow item for the warnings panel, with who answers for it."""

    kind: str
    light: str
    code: str
    title: str
    lead_unit: str
    leader: str
    indicator: str | None
    progress: float | None
    expected: float | None
    lag: float | None
    due: str | None
    days_overdue: int | None
    period: str | None
    new: bool = False


def _item(w: Warning, meta: NodeMeta, names: dict[int, str], before: set[int] | frozenset[int]) -> WarningItem:
    d = w.detail or {}
    lag = d.get("lag")
    return WarningItem(
        kind=w.kind, light=w.light, code=w.code, title=meta.title, lead_unit=names.get(meta.lead_unit_id or 0, ""),
        leader=meta.leader, indicator=w.indicator,
        progress=d.get("progress") if w.kind != INDICATOR_LAG else 100 * float(d.get("completion", 0)),
        expected=d.get("expected") if w.kind != INDICATOR_LAG else 100 * float(d.get("expected_share", 0)),
        lag=float(lag) if lag is not None else None, due=d.get("due"), days_overdue=d.get("days_overdue"),
        period=d.get("period"), new=w.kind in (LAG, OVERDUE) and w.node_id not in before,
    )


def _urgency(i: WarningItem) -> tuple[bool, bool, int, float, str]:
    return (i.light != RED, not i.new, KIND_ORDER.get(i.kind, 9), -(i.lag or 0.0), i.code)


def _warning_items(found: list[Warning], rollup: Rollup, scope: UnitScope, names: dict[int, str],
                   before: set[int]) -> list[WarningItem]:
    items = []
    for w in found:
        meta = rollup.meta.get(w.node_id)
        if meta is None or not scope.has(meta.lead_unit_id):
            continue
        items.append(_item(w, meta, names, before))
    items.sort(key=_urgency)
    return items


@dataclass
class _Panel:
    """The warnings panel kept by the read model: each node's items (in the warnings' order), the
    nodes lit a month ago, and the roll-ups and warnings they were read from."""

    rollup: Rollup
    revision: int
    prev: Rollup | None
    prev_revision: int
    warnings: list[Warning]
    before: set[int]
    items: dict[int, list[WarningItem]]
    shown: dict[str, Any] | None = None  # the card's fields, until an item changes


def _lit(rollup: Rollup | None, ids: Iterable[int] | None = None) -> set[int]:
    if rollup is None:
        return set()
    results = rollup.results
    return {i for i in (results if ids is None else ids) if i in results and results[i].light in (RED, YELLOW)}


def _panel(plan: Plan, key: Hashable, ctx: CardContext) -> _Panel:
    before = _lit(ctx.prev_rollup)
    items: dict[int, list[WarningItem]] = {}
    meta = ctx.rollup.meta
    for w in ctx.figures.warnings:
        m = meta.get(w.node_id)
        if m is not None and ctx.scope.has(m.lead_unit_id):
            items.setdefault(w.node_id, []).append(_item(w, m, ctx.names, before))
    prev = ctx.prev_rollup
    return _Panel(ctx.rollup, ctx.rollup.revision, prev, prev.revision if prev else 0, ctx.figures.warnings,
                  before, items)


def _bring_panel(plan: Plan, key: Hashable, value: _Panel, changes: Changes, ctx: CardContext) -> _Panel | None:
    rollup, prev = ctx.rollup, ctx.prev_rollup
    changed = rollup.changed_since(value.revision) if rollup is value.rollup else None
    moved = prev.changed_since(value.prev_revision) if prev is not None and prev is value.prev else (
        set() if prev is None and value.prev is None else None)
    if changed is None or moved is None:
        return None
    for node_id in moved:
        value.before.discard(node_id)
    value.before |= _lit(prev, moved)
    found = ctx.figures.warnings
    # whose warnings may have changed: the nodes whose result changed, whose reports changed or
    # whose light a month ago changed, and the nodes of indicator warnings (old or new)
    ids = changed | moved | changes.nodes | _indicator_nodes(value.warnings) | _indicator_nodes(found)
    old = {node_id: value.items.pop(node_id) for node_id in ids if node_id in value.items}
    meta = rollup.meta
    for w in found:
        if w.node_id in ids:
            m = meta.get(w.node_id)
            if m is not None and ctx.scope.has(m.lead_unit_id):
                value.items.setdefault(w.node_id, []).append(_item(w, m, ctx.names, value.before))
    if moved or old != {node_id: value.items[node_id] for node_id in ids if node_id in value.items}:
        value.shown = None
    value.rollup, value.revision, value.warnings = rollup, rollup.revision, found
    value.prev_revision = prev.revision if prev is not None else 0
    return value


def _indicator_nodes(found: list[Warning]) -> set[int]:
    return {w.node_id for w in found if w.kind == INDICATOR_LAG}


PANELS: Memo[_Panel] = Memo("dashboard.warnings", _panel, patch=_bring_panel)


def build(ctx: CardContext) -> dict[str, Any]:
    """The most urgent warnings and the counts of all of them, by light and by kind."""
    panel = PANELS.get(ctx.plan, (ctx.as_of, ctx.scope.ids, ctx.prev_as_of), ctx)
    if panel.shown is None:
        items = [i for node_items in panel.items.values() for i in node_items]
        kinds = warning_counts(items)  # the same count the bulletin prints
        by_light = {light: sum(k.get(light, 0) for k in kinds.values()) for light in (RED, YELLOW)}
        panel.shown = {"warnings": heapq.nsmallest(KEPT_WARNINGS, items, key=_urgency),
                       "warning_counts": {**by_light, "total": len(items)}, "warning_kinds": kinds}
    return dict(panel.shown)
