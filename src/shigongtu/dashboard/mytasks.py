"""A reporter's workspace ("my tasks", 我的任务): per plan, what the user must report this month,
what was returned to them, their drafts, and the projects whose monthly investment is due.

"This month's report" is the report for the last complete month at the plan's default date
(contract §2's m): in July it is June's, due by the plan's deadline day (default the 5th).
A node is due when it is a leaf led within one of the user's reporter units, not done or
cancelled, started by the end of that month and without a submitted or approved report for it.
Coordinators see how many reports wait for their review instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from shigongtu.lib.periods import Period, last_complete_month
from shigongtu.orgs.access import MANAGING_ROLES, VIEW, Scope
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan, Report
from shigongtu.plans.rules.lights import DONE
from shigongtu.plans.selectors import COUNTING, default_as_of, get_rollup, reported_periods
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.rules.stages import CLOSED

MAX_PLANS = 20
MAX_ROWS = 200


@dataclass
class DueNode:
    code: str
    title: str
    lead_unit: str
    leader: str
    due: dt.date
    progress: float
    light: str


@dataclass
class ReportRow:
    id: int
    code: str
    title: str
    period: str
    progress: float
    reason: str
    when: dt.datetime | None


@dataclass
class DueProject:
    code: str
    name: str
    lead_unit: str
    stage: str
    returned_reason: str = ""
    period: str = ""  # the month of a returned report: "修改" opens that month, not the current one


@dataclass
class PlanTasks:
    """One plan's share of the user's work."""

    code: str
    name: str
    period: Period | None
    deadline: dt.date | None
    late: bool
    due: list[DueNode] = field(default_factory=list)
    expected: int = 0
    filed: int = 0
    returned: list[ReportRow] = field(default_factory=list)
    drafts: list[ReportRow] = field(default_factory=list)
    projects_due: list[DueProject] = field(default_factory=list)
    projects_returned: list[DueProject] = field(default_factory=list)
    review_waiting: int | None = None  # submitted reports waiting for the user's review (coordinators)

    @property
    def empty(self) -> bool:
        return not (self.due or self.returned or self.drafts or self.projects_due or self.projects_returned
                    or self.review_waiting)

    @property
    def filed_pct(self) -> float | None:
        return 100 * self.filed / self.expected if self.expected else None


def deadline_of(plan: Plan, period: Period) -> dt.date:
    following = period.next()
    return following.first_day.replace(day=min(plan.report_deadline_day, following.last_day.day))


def my_tasks(user: Any, today: dt.date) -> list[PlanTasks]:
    """The user's tasks in every open plan they can see, plans with work first."""
    scope = Scope.of(user)
    reporter_paths = [g.path for g in scope.grants if g.role == "reporter"]
    managed = set(Plan.objects.for_user(user, "manage").values_list("pk", flat=True)) if (
        scope.superuser or any(g.role in MANAGING_ROLES for g in scope.grants)) else set()
    unit_q = Q(pk__in=[])
    for path in reporter_paths:
        unit_q |= Q(path__startswith=path)
    unit_ids = set(OrgUnit.objects.filter(unit_q).values_list("pk", flat=True)) if reporter_paths else set()
    plans = Plan.objects.for_user(user, VIEW).exclude(status=Plan.Status.CLOSED)
    if not scope.superuser:
        plans = plans.filter(Q(pk__in=managed)
                             | Q(pk__in=Node.objects.filter(lead_unit__in=unit_ids).values("plan_id"))
                             | Q(pk__in=Project.objects.filter(lead_unit__in=unit_ids).values("plan_id")))
    out = [_plan_tasks(plan, today, unit_ids, plan.pk in managed)
           for plan in plans.order_by("-year", "code")[:MAX_PLANS]]
    out.sort(key=lambda t: t.empty)
    return out


def _plan_tasks(plan: Plan, today: dt.date, unit_ids: set[int], manages: bool) -> PlanTasks:
    today = plan.default_as_of or today  # a plan shown at a set date (the demo's 2023-06-30) runs on that clock
    as_of = default_as_of(plan, today)
    month = last_complete_month(as_of, plan.year)
    period = Period(plan.year, month) if month else None
    deadline = deadline_of(plan, period) if period else None
    tasks = PlanTasks(plan.code, plan.name, period, deadline, bool(deadline and today > deadline))
    if manages:
        tasks.review_waiting = Report.objects.filter(node__plan=plan, status=Report.Status.SUBMITTED).count()
    if not unit_ids:
        return tasks
    if period is not None:
        rollup = get_rollup(plan, as_of)
        filed = reported_periods(plan, period.key)
        mine = [i for i in rollup.order if rollup.meta[i].lead_unit_id in unit_ids]
        names = dict(OrgUnit.objects.filter(pk__in={rollup.meta[i].lead_unit_id for i in mine}).values_list(
            "pk", "name"))
        for node_id in mine:
            res, meta = rollup.results[node_id], rollup.meta[node_id]
            if not res.is_leaf or res.cancelled_effective or res.start > period.last_day:
                continue
            has = bool(filed.get(node_id))
            if res.light == DONE and not has:
                continue
            tasks.expected += 1
            tasks.filed += has
            if not has and len(tasks.due) < MAX_ROWS:
                tasks.due.append(DueNode(meta.code, meta.title, names.get(meta.lead_unit_id or 0, ""), meta.leader,
                                         res.due, res.progress, res.light))
    mine_q = Q(node__plan=plan, node__lead_unit__in=unit_ids)
    returned = list(Report.objects.filter(mine_q, status=Report.Status.RETURNED).select_related("node")
                    .order_by("-reviewed_at", "-id")[:MAX_ROWS])
    if returned:
        fixed = set(Report.objects.filter(mine_q, status__in=(*COUNTING, Report.Status.DRAFT),
                                          period__in={r.period for r in returned})
                    .values_list("node_id", "period"))
        tasks.returned = [ReportRow(r.pk, r.node.code, r.node.title, r.period, float(r.progress), r.return_reason,
                                    r.reviewed_at) for r in returned if (r.node_id, r.period) not in fixed]
        if period is not None:  # a returned report of this month is listed once, under "returned"
            again = {r.code for r in tasks.returned if r.period == period.key}
            tasks.due = [n for n in tasks.due if n.code not in again]
    tasks.drafts = [ReportRow(r.pk, r.node.code, r.node.title, r.period, float(r.progress), "", r.created_at)
                    for r in Report.objects.filter(mine_q, status=Report.Status.DRAFT).select_related("node")
                    .order_by("-created_at", "-id")[:MAX_ROWS]]
    if period is not None:
        projects = (Project.objects.filter(plan=plan, lead_unit__in=unit_ids, actual_start__isnull=False,
                                           actual_start__lte=period.last_day)
                    .exclude(stage__in=CLOSED))
        reported = InvestmentReport.objects.filter(plan=plan, period=period.key).exclude(
            status=InvestmentReport.Status.DRAFT)
        tasks.projects_due = [DueProject(code, name, unit or "", stage) for code, name, unit, stage in
                              projects.exclude(pk__in=reported.values("project_id")).order_by("code")
                              .values_list("code", "name", "lead_unit__name", "stage")[:MAX_ROWS]]
        tasks.projects_returned = [
            DueProject(code, name, unit or "", stage, reason, period) for code, name, unit, stage, reason, period in
            InvestmentReport.objects.filter(plan=plan, project__lead_unit__in=unit_ids,
                                            status=InvestmentReport.Status.RETURNED)
            .order_by("project__code").values_list("project__code", "project__name", "project__lead_unit__name",
                                                   "project__stage", "return_reason", "period")[:MAX_ROWS]]
    return tasks

