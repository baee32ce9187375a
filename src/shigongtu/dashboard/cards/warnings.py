"""The warnings panel: red and yellow items in scope, newest (not lit a month ago) and most severe first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.scope import UnitScope
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, MISSING_REPORT, OVERDUE, Warning
from shigongtu.plans.selectors import Rollup, warning_counts

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


def _warning_items(found: list[Warning], rollup: Rollup, scope: UnitScope, names: dict[int, str],
                   before: set[int]) -> list[WarningItem]:
    items = []
    for w in found:
        meta = rollup.meta.get(w.node_id)
        if meta is None or not scope.has(meta.lead_unit_id):
            continue
        d = w.detail or {}
        lag = d.get("lag")
        items.append(WarningItem(
            kind=w.kind, light=w.light, code=w.code, title=meta.title, lead_unit=names.get(meta.lead_unit_id or 0, ""),
            leader=meta.leader, indicator=w.indicator,
            progress=d.get("progress") if w.kind != INDICATOR_LAG else 100 * float(d.get("completion", 0)),
            expected=d.get("expected") if w.kind != INDICATOR_LAG else 100 * float(d.get("expected_share", 0)),
            lag=float(lag) if lag is not None else None, due=d.get("due"), days_overdue=d.get("days_overdue"),
            period=d.get("period"), new=w.kind in (LAG, OVERDUE) and w.node_id not in before,
        ))
    items.sort(key=lambda i: (i.light != RED, not i.new, KIND_ORDER.get(i.kind, 9), -(i.lag or 0.0), i.code))
    return items


def build(ctx: CardContext) -> dict[str, Any]:
    """The most urgent warnings and the counts of all of them, by light and by kind."""
    before: set[int] = set()
    if ctx.prev_rollup is not None:
        before = {i for i, r in ctx.prev_rollup.results.items() if r.light in (RED, YELLOW)}
    items = _warning_items(ctx.figures.warnings, ctx.rollup, ctx.scope, ctx.names, before)
    kinds = warning_counts(items)  # the same count the bulletin prints
    by_light = {light: sum(k.get(light, 0) for k in kinds.values()) for light in (RED, YELLOW)}
    return {"warnings": items[:KEPT_WARNINGS], "warning_counts": {**by_light, "total": len(items)},
            "warning_kinds": kinds}
