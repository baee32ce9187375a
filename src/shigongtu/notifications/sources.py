"""What each kind of rule raises at a date, read from the record types' own selectors.

One truth: a light, a missing report or a deadline comes from the selector the pages use
(``plans.selectors``, ``projects.selectors.warnings``, ``supervision.selectors``,
``attraction.selectors``); this module only turns their answers into :class:`Event` s. The
:class:`Sources` of a plan and date computes each of those reads once, whatever the rules ask.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from shigongtu.lib.periods import Period, format_date_zh
from shigongtu.notifications.rules import kinds as K
from shigongtu.notifications.rules.events import Event, month_key, upcoming_deadline
from shigongtu.plans.models import Node, Plan, Report
from shigongtu.plans.rules.lights import RED
from shigongtu.plans.rules.warnings import LAG, MISSING_REPORT, OVERDUE, missing_reports
from shigongtu.plans.selectors import compute_warnings, get_rollup, month_of, reported_periods
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.selectors.warnings import ProjectWarning, lights_by_project, project_warnings, ytd_through

PLACEHOLDER = "__object__"


@cache
def _prefix(name: str, plan_code: str) -> str:
    try:
        return reverse(name, args=(plan_code, PLACEHOLDER))
    except NoReverseMatch:
        return ""


def link(event: Event, plan_code: str) -> str:
    """The path of the page an event speaks of (reversed once per page and plan, when notices are
    raised: evaluating a province's hundred thousand events never loads the URL map)."""
    if not event.page:
        return ""
    name, code = event.page
    return _prefix(name, plan_code).replace(PLACEHOLDER, code)


PROJECT_CHUNK = 10_000


@dataclass
class ProjectFacts:
    red: dict[str, ProjectWarning]  # per red project, its first red warning
    approvals: list[ProjectWarning]  # approval_expiring
    idle: list[ProjectWarning]  # bond_idle


class Sources:
    """The plan's reads at ``as_of``, each computed at most once for all the rules of a run."""

    def __init__(self, plan: Plan, as_of: dt.date) -> None:
        self.plan, self.as_of = plan, as_of
        self.month = month_key(as_of)

    @cached_property
    def rollup(self) -> Any:
        return get_rollup(self.plan, self.as_of)

    @cached_property
    def warnings(self) -> list[Any]:
        # The node warnings only: lights and missing reports, not the indicators (no rule speaks of them).
        return compute_warnings(self.plan, self.as_of, self.rollup, indicators=[])

    @cached_property
    def nodes(self) -> dict[int, tuple[str, str, str, str]]:
        """node id → (code, title, lead unit path, lead unit name); no lead unit → the plan's."""
        unit = self.plan.unit
        return {pk: (code, title, path or unit.path, name or unit.name) for pk, code, title, path, name in
                Node.objects.filter(plan=self.plan).values_list("pk", "code", "title", "lead_unit__path",
                                                                "lead_unit__name").iterator(chunk_size=5000)}

    @cached_property
    def project_facts(self) -> ProjectFacts:
        """The project warnings the rules speak of, read by the project library's own selector a
        chunk of projects at a time (a province's 100,000 projects never sit in memory at once)."""
        ids = list(Project.objects.filter(plan=self.plan).order_by("pk").values_list("pk", flat=True))
        facts = ProjectFacts({}, [], [])
        ytd = ytd_through(self.plan, month_of(self.as_of, self.plan))  # one aggregate for every slice
        for i in range(0, len(ids), PROJECT_CHUNK):
            chunk = ids[i:i + PROJECT_CHUNK]
            found = project_warnings(self.plan, self.as_of, pk_range=(chunk[0], chunk[-1] + 1), ytd=ytd)
            lights = lights_by_project(found)  # a project's light: the worst of its warnings (contract §4)
            for w in found:
                if w.light == RED and lights.get(w.project) == RED:
                    facts.red.setdefault(w.project, w)
                if w.kind == "approval_expiring":
                    facts.approvals.append(w)
                elif w.kind == "bond_idle":
                    facts.idle.append(w)
        return facts

    @cached_property
    def _project_units(self) -> dict[str, tuple[str | None, str | None]]:
        rows = Project.objects.filter(plan=self.plan).values_list("code", "lead_unit__path", "lead_unit__name")
        return {code: (path, name) for code, path, name in rows.iterator(5000)}

    def projects(self, codes: set[str]) -> dict[str, tuple[str, str]]:
        """project code → (lead unit path, lead unit name) for the projects named (read once per run)."""
        if not codes:
            return {}
        unit, known = self.plan.unit, self._project_units
        return {code: (known[code][0] or unit.path, known[code][1] or unit.name) for code in codes if code in known}

    def node_event(self, kind: str, node_id: int, period: str, zh: str, en: str, **extra: Any) -> Event:
        code, title, path, name = self.nodes[node_id]
        return Event(kind, "node", code, period, f"{code} {title}：{zh}", f"{code} {title}: {en}",
                     unit_path=path, unit_name=name, page=("web:node", code), **extra)


# -- the blueprint ---------------------------------------------------------------------------

def report_due(src: Sources, rule: Any) -> list[Event]:
    """Leaves whose next monthly report falls due within ``rule.days`` days and is not in yet."""
    plan, as_of = src.plan, src.as_of
    year, month, deadline = upcoming_deadline(as_of, plan.report_deadline_day)
    if year != plan.year or (deadline - as_of).days > rule.days:
        return []
    period = Period(year, month)
    # The contract's own rule, asked about the day after the deadline: who would then be missing.
    missing = missing_reports(src.rollup.results, reported_periods(plan, period.key), plan.year,
                              deadline + dt.timedelta(days=1), plan.report_deadline_day)
    zh = f"{period.label_zh}月报将于{format_date_zh(deadline)}截止，尚未报送"
    en = f"the {period.label_en} report is due on {deadline.isoformat()} and not in yet"
    return [src.node_event(K.REPORT_DUE, w.node_id, period.key, zh, en) for w in missing]


def report_overdue(src: Sources, rule: Any) -> list[Event]:
    """Leaves missing last month's report after the deadline day (contract §2, 未按时填报)."""
    out = []
    for w in src.warnings:
        if w.kind == MISSING_REPORT:
            p = Period.parse(w.detail["period"])
            out.append(src.node_event(K.REPORT_OVERDUE, w.node_id, p.key, f"{p.label_zh}月报逾期未报",
                                      f"the {p.label_en} report is overdue"))
    return out


def report_returned(src: Sources, rule: Any) -> list[Event]:
    """Returned reports not yet replaced by a later one: to their submitter and the node's unit."""
    later = Report.objects.filter(node=OuterRef("node"), period=OuterRef("period"),
                                  submitted_seq__gt=OuterRef("submitted_seq"))
    rows = (Report.objects.filter(node__plan=src.plan, status=Report.Status.RETURNED)
            .exclude(Exists(later))
            .values_list("pk", "version", "node_id", "period", "return_reason", "submitted_by_id"))
    out = []
    for pk, version, node_id, period, reason, by in rows:
        p = Period.parse(period)
        out.append(src.node_event(K.REPORT_RETURNED, node_id, f"r{pk}v{version}", f"{p.label_zh}月报被退回：{reason}",
                                  f"the {p.label_en} report was returned: {reason}",
                                  users=(by,) if by else (), body=reason, body_en=reason))
    return out


def investment_returned(src: Sources, rule: Any) -> list[Event]:
    """Returned monthly investment reports (月度投资) not yet filed again: to the clerk who filed
    each and to the rule's roles on the project's lead unit, once per return (a return bumps the
    report's version, so a report returned again after a correction is a new notice)."""
    rows = list(InvestmentReport.objects.filter(plan=src.plan, status=InvestmentReport.Status.RETURNED)
                .values_list("pk", "version", "period", "return_reason", "submitted_by_id",
                             "project__code", "project__name"))
    info = src.projects({row[5] for row in rows})
    out = []
    for pk, version, period, reason, by, code, name in rows:
        if code not in info:
            continue
        p = Period.parse(period)
        path, unit = info[code]
        out.append(Event(K.REPORT_RETURNED, "investment", f"{code}/{period}", f"i{pk}v{version}",
                         f"{code} {name}：{p.label_zh}投资月报被退回：{reason}",
                         f"{code} {name}: the {p.label_en} investment report was returned: {reason}",
                         body=reason, body_en=reason, unit_path=path, unit_name=unit,
                         page=("projects_web:detail", code), users=(by,) if by else ()))
    return out


def reports_returned(src: Sources, rule: Any) -> list[Event]:
    """The rule 「月报被退回」 speaks of both monthly reports: a task's progress report and a
    project's investment report."""
    return report_returned(src, rule) + investment_returned(src, rule)


def node_red(src: Sources, rule: Any) -> list[Event]:
    """Nodes lit red this month (滞后 or 逾期), once a month each."""
    out = []
    for w in src.warnings:
        if w.kind in (LAG, OVERDUE) and w.light == RED:
            zh = "已逾期" if w.kind == OVERDUE else "进度滞后"
            lag = float(w.detail.get("lag", 0))
            out.append(src.node_event(K.NODE_RED, w.node_id, src.month, f"亮红灯（{zh}，落后序时{lag:.1f}个百分点）",
                                      f"turned red ({'overdue' if w.kind == OVERDUE else 'lagging'}, "
                                      f"{lag:.1f} points behind schedule)"))
    return out


# -- key projects ----------------------------------------------------------------------------

def _project_events(src: Sources, kind: str, found: list[ProjectWarning],
                    period: Callable[[ProjectWarning], str], object_id: Callable[[ProjectWarning], str]) -> list[Event]:
    info = src.projects({w.project for w in found})
    out = []
    for w in found:
        if w.project not in info:
            continue
        path, name = info[w.project]
        out.append(Event(kind, "project", object_id(w), period(w), f"{w.project} {w.name}：{w.label}（{w.message}）",
                         f"{w.project} {w.name}: {w.label_en} ({w.message_en})", unit_path=path, unit_name=name,
                         page=("projects_web:detail", w.project)))
    return out


def project_red(src: Sources, rule: Any) -> list[Event]:
    """Projects whose light (the worst of their warnings, contract §4) is red this month."""
    return _project_events(src, K.PROJECT_RED, list(src.project_facts.red.values()), lambda w: src.month,
                           lambda w: w.project)


def approval_expiring(src: Sources, rule: Any) -> list[Event]:
    """Obtained approvals lapsing within 30 days before the project started, or lapsed."""
    return _project_events(src, K.APPROVAL_EXPIRING, src.project_facts.approvals,
                           lambda w: str(w.detail.get("valid_until")),
                           lambda w: f"{w.project}/{w.detail.get('approval')}")


def bond_idle(src: Sources, rule: Any) -> list[Event]:
    """Special-bond money idle beyond the plan's threshold (项目设置: 闲置天数), once a month."""
    return _project_events(src, K.BOND_IDLE, src.project_facts.idle, lambda w: src.month, lambda w: w.project)
