"""Writes to the monthly investment reports (月度投资): filing (业主填报) and the review chain
(责任单位已审 → 调度办已核, or 退回), and the projects' year-to-date figures (本年累计) they feed.

A report is keyed by project and month; its figures are read by
:func:`shigongtu.projects.fields.clean_investment`, the same reader the investment ledger uses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import INVESTMENT
from shigongtu.plans.services import actor_name, bump_revision, refuse_own_work
from shigongtu.projects import totals
from shigongtu.projects.fields import clean_investment
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.access import lock, open_plan, require_project

Status = InvestmentReport.Status
REPORT_FIELDS = ("amount", "stats_amount", "funds_arrived", "progress_text", "progress_pct", "next_steps", "status")


def refresh_totals(project_ids: Iterable[int]) -> None:
    """Recompute the projects' year-to-date figures (本年累计) from their counting reports: per
    few thousand projects, one UPDATE from the grouped sums and one for those left with none."""
    ids = sorted(set(project_ids))
    project, report = Project._meta, InvestmentReport._meta
    q = connection.ops.quote_name
    counting = list(InvestmentReport.COUNTING)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        marks = ", ".join(["%s"] * len(chunk))
        # Names come from the models; every value is a parameter.
        sql = (f"UPDATE {q(project.db_table)} SET ytd_investment = t.a, ytd_stats_investment = t.s, "  # noqa: S608
               f"last_period = t.last FROM (SELECT project_id, COALESCE(SUM(amount), 0) AS a, "
               f"COALESCE(SUM(stats_amount), 0) AS s, MAX(period) AS last FROM {q(report.db_table)} "
               f"WHERE status IN (%s, %s, %s) AND project_id IN ({marks}) GROUP BY project_id) AS t "
               f"WHERE {q(project.db_table)}.id = t.project_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*counting, *chunk])
        reported = InvestmentReport.objects.filter(project=OuterRef("pk"), status__in=counting)
        Project.objects.filter(pk__in=chunk).filter(~Exists(reported)).update(
            ytd_investment=Decimal(0), ytd_stats_investment=Decimal(0), last_period="")


def counted_by_period(project_ids: Iterable[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Per project, period → the amount its counting report holds (for year-to-date checks)."""
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pid, period, amount in InvestmentReport.objects.filter(
        project_id__in=list(project_ids), status__in=InvestmentReport.COUNTING, period__startswith=f"{year:04d}-"
    ).values_list("project_id", "period", "amount"):
        out[pid][period] = amount
    return out


def _finish(plan: Plan, project: Project, report: InvestmentReport, before: totals.Counted | None,
            item: dict[str, Any], user: Any) -> None:
    """After one report is saved: the project's 本年累计, its month's plan-wide sums (adjusted by the
    report's difference), the history, the revision (journalled as this project's investment)."""
    refresh_totals([project.pk])
    totals.adjust(plan.pk, report.period, before, _counted(report, project))
    audit.record_many([item], actor_name(user))
    bump_revision(plan, projects=[project.pk], aspect=INVESTMENT)


def _counted(report: InvestmentReport | None, project: Project) -> totals.Counted | None:
    if report is None:
        return None
    return totals.Counted.of(report.status, report.amount, report.stats_amount, project.stage)


def _save(report: InvestmentReport) -> None:
    setattr(report, totals.KEPT, True)  # _finish adjusts the month's sums itself
    report.save()


def _item(action: str, report: InvestmentReport, project: Project, changes: dict[str, Any],
          plan: Plan) -> dict[str, Any]:
    return {"action": action, "object_type": "investment", "object_id": report.pk, "plan_code": plan.code,
            "label": f"{project.code} {project.name} · {report.period}", "changes": changes}


@transaction.atomic
def submit_investment(project: Project, data: Mapping[str, Any], user: Any = None, *, submit: bool = True,
                      expected_version: int | None = None, today: dt.date | None = None) -> InvestmentReport:
    """File the month's investment report for a project (业主填报), or save it as a draft.

    ``data`` holds period, amount and optionally stats_amount, funds_arrived, progress_text,
    progress_pct, next_steps and ytd (checked, not stored). The same month filed again
    replaces the figures while the report is a draft, returned or not yet reviewed; once a
    reviewer has passed it only a coordinator may change it.
    """
    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, REPORT)
    plan = open_plan(project.plan)
    earlier = counted_by_period([project.pk], plan.year).get(project.pk, {})
    clean, problems = clean_investment(plan, project, data, today=today, earlier=earlier)
    if problems:
        raise InputRejected(problems)
    report = InvestmentReport.objects.select_for_update().filter(project=project, period=clean["period"]).first()
    if report is not None:
        if expected_version is not None and report.version != expected_version:
            raise Conflict(f"{project.code} {report.period} 月度投资", report.version)
        reviewed = report.status in (Status.UNIT_APPROVED, Status.ACCEPTED)
        if reviewed and user is not None and not Project.objects.for_user(user, MANAGE).filter(pk=project.pk).exists():
            raise InputRejected("该月报已通过审核，不能再修改；如需更正请联系调度办退回", field="period",
                                value=clean["period"])
    created = report is None
    old = None if created else {f: getattr(report, f) for f in REPORT_FIELDS}
    before = _counted(report, project)
    report = report or InvestmentReport(plan=plan, project=project, period=clean["period"])
    for key, value in clean.items():
        setattr(report, key, value)
    report.status = Status.SUBMITTED if submit else Status.DRAFT
    report.return_reason = ""
    if submit:
        report.submitted_at = timezone.now()
        report.submitted_by = user if getattr(user, "pk", None) else None
    if not created:
        report.version += 1
    _save(report)
    changes = audit.diff(old, {f: getattr(report, f) for f in REPORT_FIELDS})
    _finish(plan, project, report, before, _item("submit" if submit else "draft", report, project, changes, plan),
            user)
    return report


@transaction.atomic
def review_investment(report: InvestmentReport, approve: bool, user: Any = None, reason: str = "",
                      expected_version: int | None = None) -> InvestmentReport:
    """Pass a report to the next step of its review chain, or return it with a reason (退回).

    A reported month (业主已报) is reviewed by the lead unit (责任单位已审: the report right
    on the project) and then accepted by the coordination office (调度办已核: the manage
    right); a coordinator approving a reported month accepts it at once.
    """
    # Locks in the order submit_investment takes them (project, then report), so a submit and
    # a review of the same report queue behind each other instead of deadlocking.
    project = lock(report.project)
    report = InvestmentReport.objects.select_for_update().select_related("project", "plan").get(pk=report.pk)
    plan = report.plan
    if expected_version is not None and report.version != expected_version:
        raise Conflict(f"{project.code} {report.period} 月度投资", report.version)
    require_project(user, project, REPORT)
    manager = user is None or Project.objects.for_user(user, MANAGE).filter(pk=project.pk).exists()
    if report.status not in (Status.SUBMITTED, Status.UNIT_APPROVED):
        raise InputRejected(f"「{report.get_status_display()}」的月报不在审核中", field="status", value=report.status)
    if report.status == Status.UNIT_APPROVED and not manager:
        raise NotAllowed("only the coordination office reviews after the lead unit")
    if not approve and not reason.strip():
        raise InputRejected("退回时请填写原因", field="reason", value=reason)
    if approve:
        refuse_own_work(user, report.submitted_by_id)
    old, before = report.status, _counted(report, project)
    now, who = timezone.now(), user if getattr(user, "pk", None) else None
    if not approve:
        report.status, report.return_reason = Status.RETURNED, reason.strip()
    elif manager:
        report.status, report.accepted_at, report.accepted_by = Status.ACCEPTED, now, who
    else:
        report.status, report.unit_reviewed_at, report.unit_reviewed_by = Status.UNIT_APPROVED, now, who
    report.version += 1
    _save(report)
    changes: dict[str, Any] = {"status": [old, report.status]}
    if not approve:
        changes["return_reason"] = ["", report.return_reason]
    _finish(plan, project, report, before, _item("approve" if approve else "return", report, project, changes, plan),
            user)
    return report
