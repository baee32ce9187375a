"""API for the attraction pipeline (招商引资): leads, their stage actions, progress, funds and KPIs.

Handlers only find the object in the user's scope (404 out of sight, 403 seen but not allowed),
call the service and shape the answer; every rule lives in ``shigongtu.attraction``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from shigongtu.api import paging
from shigongtu.api.types import PageNo, PageSize
from shigongtu.attraction import selectors, services
from shigongtu.attraction.documents import leads_document
from shigongtu.attraction.filters import LeadFilter
from shigongtu.attraction.models import Lead
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.access import REPORT, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of

router = Router(tags=["attraction"])

Raw = Decimal | str | None  # amounts and dates are read by the services like ledger cells


class LeadOut(Schema):
    code: str
    name: str
    investor: str
    investor_credit_code: str
    national_code: str
    source_region: str
    mode: str
    team: str
    lead_unit: str | None
    leader: str
    industry: str
    chain: str
    investment: Decimal
    fixed_assets: Decimal
    land_area: Decimal
    expected_output: Decimal
    expected_tax: Decimal
    foreign: bool
    fdi_usd: Decimal
    headquarters: bool
    rnd: bool
    increment: bool
    stage: str
    signing_kind: str
    contacted_on: dt.date | None
    signed_on: dt.date | None
    registered_on: dt.date | None
    started_on: dt.date | None
    operating_on: dt.date | None
    full_on: dt.date | None
    exited_on: dt.date | None
    exit_reason: str
    funds: Decimal
    project: str | None
    version: int

    @staticmethod
    def resolve_lead_unit(obj: Lead) -> str | None:
        return obj.lead_unit.name if obj.lead_unit_id and obj.lead_unit else None

    @staticmethod
    def resolve_project(obj: Lead) -> str | None:
        return obj.project.code if obj.project_id and obj.project else None


class LeadIn(Schema):
    code: str | None = None
    name: str | None = None
    investor: str | None = None
    investor_credit_code: str | None = None
    national_code: str | None = None
    source_region: str | None = None
    mode: str | None = None
    team: str | None = None
    lead_unit: str | None = None
    leader: str | None = None
    industry: str | None = None
    chain: str | None = None
    investment: Raw = None
    fixed_assets: Raw = None
    land_area: Raw = None
    expected_output: Raw = None
    expected_tax: Raw = None
    foreign: bool | str | None = None
    fdi_usd: Raw = None
    headquarters: bool | str | None = None
    rnd: bool | str | None = None
    increment: bool | str | None = None
    stage: str | None = None
    signing_kind: str | None = None
    contacted_on: Raw = None
    signed_on: Raw = None
    registered_on: Raw = None
    started_on: Raw = None
    operating_on: Raw = None
    full_on: Raw = None
    exited_on: Raw = None
    exit_reason: str | None = None
    funds: Raw = None
    project: str | None = None
    version: int | None = None


class StageIn(Schema):
    stage: str
    on: str
    note: str = ""
    reason: str = ""
    version: int | None = None


class ProgressIn(Schema):
    kind: str = "progress"
    on: dt.date
    note: str = ""


class FundsIn(Schema):
    date: str
    amount: Raw
    origin: str = ""
    note: str = ""


class ProjectIn(Schema):
    code: str = ""


def _plan(request: HttpRequest, code: str) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, VIEW, code=code)


def _lead(request: HttpRequest, code: str, lead: str, action: str = VIEW) -> Lead:
    plan = _plan(request, code)
    qs = Lead.objects.select_related("lead_unit", "project", "plan", "plan__unit")
    return scoped(qs, request.user, action, plan=plan, code=lead)


def _fresh(lead: Lead) -> Lead:
    return Lead.objects.select_related("lead_unit", "project").get(pk=lead.pk)


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    return data


@router.get("/plans/{code}/leads")
def list_leads(request: HttpRequest, code: str, page: PageNo = 1, page_size: PageSize = 50,
               as_of: dt.date | None = None, cursor: paging.Cursor | None = None,
               limit: paging.PageLimit | None = None) -> Any:
    """Leads with their stage at ``as_of``; filters ``stage``, ``mode``, ``team``, ``unit``, ``q``, ``sort``.
    ``limit`` or ``cursor`` pages by keyset (``next``); else ``page`` and ``page_size`` as before."""
    plan = _plan(request, code)
    flt = LeadFilter.from_params(request.GET)
    if flt.problems:
        raise InputRejected(flt.problems)
    as_of = as_of or default_as_of(plan)
    qs = flt.apply(Lead.objects.filter(plan=plan), as_of)
    shown = paging.window(qs, page, page_size, cursor, limit)
    rows = selectors.leads_at(plan, as_of, Lead.objects.filter(pk__in=shown.keys))
    return {"count": shown.count, "page": shown.page, "pages": shown.pages, "as_of": as_of, "next": shown.next,
            "results": [{"code": r.code, "name": r.name, "investor": r.investor, "stage": r.stage, "mode": r.mode,
                         "team": r.team, "lead_unit": r.unit or None, "investment": r.investment, "funds": r.funds,
                         "signed_on": r.signed_on, "started_on": r.started_on, "project": r.project, "light": r.light}
                        for r in rows]}


@router.get("/plans/{code}/leads/summary")
def leads_summary(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """The contract's leads document: every lead's stage at ``as_of`` and the year's summary."""
    plan = _plan(request, code)
    return leads_document(plan, as_of or default_as_of(plan))


@router.get("/plans/{code}/leads/kpis")
def leads_kpis(request: HttpRequest, code: str, by: str = "mode", as_of: dt.date | None = None) -> Any:
    """签约数/签约额, 履约率, 开工率, 资金到位率, 投产数 by ``mode``, ``team`` or ``unit``."""
    plan = _plan(request, code)
    if by not in selectors.GROUPS:
        raise InputRejected("by 应为 mode、team 或 unit", field="by", value=by)
    as_of = as_of or default_as_of(plan)
    return {"plan": plan.code, "as_of": as_of, "by": by,
            "groups": [{"group": k.group, **k.figures.as_summary()} for k in selectors.kpis(plan, as_of, by)]}


@router.post("/plans/{code}/leads", response={201: LeadOut})
def create_lead(request: HttpRequest, code: str, payload: LeadIn) -> Any:
    plan = _plan(request, code)
    return 201, _fresh(services.save_lead(plan, _data(payload), request.user))


@router.get("/plans/{code}/leads/{lead}", response=LeadOut)
def get_lead(request: HttpRequest, code: str, lead: str) -> Any:
    return _lead(request, code, lead)


@router.patch("/plans/{code}/leads/{lead}", response=LeadOut)
def update_lead(request: HttpRequest, code: str, lead: str, payload: LeadIn) -> Any:
    obj = _lead(request, code, lead, REPORT)
    return _fresh(services.save_lead(obj.plan, _data(payload), request.user, obj, payload.version))


@router.post("/plans/{code}/leads/{lead}/stage", response=LeadOut)
def change_stage(request: HttpRequest, code: str, lead: str, payload: StageIn) -> Any:
    """Move the lead to a stage on its date (签约 with 签约日期 …; 终止/流失 with a reason)."""
    obj = _lead(request, code, lead, REPORT)
    return _fresh(services.change_stage(obj, payload.stage, payload.on, request.user, payload.note, payload.reason,
                                        payload.version))


@router.post("/plans/{code}/leads/{lead}/progress", response={201: dict})
def add_progress(request: HttpRequest, code: str, lead: str, payload: ProgressIn) -> Any:
    obj = _lead(request, code, lead, REPORT)
    event = services.record_progress(obj, payload.on, payload.note, request.user, payload.kind)
    return 201, {"id": event.pk, "kind": event.kind, "on": event.on, "note": event.note}


@router.post("/plans/{code}/leads/{lead}/funds", response={201: dict})
def add_funds(request: HttpRequest, code: str, lead: str, payload: FundsIn) -> Any:
    obj = _lead(request, code, lead, REPORT)
    arrival = services.add_funds(obj, payload.date, payload.amount, payload.origin, request.user, payload.note)
    return 201, {"id": arrival.pk, "date": arrival.date, "amount": arrival.amount, "origin": arrival.origin,
                 "lead_funds": Lead.objects.get(pk=obj.pk).funds}


@router.post("/plans/{code}/leads/{lead}/project")
def to_project(request: HttpRequest, code: str, lead: str, payload: ProjectIn) -> Any:
    """Link the started lead to its key project, or create it (转为重点项目)."""
    obj = _lead(request, code, lead, REPORT)
    project = services.convert_to_project(obj, request.user, payload.code)
    return {"lead": obj.code, "project": project.code, "name": project.name}
