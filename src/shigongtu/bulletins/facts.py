"""What a bulletin reads from the database, gathered once per build at the period's last day.

Everything comes from the same functions the API uses: the roll-up (``get_rollup``), the
indicators (``compute_indicators``) and the warnings (``compute_warnings``), plus the
period's own reports (for 存在问题, 下步计划 and the reporting record).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from shigongtu.lib.periods import Period
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Plan, Report
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import CANCELLED
from shigongtu.plans.rules.rollup import NodeOut
from shigongtu.plans.rules.warnings import Warning
from shigongtu.plans.selectors import COUNTING, NodeMeta, Rollup, compute_indicators, compute_warnings, get_rollup


@dataclass
class PeriodReport:
    """A leaf's counting report for the bulletin's month: when it first came in, and what the
    last one says about problems and next steps."""

    first_submitted: dt.date | None
    problems: str
    next_steps: str


@dataclass
class Facts:
    plan: Plan
    period: Period
    as_of: dt.date
    rollup: Rollup
    indicators: list[IndicatorOut]
    indicator_rows: dict[int, Indicator]
    warnings: list[Warning]
    unit_names: dict[int, str]
    reports: dict[int, PeriodReport] = field(default_factory=dict)

    @classmethod
    def gather(cls, plan: Plan, period: Period) -> Facts:
        as_of = period.last_day
        rollup = get_rollup(plan, as_of)
        indicators = compute_indicators(plan, as_of)
        warnings = compute_warnings(plan, as_of, rollup, indicators)
        unit_ids = {m.lead_unit_id for m in rollup.meta.values() if m.lead_unit_id}
        names = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("id", "name"))
        rows = {i.pk: i for i in Indicator.objects.filter(plan=plan)}
        return cls(plan, period, as_of, rollup, indicators, rows, warnings, names, period_reports(plan, period))

    # -- lookups ------------------------------------------------------------------------------
    def meta(self, node_id: int) -> NodeMeta:
        return self.rollup.meta[node_id]

    def result(self, node_id: int) -> NodeOut:
        return self.rollup.results[node_id]  # type: ignore[no-any-return]

    def unit(self, node_id: int) -> str:
        lead = self.rollup.meta[node_id].lead_unit_id
        return self.unit_names.get(lead, "") if lead else ""

    def fronts(self) -> list[int]:
        return list(self.rollup.children().get(None, []))

    def live(self, node_id: int) -> bool:
        return self.result(node_id).light != CANCELLED

    def leaves_under(self, node_id: int) -> list[int]:
        """The live leaves (末级任务) at or below a node, in code order."""
        kids = self.rollup.children()
        out: list[int] = []
        stack = [node_id]
        while stack:
            current = stack.pop()
            children = kids.get(current, [])
            if not children or self.result(current).is_leaf:
                if self.live(current):
                    out.append(current)
                continue
            stack.extend(reversed(children))
        return out

    def front_of(self) -> dict[int, int]:
        """Node id → the id of its front (top-level ancestor)."""
        by_code = {m.code: i for i, m in self.rollup.meta.items()}
        out = {}
        for node_id, meta in self.rollup.meta.items():
            out[node_id] = by_code.get(meta.code.split(".", 1)[0], node_id)
        return out

    def deadline(self) -> dt.date:
        """The day the period's reports are due (Plan.report_deadline_day of the next month)."""
        nxt = self.period.next()
        return dt.date(nxt.year, nxt.month, min(self.plan.report_deadline_day, nxt.last_day.day))


def period_reports(plan: Plan, period: Period) -> dict[int, PeriodReport]:
    """Per node, its counting reports for ``period``: the first submission day (local date) and
    the latest report's problems and next steps."""
    first: dict[int, dt.date | None] = {}
    latest: dict[int, tuple[tuple[int, int], str, str]] = {}
    rows = Report.objects.filter(node__plan=plan, period=period.key, status__in=COUNTING).values_list(
        "id", "node_id", "submitted_seq", "submitted_at", "problems", "next_steps")
    seen: dict[int, list[dt.date | None]] = defaultdict(list)
    for rid, node_id, seq, submitted_at, problems, next_steps in rows.iterator(2000):
        day = timezone.localtime(submitted_at).date() if submitted_at else None
        seen[node_id].append(day)
        if node_id not in latest or (seq, rid) > latest[node_id][0]:
            latest[node_id] = ((seq, rid), problems or "", next_steps or "")
    for node_id, days in seen.items():
        known = [d for d in days if d is not None]
        first[node_id] = min(known) if known else None
    return {node_id: PeriodReport(first[node_id], latest[node_id][1].strip(), latest[node_id][2].strip())
            for node_id in latest}


def plain(value: Any) -> Any:
    """Dates as ISO text, for figures that end up in JSON."""
    return value.isoformat() if isinstance(value, dt.date) else value
