"""Project warnings (项目预警) at an as-of date: what a coordinator must chase this month.

Kinds:

- ``unstarted`` (计划开工已过未开工): yellow once the planned start has passed, red after
  ``unstarted_red_months``;
- ``not_in_statistics`` (开工未入库): a started project of 500万元+ not in the statistics
  database, yellow after 1 month, red after 2 (configurable per plan);
- ``investment_lag`` (投资滞后): year-to-date investment behind the seasonal plan curve;
- ``started_without_approvals`` (未取得全部前期手续即开工): yellow;
- ``approval_expiring`` (手续即将到期): an obtained approval lapsing within 30 days before the
  project has started (yellow), or already lapsed (red);
- ``problem_overdue`` (问题逾期未解决): red;
- ``bond_idle`` (专项债资金闲置) and ``bond_lag`` (专项债支出滞后).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import get_language, gettext

from shigongtu.plans.models import Plan
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.selectors import month_of
from shigongtu.projects.models import (
    ApprovalItem,
    BondProject,
    InvestmentReport,
    Project,
    ProjectProblem,
    ProjectSettings,
)
from shigongtu.projects.rules.approvals import OBTAINED, missing_approvals
from shigongtu.projects.rules.bonds import (
    BOND_MATURED,
    BOND_SERVICING,
    BOND_SPENT,
    expected_spending,
    figures_from,
    idle_light,
    spending_light,
)
from shigongtu.projects.rules.lights import Rules, project_lights, share_since, start_month
from shigongtu.projects.rules.stages import CLOSED
from shigongtu.projects.services.bonds import MOVEMENTS

EXPIRY_DAYS = 30
KIND_LABELS = {
    "unstarted": "计划开工已过未开工",
    "not_in_statistics": "开工未入库",
    "investment_lag": "投资滞后",
    "started_without_approvals": "未取得全部前期手续即开工",
    "approval_expiring": "前期手续即将到期",
    "problem_overdue": "问题逾期未解决",
    "bond_idle": "专项债资金闲置",
    "bond_lag": "专项债支出滞后",
}
KIND_LABELS_EN = {
    "unstarted": "Planned start passed, not started",
    "not_in_statistics": "Started, not in statistics",
    "investment_lag": "Investment lagging",
    "started_without_approvals": "Started without all approvals",
    "approval_expiring": "Approval expiring",
    "problem_overdue": "Problem overdue",
    "bond_idle": "Special-bond money idle",
    "bond_lag": "Special-bond spending lagging",
}
KINDS = tuple(KIND_LABELS)
LIGHT_KIND = {"start": "unstarted", "stats": "not_in_statistics", "investment": "investment_lag"}


def _english() -> bool:
    return (get_language() or "").startswith("en")



def _wan(x: Any) -> str:
    """An amount in 万元 as a sentence says it: 231, 9450.5 (never 231.0000)."""
    if x is None:
        return "—"
    return f"{Decimal(str(x)).quantize(Decimal('0.01')).normalize():f}"

@dataclass(frozen=True)
class ProjectWarning:
    """One warning on a project: its ``kind``, the project's code and name, the ``light`` and the
    figures behind it (JSON-ready)."""

    kind: str
    project: str
    name: str
    light: str
    detail: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def message(self) -> str:
        """The warning as a sentence, as bulletins and pages print it."""
        d = self.detail

        def pct(x: Any) -> str:
            return "—" if x is None else f"{100 * float(x):.1f}%"

        texts = {
            "unstarted": lambda: f"计划{d.get('planned_start')}开工，已逾期{d.get('days_late')}天未开工",
            "not_in_statistics": lambda: f"{d.get('actual_start')}开工，尚未纳入固定资产投资统计库",
            "investment_lag": lambda: (f"本年完成投资占年度计划{pct(d.get('completion'))}，"
                                       f"计划进度{pct(d.get('expected_share'))}"),
            "started_without_approvals": lambda: f"已开工，尚未取得：{'、'.join(d.get('missing', []))}",
            "approval_expiring": lambda: f"{d.get('approval')}有效期至{d.get('valid_until')}",
            "problem_overdue": lambda: f"{d.get('problem')}（时限{d.get('deadline')}，{d.get('status')}）",
            "bond_idle": lambda: f"专项债资金已闲置{d.get('idle_days')}天，未支出{_wan(d.get('unspent'))}万元",
            "bond_lag": lambda: f"专项债支付进度{pct(d.get('progress'))}，应达{pct(d.get('expected'))}",
        }
        return texts[self.kind]()

    @property
    def label_en(self) -> str:
        return KIND_LABELS_EN[self.kind]

    @property
    def message_en(self) -> str:
        """The warning as an English sentence, for pages in English (approval kinds and problem
        statuses in the interface's words)."""
        d = self.detail

        def word(x: Any) -> str:
            return gettext(str(x)) if x else "—"

        def pct(x: Any) -> str:
            return "—" if x is None else f"{100 * float(x):.1f}%"

        texts = {
            "unstarted": lambda: f"Planned start {d.get('planned_start')}, {d.get('days_late')} days late",
            "not_in_statistics": lambda: f"Started {d.get('actual_start')}, not yet in the investment statistics",
            "investment_lag": lambda: (f"Year-to-date investment {pct(d.get('completion'))} of the annual plan, "
                                       f"planned {pct(d.get('expected_share'))}"),
            "started_without_approvals": lambda: f"Started without: {', '.join(map(word, d.get('missing', [])))}",
            "approval_expiring": lambda: f"{word(d.get('approval'))} valid until {d.get('valid_until')}",
            "problem_overdue": lambda: f"{d.get('problem')} (due {d.get('deadline')}, {word(d.get('status'))})",
            "bond_idle": lambda: (f"Special-bond money idle for {d.get('idle_days')} days, "
                                  f"{_wan(d.get('unspent'))} (10k yuan) unspent"),
            "bond_lag": lambda: f"Special-bond payments {pct(d.get('progress'))}, expected {pct(d.get('expected'))}",
        }
        return texts[self.kind]()

    @property
    def title(self) -> str:
        """The kind in the interface language (pages); bulletins and the API keep ``label``."""
        return self.label_en if _english() else self.label

    @property
    def text(self) -> str:
        """The sentence in the interface language (pages); bulletins and the API keep ``message``."""
        return self.message_en if _english() else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "project": self.project, "name": self.name,
                "light": self.light, "message": self.message, **self.detail}


def lights_by_project(warnings: Iterable[ProjectWarning]) -> dict[str, str]:
    """A project's light (项目灯色, contract §4): the worst light among its warnings, by project
    code; a project without warnings is absent and green. Every face reads a project's light here."""
    out: dict[str, str] = {}
    for w in warnings:
        if w.light == RED or out.get(w.project) is None:
            out[w.project] = w.light
    return out


def ytd_through(plan: Plan, month: int, project_ids: list[int] | None = None,
                basis: str = "amount", where: Q | None = None) -> dict[int, Decimal]:
    """Per project, the counting reports' investment over months 1..month of the plan year (万元):
    ``basis`` ``amount`` (调度口径) or ``stats_amount`` (统计口径); ``where`` narrows the reports
    (e.g. a range of project ids)."""
    if month <= 0:
        return {}
    qs = InvestmentReport.objects.filter(status__in=InvestmentReport.COUNTING,
                                         period__gte=f"{plan.year:04d}-01", period__lte=f"{plan.year:04d}-{month:02d}")
    # a few named projects: by their own index (the plan's whole year is millions of rows); they
    # are the plan's projects, so their reports are the plan's
    qs = qs.filter(project_id__in=project_ids) if project_ids is not None else qs.filter(plan=plan)
    if where is not None:
        qs = qs.filter(where)
    rows = qs.values_list("project_id").annotate(s=Sum(basis)).order_by()
    return {pid: total for pid, total in rows if total is not None}


def project_warnings(plan: Plan, as_of: dt.date, project_ids: list[int] | None = None, *,
                     pk_range: tuple[int, int] | None = None,
                     ytd: Mapping[int, Decimal] | None = None, bare: bool = False) -> list[ProjectWarning]:
    """Every project warning of the plan (or of the given projects, or of those whose id is in
    ``pk_range`` [low, high): a large plan read a slice at a time) at ``as_of``, red first.
    ``ytd``: the plan's :func:`ytd_through` at as-of's month, when a caller reading slices has it.
    ``bare``: the given projects were created in this transaction and hold nothing yet (no reports,
    approvals, problems or bonds), so only their own dates and amounts can warn."""
    r = ProjectSettings.rules_for(plan)
    month = month_of(as_of, plan)
    projects = Project.objects.filter(plan=plan)
    related = Q(project__plan=plan)  # the projects' approvals, problems, bonds and reports, as a join
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
        related &= Q(project_id__in=project_ids)
    if pk_range is not None:
        projects = projects.filter(pk__gte=pk_range[0], pk__lt=pk_range[1])
        related &= Q(project_id__gte=pk_range[0], project_id__lt=pk_range[1])
    projects = projects.only("pk", "code", "name", "planned_start", "actual_start", "stage", "total_investment",
                             "annual_plan", "in_statistics", "statistics_date")
    rows = {p.pk: p for p in projects}
    narrowed = project_ids is not None or pk_range is not None
    if bare:
        ytd = {}
    elif ytd is None and project_ids is not None and pk_range is None:
        ytd = ytd_through(plan, month, list(project_ids))  # by the projects' own index, no join
    elif ytd is None:
        ytd = ytd_through(plan, month, where=related if narrowed else None)
    found: list[ProjectWarning] = []
    for p in rows.values():
        value = ytd.get(p.pk, Decimal(0))
        for kind, light in project_lights(p, value, as_of, month, r, plan.year).items():
            if light not in (YELLOW, RED):
                continue
            detail: dict[str, Any] = {}
            if kind == "start":
                detail = {"planned_start": p.planned_start.isoformat() if p.planned_start else None,
                          "days_late": (as_of - p.planned_start).days if p.planned_start else None}
            elif kind == "stats":
                detail = {"actual_start": p.actual_start.isoformat() if p.actual_start else None,
                          "total_investment": p.total_investment}
            else:
                detail = {"ytd_investment": value, "annual_plan": p.annual_plan,
                          "completion": float(value / p.annual_plan), "month": month,
                          "expected_share": share_since(r.curve, start_month(p.actual_start, plan.year),
                                                        month) if p.actual_start else None}
            found.append(ProjectWarning(LIGHT_KIND[kind], p.code, p.name, light, detail))
    if not bare:  # (a project just created has nothing attached to warn about)
        found += _approval_warnings(rows, as_of, related)
        found += _problem_warnings(plan, rows, as_of, related)
        if project_ids is not None and pk_range is None:  # by the projects' own index, no join of the plan
            found += bond_warnings(plan, as_of, r, project_ids=list(project_ids))
        else:
            found += bond_warnings(plan, as_of, r, where=related if narrowed else None)
    order = {RED: 0, YELLOW: 1}
    found.sort(key=lambda w: (order[w.light], w.project, KINDS.index(w.kind)))
    return found


def _approval_warnings(rows: dict[int, Project], as_of: dt.date, related: Q) -> list[ProjectWarning]:
    found = []
    by_project: dict[int, list[ApprovalItem]] = defaultdict(list)
    # ordered by the id, not the model's "project" (that orders by the project's ordering: a join of
    # the projects and plans that made PostgreSQL read the whole projects table)
    for item in ApprovalItem.objects.filter(related).order_by("project_id", "sort", "id").only(
        "project_id", "kind", "required", "status", "valid_until"
    ):
        by_project[item.project_id].append(item)
    for pid, items in by_project.items():
        p = rows[pid]
        started = p.actual_start is not None and p.actual_start <= as_of
        if started:
            missing = missing_approvals((i.kind, i.required, i.status) for i in items)
            if missing and p.stage not in CLOSED:
                found.append(ProjectWarning("started_without_approvals", p.code, p.name, YELLOW, {"missing": missing}))
            continue
        for i in items:
            if i.status != OBTAINED or i.valid_until is None or p.stage in CLOSED:
                continue
            if i.valid_until < as_of:
                found.append(ProjectWarning("approval_expiring", p.code, p.name, RED,
                                            {"approval": i.kind, "valid_until": i.valid_until.isoformat()}))
            elif i.expires_within(as_of, EXPIRY_DAYS):
                found.append(ProjectWarning("approval_expiring", p.code, p.name, YELLOW,
                                            {"approval": i.kind, "valid_until": i.valid_until.isoformat()}))
    return found


def _problem_warnings(plan: Plan, rows: dict[int, Project], as_of: dt.date, related: Q) -> list[ProjectWarning]:
    found = []
    for item in ProjectProblem.objects.filter(related, deadline__lt=as_of).exclude(status="已解决"):
        p = rows[item.project_id]
        found.append(ProjectWarning("problem_overdue", p.code, p.name, RED,
                                    {"problem": item.title, "deadline": item.deadline.isoformat() if item.deadline
                                     else None, "status": item.status}))
    return found


def bond_warnings(plan: Plan, as_of: dt.date, r: Rules | None = None,
                  project_ids: list[int] | None = None, where: Q | None = None) -> list[ProjectWarning]:
    """Idle money and slow spending of the plan's bond projects at as-of (``where``: of some projects)."""
    r = r or ProjectSettings.rules_for(plan)
    bonds = BondProject.objects.filter(project__plan=plan).select_related("project")
    if project_ids is not None:
        bonds = bonds.filter(project_id__in=project_ids)
    if where is not None:
        bonds = bonds.filter(where)
    money: dict[str, dict[int, list[tuple[dt.date, Decimal]]]] = {}
    for kind, (model, _, _) in MOVEMENTS.items():
        money[kind] = defaultdict(list)
        rows = model.objects.filter(bond__project__plan=plan)
        if project_ids is not None and where is None:  # a few named projects: their bonds' own money
            rows = model.objects.filter(bond__project_id__in=project_ids, bond__project__plan=plan)
        elif project_ids is not None or where is not None:  # only the money of the bonds asked about
            rows = rows.filter(bond__in=bonds.values("pk"))
        for bond_id, date, amount in rows.values_list("bond_id", "date", "amount"):
            money[kind][bond_id].append((date, amount))
    found = []
    for bond in bonds:
        p = bond.project
        f = figures_from(money["quota"][bond.pk], money["disbursement"][bond.pk], money["expenditure"][bond.pk], as_of)
        idle = idle_light(f.idle_days, r)
        if idle:
            found.append(ProjectWarning("bond_idle", p.code, p.name, idle,
                                        {"idle_days": f.idle_days, "unspent": f.disbursed - f.spent}))
        expected = expected_spending(f.first_quota, as_of, r)
        light = spending_light(f.progress, expected, r)
        if light in (YELLOW, RED) and bond.state not in (BOND_SPENT, BOND_SERVICING, BOND_MATURED):
            found.append(ProjectWarning("bond_lag", p.code, p.name, light,
                                        {"progress": f.progress, "expected": expected, "quota": f.quota,
                                         "spent": f.spent}))
    return found


def warnings_document(plan: Plan, as_of: dt.date) -> dict[str, Any]:
    found = project_warnings(plan, as_of)
    return {"plan": plan.code, "as_of": as_of.isoformat(), "warnings": [w.as_dict() for w in found]}
