"""The department ranking (部门排名): lead units by 按时报送率, then completion, then fewest reds,
with last month's figures beside."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.scope import UnitScope
from shigongtu.lib.periods import Period
from shigongtu.plans.figures import reporting_tallies
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.rules.rollup import NodeOut
from shigongtu.plans.selectors import Rollup


@dataclass
class RankRow:
    """A lead unit (牵头单位) in the department ranking, with last month's figures beside."""

    unit_id: int
    name: str
    tasks: int = 0
    expected_reports: int = 0
    reported: int = 0         # filed at all
    on_time_reports: int = 0  # filed by the deadline (按时报送)
    progress_sum: float = 0.0
    reds: int = 0
    yellows: int = 0
    rank: int = 0
    prev: RankRow | None = None

    @property
    def on_time(self) -> float | None:
        """按时报送率: leaves that filed the last due month's report by its deadline, of those that had
        to (percent) — ``plans.selectors.reporting_record``, the figure the bulletin prints."""
        return 100 * self.on_time_reports / self.expected_reports if self.expected_reports else None

    @property
    def completion(self) -> float | None:
        """完成率: the average progress of the unit's active leaf tasks (percent)."""
        return self.progress_sum / self.tasks if self.tasks else None

    @property
    def on_time_change(self) -> float | None:
        if self.prev is None or self.prev.on_time is None or self.on_time is None:
            return None
        return self.on_time - self.prev.on_time

    @property
    def completion_change(self) -> float | None:
        if self.prev is None or self.prev.completion is None or self.completion is None:
            return None
        return self.completion - self.prev.completion

    @property
    def reds_change(self) -> int | None:
        return None if self.prev is None else self.reds - self.prev.reds

    @property
    def rank_change(self) -> int | None:
        """Places gained (+) or lost (−) since last month."""
        return None if self.prev is None or not self.prev.rank else self.prev.rank - self.rank


def reporting_period(plan: Plan, as_of: dt.date) -> Period | None:
    """The last month whose report deadline (plan setting, day D of the next month) has passed at as-of."""
    period = Period.of(as_of).prev() if as_of.day > plan.report_deadline_day else Period.of(as_of).shift(-2)
    return period if period.year == plan.year else None


@dataclass
class _Units:
    """Per lead unit in scope: its nodes (in the roll-up's meta order) and (reds, yellows, leaf tasks,
    Σ leaf progress) — kept by the read model, re-summed only for the units whose nodes changed."""

    rollup: Rollup
    revision: int
    members: dict[int, list[int]]
    tallies: dict[int, tuple[int, int, int, float]]


def _tally(rollup: Rollup, node_ids: list[int]) -> tuple[int, int, int, float]:
    reds = yellows = tasks = 0
    progress = 0.0
    results = rollup.results
    for node_id in node_ids:
        res: NodeOut = results[node_id]
        if res.light == RED:
            reds += 1
        elif res.light == YELLOW:
            yellows += 1
        if not res.is_leaf or res.cancelled_effective:
            continue
        tasks += 1
        progress += res.progress
    return reds, yellows, tasks, progress


def _units(plan: Plan, key: Hashable, rollup: Rollup, scope: UnitScope) -> _Units:
    members: dict[int, list[int]] = {}
    for node_id, meta in rollup.meta.items():
        uid = meta.lead_unit_id
        if uid is not None and scope.has(uid):
            members.setdefault(uid, []).append(node_id)
    return _Units(rollup, rollup.revision, members, {uid: _tally(rollup, ids) for uid, ids in members.items()})


def _bring_units(plan: Plan, key: Hashable, value: _Units, changes: Changes, rollup: Rollup,
                 scope: UnitScope) -> _Units | None:
    changed = rollup.changed_since(value.revision) if rollup is value.rollup else None
    if changed is None:
        return None
    for uid in {rollup.meta[i].lead_unit_id for i in changed if i in rollup.meta}:
        if uid in value.members:
            value.tallies[uid] = _tally(rollup, value.members[uid])
    value.revision = rollup.revision
    return value


UNITS: Memo[_Units] = Memo("dashboard.ranking_units", _units, patch=_bring_units)


def ranking(plan: Plan, as_of: dt.date, rollup: Rollup, scope: UnitScope,
            names: dict[int, str]) -> tuple[list[RankRow], Period | None]:
    """Lead units ranked by on-time reporting, then completion, then fewest reds."""
    period = reporting_period(plan, as_of)
    units = UNITS.get(plan, (as_of, scope.ids), rollup, scope)
    rows: dict[int, RankRow] = {}
    for uid, (reds, yellows, tasks, progress) in units.tallies.items():
        rows[uid] = RankRow(uid, names.get(uid, ""), tasks=tasks, progress_sum=progress, reds=reds, yellows=yellows)
    for unit, (expected, filed, on_time) in (reporting_tallies(plan, period).items() if period is not None else ()):
        ranked = rows.get(unit or 0)
        if ranked is not None:
            ranked.expected_reports += expected
            ranked.reported += filed
            ranked.on_time_reports += on_time
    ordered = sorted(rows.values(), key=lambda r: (
        -(r.on_time if r.on_time is not None else -1), -(r.completion or 0.0), r.reds, r.name))
    for i, row in enumerate(ordered, start=1):
        row.rank = i
    return ordered, period


def build(ctx: CardContext) -> dict[str, Any]:
    """The ranking at as-of, each row beside its own a month earlier."""
    rows, period = ranking(ctx.plan, ctx.as_of, ctx.rollup, ctx.scope, ctx.names)
    if ctx.prev_rollup is not None and ctx.prev_as_of is not None:
        prev_rows, _ = ranking(ctx.plan, ctx.prev_as_of, ctx.prev_rollup, ctx.scope, ctx.names)
        by_unit = {r.unit_id: r for r in prev_rows}
        for ranked in rows:
            ranked.prev = by_unit.get(ranked.unit_id)
    return {"ranking": rows, "ranking_period": period.key if period else None}
