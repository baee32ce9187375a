"""API for the project library: projects, monthly investment, approvals, problems, bonds, warnings.

Handlers only find the object in the user's scope (404 out of sight, 403 seen but not
allowed), call the service and shape the answer; every rule lives in ``shigongtu.projects``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema

from shigongtu.api import paging
from shigongtu.api.types import Code, Day, Id, Name, Number, PageNo, PageSize, Period, Text, Version
from shigongtu.evidence.services import submit_investment
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of, month_of
from shigongtu.projects.models import (
    ApprovalItem,
    BondProject,
    InvestmentReport,
    Project,
    ProjectProblem,
    ProjectSettings,
)
from shigongtu.projects.rules import bonds as bond_rules
from shigongtu.projects.selectors.filters import ProjectFilter, attach_lights
from shigongtu.projects.selectors.warnings import lights_by_project, project_warnings, warnings_document
from shigongtu.projects.services import approvals as approval_services
from shigongtu.projects.services import bonds
from shigongtu.projects.services import problems as problem_services
from shigongtu.projects.services import projects as project_services
from shigongtu.projects.services.investment import review_investment

router = Router(tags=["projects"])

Raw = Number | Name | None  # amounts, dates and codes are read by the services like ledger cells


class ProjectOut(Schema):
    code: str
    name: str
    national_code: str
    stats_code: str
    level: str
    nature: str
    category: str
    industry: str
    owner: str
    owner_credit_code: str
    location: str
    lng: Decimal | None
    lat: Decimal | None
    content: str
    total_investment: Decimal
    annual_plan: Decimal
    annual_content: str
    planned_start: dt.date | None
    planned_completion: dt.date | None
    actual_start: dt.date | None
    actual_completion: dt.date | None
    stage: str
    in_statistics: bool
    statistics_date: dt.date | None
    leader: str
    lead_unit: str | None
    task_force: str
    nodes: list[str]
    year_kind: str
    spring_start: bool
    ytd_investment: Decimal
    ytd_stats_investment: Decimal
    last_period: str
    light: str | None = None
    lights: dict[str, str | None] | None = None
    version: int

    @staticmethod
    def resolve_lead_unit(obj: Project) -> str | None:
        return obj.lead_unit.name if obj.lead_unit_id and obj.lead_unit else None

    @staticmethod
    def resolve_nodes(obj: Project) -> list[str]:
        return [n.code for n in obj.nodes.all()]


class ProjectPage(Schema):
    count: int
    page: int | None  # None when paged by cursor
    pages: int
    as_of: dt.date
    results: list[ProjectOut]
    next: str | None = None  # the cursor of the next page (keyset paging), None on the last


class ProjectIn(Schema):
    code: Name | None = None
    name: Name | None = None
    national_code: Name | None = None
    stats_code: Name | None = None
    level: Name | None = None
    nature: Name | None = None
    category: Name | None = None
    industry: Name | None = None
    owner: Name | None = None
    owner_credit_code: Name | None = None
    location: Name | None = None
    lng: Raw = None
    lat: Raw = None
    crs: Name | None = None
    content: Text | None = None
    total_investment: Raw = None
    annual_plan: Raw = None
    annual_content: Text | None = None
    planned_start: Raw = None
    planned_completion: Raw = None
    actual_start: Raw = None
    actual_completion: Raw = None
    stage: Name | None = None
    in_statistics: bool | Code | None = None
    statistics_date: Raw = None
    leader: Name | None = None
    lead_unit: Name | None = None
    task_force: Name | None = None
    nodes: list[Code] | Text | None = None
    year_kind: Name | None = None
    spring_start: bool | Code | None = None
    version: Version | None = None


class ProjectEdit(ProjectIn):
    """A change to a project: only the fields given change; ``version`` is the one last read (乐观锁)."""

    version: Version


class StageIn(Schema):
    stage: Code
    on: Day | None = None
    note: Text = ""
    version: Version | None = None


class InvestmentOut(Schema):
    id: int
    project: str
    period: str
    amount: Decimal
    stats_amount: Decimal | None
    funds_arrived: Decimal | None
    progress_text: str
    progress_pct: Decimal | None
    next_steps: str
    status: str
    return_reason: str
    version: int

    @staticmethod
    def resolve_project(obj: InvestmentReport) -> str:
        return obj.project.code


class InvestmentIn(Schema):
    period: Period
    amount: Raw = None
    stats_amount: Raw = None
    funds_arrived: Raw = None
    progress_text: Text | None = None
    progress_pct: Raw = None
    next_steps: Text | None = None
    ytd: Raw = None
    submit: bool = True
    version: Version | None = None


class ReturnIn(Schema):
    reason: Text = ""
    version: Version | None = None


class VersionIn(Schema):
    version: Version | None = None


class ApprovalOut(Schema):
    id: int
    kind: str
    required: bool
    status: str
    doc_no: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    planned_by: dt.date | None
    handling_unit: str
    version: int


class ApprovalIn(Schema):
    kind: Name | None = None
    required: bool | None = None
    status: Name | None = None
    doc_no: Name | None = None
    issued_on: Raw = None
    valid_until: Raw = None
    planned_by: Raw = None
    handling_unit: Name | None = None
    version: Version | None = None


class ApprovalEdit(ApprovalIn):
    version: Version


class ProblemOut(Schema):
    id: int
    title: str
    kind: str
    needs_coordination: bool
    responsible_unit: str | None
    deadline: dt.date | None
    status: str
    resolution: str
    resolved_on: dt.date | None
    raised_period: str
    version: int

    @staticmethod
    def resolve_responsible_unit(obj: ProjectProblem) -> str | None:
        return obj.responsible_unit.name if obj.responsible_unit else None


class ProblemIn(Schema):
    title: Name | None = None
    kind: Name | None = None
    needs_coordination: bool | None = None
    responsible_unit: Name | None = None
    deadline: Raw = None
    status: Name | None = None
    resolution: Text | None = None
    resolved_on: Raw = None
    raised_period: Name | None = None
    version: Version | None = None


class BondIn(Schema):
    requested_amount: Raw = None
    capital_use: bool | None = None
    coverage_ratio: Raw = None
    declared_on: Raw = None
    has_plan_doc: bool | None = None
    has_finance_report: bool | None = None
    has_legal_opinion: bool | None = None
    notes: Text | None = None
    state: Name | None = None
    version: Version | None = None


class ProblemEdit(ProblemIn):
    version: Version


class MovementIn(Schema):
    amount: Raw = None
    date: Raw = None
    batch: Name | None = None
    doc_no: Name | None = None
    kind: Name | None = None
    payee: Name | None = None
    contract_ref: Name | None = None


# -- helpers --------------------------------------------------------------------------------

def _plan(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def _project(request: HttpRequest, code: str, project: str, action: str = VIEW) -> Project:
    plan = _plan(request, code)
    qs = Project.objects.select_related("lead_unit", "plan", "plan__unit").prefetch_related("nodes")
    return scoped(qs, request.user, action, plan=plan, code=project)


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    return data


def _fresh(project: Project, as_of: dt.date | None = None, *, created: bool = False) -> Project:
    """The project as the API shows it, with its lights at ``as_of``; one ``created`` in this
    request holds nothing yet, so only its own fields are judged (the same warnings, fewer reads)."""
    project = Project.objects.select_related("lead_unit", "plan").prefetch_related("nodes").get(pk=project.pk)
    plan = project.plan
    as_of = as_of or default_as_of(plan)
    warned = lights_by_project(project_warnings(plan, as_of, [project.pk], bare=True)) if created else None
    attach_lights([project], as_of, month_of(as_of, plan), ProjectSettings.rules_for(plan), plan.year, plan=plan,
                  warned=warned)
    return project


def _bond_doc(bond: BondProject, as_of: dt.date) -> dict[str, Any]:
    """A bond project with its money; reads the movements once (prefetch them for a list)."""
    quotas, paid, spent = list(bond.quotas.all()), list(bond.disbursements.all()), list(bond.expenditures.all())
    money = bond_rules.figures_from([(q.date, q.amount) for q in quotas], [(d.date, d.amount) for d in paid],
                                    [(e.date, e.amount) for e in spent], as_of)
    return {"project": bond.project.code, "name": bond.project.name, "state": bond.state,
            "requested_amount": bond.requested_amount, "declared_on": bond.declared_on,
            "capital_use": bond.capital_use, "coverage_ratio": bond.coverage_ratio, "version": bond.version,
            **money.as_dict(),
            "quotas": [{"id": q.pk, "batch": q.batch, "date": q.date, "amount": q.amount, "doc_no": q.doc_no}
                       for q in quotas],
            "disbursements": [{"id": d.pk, "kind": d.kind, "date": d.date, "amount": d.amount} for d in paid],
            "expenditures": [{"id": e.pk, "date": e.date, "amount": e.amount, "payee": e.payee,
                              "contract_ref": e.contract_ref} for e in spent]}


# -- projects -------------------------------------------------------------------------------

@router.get("/plans/{code}/projects", response=ProjectPage)
def list_projects(request: HttpRequest, code: str, page: PageNo = 1, page_size: PageSize = 50,
                  as_of: Day | None = None, cursor: paging.Cursor | None = None,
                  limit: paging.PageLimit | None = None) -> Any:
    """Projects with filters (``stage``, ``industry``, ``level``, ``nature``, ``lead_unit`` id,
    ``node`` code: its subtree, ``light`` red/yellow/green, ``q`` text) and ``sort`` (a field, ``-``
    descending). ``limit`` or ``cursor`` pages by keyset (``next`` is the following page's cursor);
    else ``page`` and ``page_size`` as before. ``count`` is the total either way."""
    plan = _plan(request, code)
    flt = ProjectFilter.from_params(request.GET)
    if flt.problems:
        raise InputRejected(flt.problems)
    as_of = as_of or default_as_of(plan)
    r = ProjectSettings.rules_for(plan)
    qs = flt.apply(Project.objects.of_visible_plan(plan), plan, as_of, r)
    related = Project.objects.select_related("lead_unit").prefetch_related("nodes")
    if cursor or limit:
        shown = paging.window(qs, page, page_size, cursor, limit)
        rows = paging.in_order(related.filter(pk__in=shown.keys), shown.keys)
        number, pages, count, after = shown.page, shown.pages, shown.count, shown.next
    else:  # numbered pages, as before: the page's rows in one query
        current = Paginator(qs.select_related("lead_unit").prefetch_related("nodes"), page_size).get_page(page)
        rows = list(current.object_list)
        number, pages, count, after = current.number, current.paginator.num_pages, current.paginator.count, None
    attach_lights(rows, as_of, month_of(as_of, plan), r, plan.year, plan=plan)
    return {"count": count, "page": number, "pages": pages, "as_of": as_of, "results": rows, "next": after}


@router.post("/plans/{code}/projects", response={201: ProjectOut})
def create_project(request: HttpRequest, code: str, payload: ProjectIn) -> Any:
    plan = _plan(request, code, MANAGE)
    return 201, _fresh(project_services.save_project(plan, _data(payload), user=request.user), created=True)


@router.get("/plans/{code}/projects/warnings")
def warnings(request: HttpRequest, code: str, as_of: Day | None = None) -> Any:
    """The plan's project warnings: unstarted, not in statistics, investment lag, approvals, bonds."""
    plan = _plan(request, code)
    return warnings_document(plan, as_of or default_as_of(plan))


@router.get("/plans/{code}/projects/{project}", response=ProjectOut)
def get_project(request: HttpRequest, code: str, project: str, as_of: Day | None = None) -> Any:
    return _fresh(_project(request, code, project), as_of)


@router.patch("/plans/{code}/projects/{project}", response=ProjectOut)
def update_project(request: HttpRequest, code: str, project: str, payload: ProjectEdit) -> Any:
    obj = _project(request, code, project, MANAGE)
    return _fresh(project_services.save_project(obj.plan, _data(payload), request.user, obj, payload.version))


@router.delete("/plans/{code}/projects/{project}", response={204: None})
def delete_project(request: HttpRequest, code: str, project: str) -> Any:
    project_services.delete_project(_project(request, code, project, MANAGE), request.user)
    return 204, None


@router.post("/plans/{code}/projects/{project}/stage", response=ProjectOut)
def change_stage(request: HttpRequest, code: str, project: str, payload: StageIn) -> Any:
    obj = _project(request, code, project, REPORT)
    project_services.change_stage(obj, payload.stage, request.user, payload.on, payload.note, payload.version)
    return _fresh(obj)


@router.get("/plans/{code}/projects/{project}/warnings")
def project_warning_list(request: HttpRequest, code: str, project: str, as_of: Day | None = None) -> Any:
    obj = _project(request, code, project)
    found = project_warnings(obj.plan, as_of or default_as_of(obj.plan), [obj.pk])
    return [w.as_dict() for w in found]


# -- monthly investment ---------------------------------------------------------------------

@router.get("/plans/{code}/projects/{project}/reports", response=list[InvestmentOut])
def list_reports(request: HttpRequest, code: str, project: str) -> Any:
    return _project(request, code, project).reports.select_related("project").order_by("period")


@router.post("/plans/{code}/projects/{project}/reports", response={201: InvestmentOut})
def submit_report(request: HttpRequest, code: str, project: str, payload: InvestmentIn) -> Any:
    obj = _project(request, code, project, REPORT)
    data = _data(payload)
    data.pop("submit", None)
    report = submit_investment(obj, data, request.user, submit=payload.submit, expected_version=payload.version)
    return 201, report


def _report(request: HttpRequest, report_id: Id, action: str) -> InvestmentReport:
    return scoped(InvestmentReport.objects.select_related("project"), request.user, action, pk=report_id)


@router.post("/project-reports/{report_id}/approve", response=InvestmentOut)
def approve_report(request: HttpRequest, report_id: Id, payload: VersionIn | None = None) -> Any:
    report = _report(request, report_id, REPORT)
    return review_investment(report, True, request.user, expected_version=payload.version if payload else None)


@router.post("/project-reports/{report_id}/return", response=InvestmentOut)
def return_report(request: HttpRequest, report_id: Id, payload: ReturnIn) -> Any:
    report = _report(request, report_id, REPORT)
    return review_investment(report, False, request.user, payload.reason, payload.version)


# -- approvals checklist --------------------------------------------------------------------

@router.get("/plans/{code}/projects/{project}/approvals", response=list[ApprovalOut])
def list_approvals(request: HttpRequest, code: str, project: str) -> Any:
    return _project(request, code, project).approvals.all()


@router.post("/plans/{code}/projects/{project}/approvals", response={201: ApprovalOut})
def add_approval(request: HttpRequest, code: str, project: str, payload: ApprovalIn) -> Any:
    obj = _project(request, code, project, REPORT)
    return 201, approval_services.save_approval(obj, _data(payload), request.user)


def _approval(request: HttpRequest, item_id: Id, action: str) -> ApprovalItem:
    return scoped(ApprovalItem.objects.select_related("project"), request.user, action, pk=item_id)


@router.patch("/project-approvals/{item_id}", response=ApprovalOut)
def update_approval(request: HttpRequest, item_id: Id, payload: ApprovalEdit) -> Any:
    item = _approval(request, item_id, REPORT)
    return approval_services.save_approval(item.project, _data(payload), request.user, item, payload.version)


@router.delete("/project-approvals/{item_id}", response={204: None})
def delete_approval(request: HttpRequest, item_id: Id) -> Any:
    approval_services.delete_approval(_approval(request, item_id, REPORT), request.user)
    return 204, None


# -- problems -------------------------------------------------------------------------------

@router.get("/plans/{code}/projects/{project}/problems", response=list[ProblemOut])
def list_problems(request: HttpRequest, code: str, project: str) -> Any:
    return _project(request, code, project).problems.select_related("responsible_unit")


@router.post("/plans/{code}/projects/{project}/problems", response={201: ProblemOut})
def add_problem(request: HttpRequest, code: str, project: str, payload: ProblemIn) -> Any:
    obj = _project(request, code, project, REPORT)
    return 201, problem_services.save_problem(obj, _data(payload), request.user)


@router.patch("/project-problems/{item_id}", response=ProblemOut)
def update_problem(request: HttpRequest, item_id: Id, payload: ProblemEdit) -> Any:
    item = scoped(ProjectProblem.objects.select_related("project"), request.user, REPORT, pk=item_id)
    return problem_services.save_problem(item.project, _data(payload), request.user, item, payload.version)


# -- special bonds --------------------------------------------------------------------------

@router.get("/plans/{code}/bonds")
def list_bonds(request: HttpRequest, code: str, as_of: Day | None = None) -> Any:
    """The plan's special-bond projects with quota, disbursed, spent, progress and idle days."""
    plan = _plan(request, code)
    as_of = as_of or default_as_of(plan)
    rows = (BondProject.objects.for_user(request.user, VIEW).filter(project__plan=plan).select_related("project")
            .prefetch_related("quotas", "disbursements", "expenditures"))
    return {"plan": plan.code, "as_of": as_of, "totals": bonds.plan_totals(plan),
            "bonds": [_bond_doc(b, as_of) for b in rows.order_by("project__code")]}


@router.get("/plans/{code}/projects/{project}/bond")
def get_bond(request: HttpRequest, code: str, project: str, as_of: Day | None = None) -> Any:
    obj = _project(request, code, project)
    bond = scoped(BondProject.objects.select_related("project"), request.user, VIEW, project=obj)
    return _bond_doc(bond, as_of or default_as_of(obj.plan))


@router.put("/plans/{code}/projects/{project}/bond")
def save_bond(request: HttpRequest, code: str, project: str, payload: BondIn) -> Any:
    """Create the project's bond record, or change it (then ``version`` is required: no lost update)."""
    obj = _project(request, code, project, MANAGE)
    if payload.version is None and BondProject.objects.filter(project=obj).exists():
        raise InputRejected("修改专项债信息须提供读取时的版本号（version）", field="version")
    bond = bonds.save_bond(obj, _data(payload), request.user, payload.version)
    return _bond_doc(bond, default_as_of(obj.plan))


def _bond(request: HttpRequest, code: str, project: str) -> BondProject:
    obj = _project(request, code, project, MANAGE)
    return scoped(BondProject.objects.select_related("project"), request.user, MANAGE, project=obj)


@router.post("/plans/{code}/projects/{project}/bond/state")
def move_bond(request: HttpRequest, code: str, project: str, payload: StageIn) -> Any:
    bond = bonds.move_bond(_bond(request, code, project), payload.stage, request.user, payload.on, payload.note,
                           payload.version)
    return _bond_doc(bond, default_as_of(bond.project.plan))


@router.post("/plans/{code}/projects/{project}/bond/{kind}", response={201: dict[str, Any]})
def add_movement(request: HttpRequest, code: str, project: str, kind: str, payload: MovementIn) -> Any:
    """Record a quota batch (``quotas``), a disbursement (``disbursements``) or an expenditure (``expenditures``)."""
    movement = {"quotas": "quota", "disbursements": "disbursement", "expenditures": "expenditure"}.get(kind)
    if movement is None:
        raise InputRejected("应为 quotas、disbursements 或 expenditures", field="kind", value=kind)
    bond = _bond(request, code, project)
    row = bonds.add_movement(bond, movement, _data(payload), request.user)
    bond.refresh_from_db()
    return 201, {"id": row.pk, "date": row.date, "amount": row.amount, "state": bond.state}
