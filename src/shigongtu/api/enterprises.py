"""API for the enterprise registry (企业梯度培育): the list with filters, an enterprise with its tiers,
figures and criteria, the summary at d, and the writes.

Handlers only find the object in the user's scope (404 out of sight, 403 seen but not
allowed), call the service or selector and shape the answer; every rule lives in
``shigongtu.enterprises``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from shigongtu.api import paging
from shigongtu.api.types import PageNo, PageSize
from shigongtu.enterprises import selectors, services
from shigongtu.enterprises.models import Enterprise
from shigongtu.enterprises.rules import tiers as T
from shigongtu.orgs.access import MANAGE, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of

router = Router(tags=["enterprises"])

Raw = Decimal | int | str | None  # amounts, dates and codes are read by the services like ledger cells


class TierOut(Schema):
    tier: str
    level: str
    status: str
    certificate_no: str
    batch: str
    granted_on: dt.date | None
    expires_on: dt.date | None
    renewal_filed: dt.date | None
    version: int
    valid: bool = False


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    unit: str
    industry: str
    registered_on: dt.date | None
    above_scale: bool
    above_scale_on: dt.date | None
    address: str
    leader: str
    officer: str
    version: int
    tiers: list[TierOut]


class EnterprisePage(Schema):
    count: int
    page: int | None  # None when paged by cursor
    pages: int
    as_of: dt.date
    results: list[EnterpriseOut]
    next: str | None = None  # the cursor of the next page (keyset paging), None on the last


class EnterpriseIn(Schema):
    name: str | None = None
    credit_code: str | None = None
    industry: str | None = None
    registered_on: Raw = None
    above_scale: bool | str | None = None
    above_scale_on: Raw = None
    address: str | None = None
    leader: str | None = None
    officer: str | None = None
    version: int | None = None


class TierIn(Schema):
    tier: str
    level: str | None = None
    status: str | None = None
    certificate_no: str | None = None
    batch: str | None = None
    granted_on: Raw = None
    expires_on: Raw = None
    renewal_filed: Raw = None
    version: int | None = None


class YearIn(Schema):
    year: int | str
    revenue: Raw = None
    rd_expense: Raw = None
    staff_total: Raw = None
    tech_staff: Raw = None
    ip_class1: Raw = None
    ip_class2: Raw = None
    equity_financing: Raw = None
    version: int | None = None


def _plan(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def _enterprise(request: HttpRequest, code: str, credit_code: str, action: str = VIEW) -> Enterprise:
    plan = _plan(request, code)
    qs = Enterprise.objects.within(plan.unit).select_related("unit")
    return scoped(qs, request.user, action, credit_code=credit_code.upper())


def _out(e: Enterprise, as_of: dt.date) -> dict[str, Any]:
    tiers = sorted(e.tiers.all(), key=lambda r: T.TIERS.index(r.tier) if r.tier in T.TIERS else 99)
    return {
        **{f: getattr(e, f) for f in ("credit_code", "name", "industry", "registered_on", "above_scale",
                                      "above_scale_on", "address", "leader", "officer", "version")},
        "unit": e.unit.name,
        "tiers": [{**{f: getattr(r, f) for f in ("tier", "level", "status", "certificate_no", "batch", "granted_on",
                                                 "expires_on", "renewal_filed", "version")},
                   "valid": T.is_valid(r.status, r.granted_on, r.expires_on, as_of)} for r in tiers],
    }


def _given(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k != "version"}


@router.get("/plans/{code}/enterprises", response=EnterprisePage)
def list_enterprises(request: HttpRequest, code: str, page: PageNo = 1, page_size: PageSize = 50,
                     as_of: dt.date | None = None, cursor: paging.Cursor | None = None,
                     limit: paging.PageLimit | None = None) -> Any:
    """The registry of the plan's unit and below, with filters ``tier``, ``status``, ``expiring``
    (valid and ending within 180 days of ``as_of``), ``valid``, ``industry``, ``leader``, ``q``.
    ``limit`` or ``cursor`` pages by keyset (``next``); else ``page`` and ``page_size`` as before."""
    plan = _plan(request, code)
    as_of = as_of or default_as_of(plan)
    shown = paging.window(selectors.registry(plan.unit, selectors.Filters.read(request.GET), as_of),
                          page, page_size, cursor, limit)
    return {"count": shown.count, "page": shown.page, "pages": shown.pages, "as_of": as_of, "next": shown.next,
            "results": [_out(e, as_of) for e in selectors.page_rows(shown.keys, "unit")]}


@router.post("/plans/{code}/enterprises", response={201: EnterpriseOut})
def register(request: HttpRequest, code: str, payload: EnterpriseIn) -> Any:
    plan = _plan(request, code, MANAGE)
    e = services.register_enterprise(plan.unit, _given(payload), request.user)
    return 201, _out(Enterprise.objects.select_related("unit").get(pk=e.pk), default_as_of(plan))


@router.get("/plans/{code}/enterprises/summary")
def summary(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """Each tier's counts at d, the registry-sourced targets (stock rule), the funnel, expiring soon."""
    plan = _plan(request, code)
    as_of = as_of or default_as_of(plan)
    s = selectors.summary(plan, as_of)
    return {"plan": plan.code, "as_of": as_of, "tiers": [dataclasses.asdict(c) for c in s.tiers],
            "targets": [dataclasses.asdict(t) for t in s.targets], "funnel": [dataclasses.asdict(f) for f in s.funnel],
            "expiring": [dataclasses.asdict(x) for x in selectors.expiring(plan.unit, as_of, unrenewed_only=True)]}


@router.get("/plans/{code}/enterprises/{credit_code}")
def get_enterprise(request: HttpRequest, code: str, credit_code: str, as_of: dt.date | None = None) -> Any:
    """One enterprise: its tiers, yearly figures and which criteria of each tier it meets."""
    e = _enterprise(request, code, credit_code)
    as_of = as_of or timezone.localdate()
    doc = _out(e, as_of)
    doc["years"] = list(e.years.order_by("-year").values("year", "revenue", "rd_expense", "staff_total", "tech_staff",
                                                        "ip_class1", "ip_class2", "equity_financing", "version"))
    doc["criteria"] = {tier: [{"code": r.criterion.code, "label": r.criterion.label, "outcome": r.outcome,
                               "actual": r.actual, "threshold": r.criterion.value, "op": r.criterion.op}
                              for r in results] for tier, results in selectors.eligibility(e).items()}
    return doc


@router.patch("/plans/{code}/enterprises/{credit_code}", response=EnterpriseOut)
def update(request: HttpRequest, code: str, credit_code: str, payload: EnterpriseIn) -> Any:
    e = _enterprise(request, code, credit_code, MANAGE)
    services.update_enterprise(e, _given(payload), request.user, payload.version)
    return _out(Enterprise.objects.select_related("unit").get(pk=e.pk), timezone.localdate())


@router.put("/plans/{code}/enterprises/{credit_code}/tiers", response=TierOut)
def save_tier(request: HttpRequest, code: str, credit_code: str, payload: TierIn) -> Any:
    """Record or change the enterprise's standing in one tier (the tier names the record)."""
    e = _enterprise(request, code, credit_code, MANAGE)
    r = services.save_tier(e, _given(payload), request.user, payload.version)
    return {**{f: getattr(r, f) for f in TierOut.model_fields if f != "valid"},
            "valid": T.is_valid(r.status, r.granted_on, r.expires_on, timezone.localdate())}


@router.put("/plans/{code}/enterprises/{credit_code}/years")
def save_year(request: HttpRequest, code: str, credit_code: str, payload: YearIn) -> Any:
    """Record or correct one year's figures (营业收入, 研发费用 … in 万元)."""
    e = _enterprise(request, code, credit_code, MANAGE)
    y = services.save_year(e, _given(payload), request.user, payload.version)
    return {"year": y.year, "revenue": y.revenue, "rd_expense": y.rd_expense, "staff_total": y.staff_total,
            "tech_staff": y.tech_staff, "ip_class1": y.ip_class1, "ip_class2": y.ip_class2,
            "equity_financing": y.equity_financing, "version": y.version}
