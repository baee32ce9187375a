"""What a bulletin reads from the database, gathered once per build at the period's last day.

Everything comes from the plans' read model (``month_figures``: the roll-up, the indicators,
the warnings and the reporting record the dashboard prints too), the project library's part
(:mod:`.projects_part`), plus the period's own reports (for 存在问题 and 下步计划).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from shigongtu.bulletins.projects_part import ProjectsPart
from shigongtu.bulletins.projects_part import build as build_projects
from shigongtu.lib.periods import Period
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Plan, Report
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import CANCELLED
from shigongtu.plans.rules.rollup import NodeOut
from shigongtu.plans.rules.warnings import Warning
from shigongtu.plans.selectors import (
    COUNTING,
    MonthFigures,
    NodeMeta,
    ReportingRecord,
    Rollup,
    live_leaves_under,
    month_figures,
    reporting_deadline,
)


@dataclass
class PeriodReport:
    """What a node's last counting report for the bulletin's month says about problems and next steps."""

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
    figures: MonthFigures
    reporting: ReportingRecord
    projects: ProjectsPart | None
    reports: dict[int, PeriodReport] = field(default_factory=dict)

    @classmethod
    def gather(cls, plan: Plan, period: Period) -> Facts:
        as_of = period.last_day
        figures = month_figures(plan, as_of)
        rollup = figures.rollup
        unit_ids = {m.lead_unit_id for m in rollup.meta.values() if m.lead_unit_id}
        names = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("id", "name"))
        rows = {i.pk: i for i in figures.indicators}
        return cls(plan, period, as_of, rollup, figures.judged, rows, figures.warnings, names, figures,
                   figures.reporting(period), build_projects(plan, as_of), period_reports(plan, period))

    # -- lookups ------------------------------------------------------------------------------
    def meta(self, node_id: int) -> NodeMeta:
        return self.rollup.meta[node_id]

    def result(self, node_id: int) -> NodeOut:
        return self.rollup.results[node_id]

    def unit(self, node_id: int) -> str:
        lead = self.rollup.meta[node_id].lead_unit_id
        return self.unit_names.get(lead, "") if lead else ""

    def fronts(self) -> list[int]:
        return list(self.rollup.children().get(None, []))

    def live(self, node_id: int) -> bool:
        return self.result(node_id).light != CANCELLED

    def leaves_under(self, node_id: int) -> list[int]:
        """The live leaves (末级任务) at or below a node, in code order."""
        return live_leaves_under(self.rollup, node_id)

    def front_of(self) -> dict[int, int]:
        """Node id → the id of its front (top-level ancestor)."""
        by_code = {m.code: i for i, m in self.rollup.meta.items()}
        out = {}
        for node_id, meta in self.rollup.meta.items():
            out[node_id] = by_code.get(meta.code.split(".", 1)[0], node_id)
        return out

    def deadline(self) -> dt.date:
        """The day the period's reports are due (Plan.report_deadline_day of the next month)."""
        return reporting_deadline(self.plan, self.period)


def period_reports(plan: Plan, period: Period) -> dict[int, PeriodReport]:
    """Per node, what its latest counting report for ``period`` says (problems, next steps)."""
    latest: dict[int, tuple[tuple[int, int], str, str]] = {}
    rows = Report.objects.filter(node__plan=plan, period=period.key, status__in=COUNTING).values_list(
        "id", "node_id", "submitted_seq", "problems", "next_steps")
    for rid, node_id, seq, problems, next_steps in rows.iterator(2000):
        if node_id not in latest or (seq, rid) > latest[node_id][0]:
            latest[node_id] = ((seq, rid), problems or "", next_steps or "")
    return {node_id: PeriodReport(text.strip(), steps.strip()) for node_id, (_, text, steps) in latest.items()}


def plain(value: Any) -> Any:
    """Dates as ISO text, for figures that end up in JSON."""
    return value.isoformat() if isinstance(value, dt.date) else value
