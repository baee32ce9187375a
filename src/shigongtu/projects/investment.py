"""Monthly investment reports (月度投资): filing, the review chain, and the investment ledger's rows.

A report is keyed by project and month. Its figures are checked the same way whether they
come from the API, the report form or a ledger row: amounts ≥ 0 in 万元, the month inside
the plan year and not in the future, an optional year-to-date figure (本年累计完成投资) equal
to the sum of the monthly ones, image progress 0–100 %.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.amounts import parse_amount, parse_percent
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed, in_english, shown
from shigongtu.lib.periods import Period, parse_period
from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects import rules, totals
from shigongtu.projects.models import InvestmentReport, Project

Status = InvestmentReport.Status

# name → canonical ledger header (contract §3's investment ledger, plus optional extras).
INVESTMENT_HEADERS = {
    "project": "项目编号",
    "period": "填报月份",
    "amount": "本月完成投资",
    "stats_amount": "统计口径完成投资",
    "funds_arrived": "本月到位资金",
    "progress_text": "形象进度",
    "progress_pct": "形象进度百分比",
    "next_steps": "下一步计划",
    "ytd": "本年累计完成投资",
}
BY_HEADER = {header: name for name, header in INVESTMENT_HEADERS.items()}
REPORT_FIELDS = ("amount", "stats_amount", "funds_arrived", "progress_text", "progress_pct", "next_steps", "status")
TOLERANCE = Decimal("0.01")  # 万元: one hundred 元, below what a ledger rounds to


def _problem(name: str, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one figure: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=name, column=INVESTMENT_HEADERS[name], value=None if raw is None else shown(raw),
                   message_en=en)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


@functools.lru_cache(maxsize=8)
def _month_of(day: dt.date) -> Period:
    return Period.of(day)


def clean_investment(plan: Plan, project: Project | None, data: Mapping[str, Any], *, today: dt.date,
                     earlier: Mapping[str, Decimal] | None = None,
                     header_units: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Read one month's figures (keyed by name or canonical header) for ``project``.

    ``earlier`` maps each period of the plan year to the amount already counted for this
    project (other reports, earlier rows of the same file), for the year-to-date check.
    """
    values = {BY_HEADER.get(k, k): v for k, v in data.items()}
    units = {BY_HEADER.get(k, k): v for k, v in (header_units or {}).items()}
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    raw = values.get("period")
    try:
        period = parse_period(raw)
        if period.year != plan.year:
            problems.append(_problem("period", raw, f"填报月份{period.label_zh}不在施工图年度{plan.year}年内",
                                     f"month {period.key} is outside the plan year {plan.year}"))
        elif period > _month_of(today):
            problems.append(_problem("period", raw, f"填报月份{period.label_zh}还没到，不能填报以后月份的数",
                                     f"month {period.key} has not come yet; later months cannot be reported"))
        clean["period"] = period.key
    except ValueError as exc:
        if _blank(raw):
            problems.append(_problem("period", raw, "缺少填报月份", "missing month"))
        else:
            problems.append(_problem("period", raw, f"填报月份：{exc}", in_english(exc)))
    for name in ("amount", "stats_amount", "funds_arrived", "ytd"):
        if name not in values:
            continue
        raw = values[name]
        if _blank(raw):
            if name == "amount":
                problems.append(_problem(name, raw, "缺少本月完成投资", "missing investment this month"))
            clean[name] = None
            continue
        try:
            clean[name] = parse_amount(raw, "万元", header_unit=units.get(name))
        except ValueError as exc:
            problems.append(_problem(name, raw, str(exc), in_english(exc)))
    if "amount" not in values:
        problems.append(_problem("amount", None, "缺少本月完成投资", "missing investment this month"))
    if "progress_pct" in values and not _blank(values["progress_pct"]):
        clean["progress_pct"] = _percent(values["progress_pct"], problems)
    for name in ("progress_text", "next_steps"):
        if name in values:
            clean[name] = "" if _blank(values[name]) else str(values[name]).strip()
    text = clean.get("progress_text", "")
    if text and "progress_pct" not in clean and text.rstrip("%％").replace(".", "", 1).isdigit():
        clean["progress_pct"] = _percent(text, problems)  # 形象进度 given as a bare percentage
    if project is not None and project.stage in rules.CLOSED:
        problems.append(FieldError(f"项目已{project.stage}，不再填报投资", field="project", column="项目编号",
                                value=project.code,
                                message_en=f"the project is {project.stage} and reports no more investment"))
    ytd = clean.pop("ytd", None)
    if ytd is not None and clean.get("amount") is not None and "period" in clean:
        before = sum((v for p, v in (earlier or {}).items() if p < clean["period"]), Decimal(0))
        if abs(before + clean["amount"] - ytd) > TOLERANCE:
            problems.append(_problem("ytd", values["ytd"],
                                     f"本年累计完成投资{ytd}万元与各月之和{before + clean['amount']}万元不符",
                                     f"investment this year to date, {ytd} (10k yuan), differs from the sum "
                                     f"of the months, {before + clean['amount']}"))
    return clean, problems


def _percent(raw: Any, problems: list[FieldError]) -> Decimal | None:
    try:
        pct = parse_percent(raw)
    except ValueError as exc:
        problems.append(_problem("progress_pct", raw, str(exc), in_english(exc)))
        return None
    if not 0 <= pct <= 100:
        problems.append(_problem("progress_pct", raw, "形象进度应在0到100%之间",
                                 "physical progress must be between 0 and 100%"))
        return None
    return pct


def counted_by_period(project_ids: Iterable[int], year: int) -> dict[int, dict[str, Decimal]]:
    """Per project, period → the amount its counting report holds (for year-to-date checks)."""
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for pid, period, amount in InvestmentReport.objects.filter(
        project_id__in=list(project_ids), status__in=InvestmentReport.COUNTING, period__startswith=f"{year:04d}-"
    ).values_list("project_id", "period", "amount"):
        out[pid][period] = amount
    return out


def _finish(plan: Plan, project_ids: Iterable[int], items: list[dict[str, Any]], user: Any,
            periods: Iterable[str]) -> None:
    from shigongtu.projects.services import refresh_totals

    refresh_totals(project_ids)
    totals.invalidate(plan.pk, periods)
    if items:
        audit.record_many(items, actor_name(user))
    bump_revision(plan)


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
    from shigongtu.projects.services import lock, open_plan, require_project

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
    report.save()
    changes = audit.diff(old, {f: getattr(report, f) for f in REPORT_FIELDS})
    _finish(plan, [project.pk], [_item("submit" if submit else "draft", report, project, changes, plan)], user,
            [report.period])
    return report


@transaction.atomic
def review_investment(report: InvestmentReport, approve: bool, user: Any = None, reason: str = "",
                      expected_version: int | None = None) -> InvestmentReport:
    """Pass a report to the next step of its review chain, or return it with a reason (退回).

    A reported month (业主已报) is reviewed by the lead unit (责任单位已审: the report right
    on the project) and then accepted by the coordination office (调度办已核: the manage
    right); a coordinator approving a reported month accepts it at once.
    """
    from shigongtu.projects.services import lock, require_project

    report = InvestmentReport.objects.select_for_update().select_related("project", "plan").get(pk=report.pk)
    project = lock(report.project)
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
    old = report.status
    now, who = timezone.now(), user if getattr(user, "pk", None) else None
    if not approve:
        report.status, report.return_reason = Status.RETURNED, reason.strip()
    elif manager:
        report.status, report.accepted_at, report.accepted_by = Status.ACCEPTED, now, who
    else:
        report.status, report.unit_reviewed_at, report.unit_reviewed_by = Status.UNIT_APPROVED, now, who
    report.version += 1
    report.save()
    changes: dict[str, Any] = {"status": [old, report.status]}
    if not approve:
        changes["return_reason"] = ["", report.return_reason]
    _finish(plan, [project.pk], [_item("approve" if approve else "return", report, project, changes, plan)], user,
            [report.period])
    return report
