"""The department ranking (部门排名): lead units by 按时报送率, then completion, then fewest reds,
with last month's figures beside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.scope import UnitScope
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Plan
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.rules.rollup import NodeOut
from shigongtu.plans.selectors import MISSING, ON_TIME, Rollup, reporting_record


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


def ranking(plan: Plan, as_of: dt.date, rollup: Rollup, scope: UnitScope,
            names: dict[int, str]) -> tuple[list[RankRow], Period | None]:
    """Lead units ranked by on-time reporting, then completion, then fewest reds."""
    period = reporting_period(plan, as_of)
    rows: dict[int, RankRow] = {}
    for node_id, meta in rollup.meta.items():
        uid = meta.lead_unit_id
        if uid is None or not scope.has(uid):
            continue
        row = rows.get(uid)
        if row is None:
            row = rows[uid] = RankRow(uid, names.get(uid, ""))
        res: NodeOut = rollup.results[node_id]
        if res.light == RED:
            row.reds += 1
        elif res.light == YELLOW:
            row.yellows += 1
        if not res.is_leaf or res.cancelled_effective:
            continue
        row.tasks += 1
        row.progress_sum += res.progress
    for filing in reporting_record(plan, period).filings if period is not None else ():
        ranked = rows.get(filing.lead_unit_id or 0)
        if ranked is not None:
            ranked.expected_reports += 1
            ranked.reported += filing.status != MISSING
            ranked.on_time_reports += filing.status == ON_TIME
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
