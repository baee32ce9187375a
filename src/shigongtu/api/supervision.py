"""API for supervision items (督办事项): the list with filters and counts, the summary and map at
d, registration and every action of the lifecycle.

Handlers find the object in the user's scope (404 out of sight, 403 seen but not allowed), call
the service and shape the answer; every rule lives in ``shigongtu.supervision``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from shigongtu.api import paging
from shigongtu.api.types import PageNo, PageSize
from shigongtu.lib.errors import FieldError, InputRejected
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of
from shigongtu.supervision import selectors, services
from shigongtu.supervision.documents import item_document, supervision_document
from shigongtu.supervision.models import ItemEvent, SupervisionItem

router = Router(tags=["supervision"])
Raw = Decimal | str | None  # dates, coordinates and units are read by the services like ledger cells


class ItemIn(Schema):
    code: str | None = None
    title: str | None = None
    source: str | None = None
    campaign: str | None = None
    doc_no: str | None = None
    doc_kind: str | None = None
    clause: str | None = None
    original_text: str | None = None
    content: str | None = None
    target: str | None = None
    measures: str | None = None
    standard: str | None = None
    lead_unit: str | None = None
    supporting_units: str | None = None
    leader: str | None = None
    contact: str | None = None
    assigned_on: Raw = None
    deadline: Raw = None
    horizon: str | None = None
    report_cycle: str | None = None
    status: str | None = None
    closed_on: Raw = None
    progress: str | None = None
    lng: Raw = None
    lat: Raw = None
    area: Raw = None
    finding_type: str | None = None
    verified_by: str | None = None
    verified_on: Raw = None
    verifier: str | None = None
    node: str | None = None
    project: str | None = None
    enterprise: str | None = None
    version: int | None = None


class ActionIn(Schema):
    """One action on an item; which fields it reads depends on the action."""

    on: str | None = None
    text: str = ""
    evidence: str = ""
    person: str = ""
    approve: bool = True
    new_deadline: str | None = None
    verified_by: str = ""
    verifier: str = ""
    photo: str = ""
    nodes_done: list[str] | None = None
    version: int | None = None


class DecisionIn(Schema):
    approve: bool
    on: str | None = None
    note: str = ""


def _plan(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def _item(request: HttpRequest, code: str, item: str, action: str = VIEW) -> SupervisionItem:
    plan = _plan(request, code)
    qs = SupervisionItem.objects.select_related("plan", "lead_unit")
    return scoped(qs, request.user, action, plan=plan, code=item)


def _as_of(plan: Plan, as_of: dt.date | None) -> dt.date:
    return as_of or default_as_of(plan)


def _detail(item: SupervisionItem, as_of: dt.date | None = None) -> dict[str, Any]:
    item = SupervisionItem.objects.select_related("plan", "lead_unit").get(pk=item.pk)
    doc = item_document(item, _as_of(item.plan, as_of), selectors.yellow_days(item.plan))
    doc.update(content=item.content, target=item.target, measures=item.measures, progress=item.progress,
               verified_by=item.verified_by, verified_on=item.verified_on, verifier=item.verifier,
               time_nodes=item.time_nodes, events=[
                   {"id": e.pk, "kind": e.kind, "on": e.on, "text": e.text, "evidence": e.evidence,
                    "person": e.person, "step": e.step, "new_deadline": e.new_deadline, "decision": e.decision}
                   for e in item.events.order_by("on", "id")])
    return doc


@router.get("/plans/{code}/supervision")
def list_items(request: HttpRequest, code: str, page: PageNo = 1, page_size: PageSize = 50,
               as_of: dt.date | None = None, cursor: paging.Cursor | None = None,
               limit: paging.PageLimit | None = None) -> Any:
    """Items, 50 a page, with filters ``source``, ``campaign``, ``state``, ``light``, ``unit`` (id),
    ``overdue`` and ``q``; ``lights`` counts the filtered items by light (the light filter aside).
    ``limit`` or ``cursor`` pages by keyset (``next``); else ``page`` and ``page_size`` as before."""
    plan = _plan(request, code)
    flt = selectors.ItemFilter.from_params(request.GET)
    if flt.problems:
        raise InputRejected([FieldError(f"无法识别的筛选条件：{v}", field=f, value=v) for f, v in flt.problems])
    day = _as_of(plan, as_of)
    days = selectors.yellow_days(plan)
    base = selectors.items(plan)
    qs = flt.apply(base, day, days).select_related("lead_unit").order_by("code")
    shown = paging.window(qs, page, page_size, cursor, limit)
    rows = paging.in_order(SupervisionItem.objects.filter(pk__in=shown.keys).select_related("lead_unit"), shown.keys)
    return {"count": shown.count, "page": shown.page, "pages": shown.pages, "as_of": day, "next": shown.next,
            "lights": selectors.light_counts(flt.apply(base, day, days, skip_light=True), day, days),
            "results": [item_document(i, day, days) for i in rows]}


@router.get("/plans/{code}/supervision/document")
def document(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """The contract's supervision document (§4): every item at d and the summary."""
    plan = _plan(request, code)
    return supervision_document(plan, _as_of(plan, as_of))


@router.get("/plans/{code}/supervision/summary")
def summary(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """The summary at d, the counts by light and the overdue items by unit (the dashboard card)."""
    plan = _plan(request, code)
    day = _as_of(plan, as_of)
    card = selectors.card(plan, day)
    return {"plan": plan.code, "as_of": day, "summary": card.summary.as_dict(), "lights": card.lights,
            "overdue_by_unit": [{"unit": g.unit, "count": g.count, "leaders": list(g.leaders)}
                                for g in card.overdue_by_unit]}


@router.get("/plans/{code}/supervision/map")
def map_json(request: HttpRequest, code: str, as_of: dt.date | None = None) -> Any:
    """Findings with coordinates (WGS84), by type and light."""
    plan = _plan(request, code)
    day = _as_of(plan, as_of)
    # 50,000 items give tens of thousands of points: encoded once here, not field by field.
    return HttpResponse(selectors.map_json(plan, day), content_type="application/json")


@router.post("/plans/{code}/supervision", response={201: dict[str, Any]})
def create_item(request: HttpRequest, code: str, payload: ItemIn) -> Any:
    plan = _plan(request, code, MANAGE)
    item = services.save_item(plan, _data(payload), request.user)
    return 201, _detail(item)


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    return data


@router.get("/plans/{code}/supervision/{item}")
def get_item(request: HttpRequest, code: str, item: str, as_of: dt.date | None = None) -> Any:
    return _detail(_item(request, code, item), as_of)


@router.patch("/plans/{code}/supervision/{item}")
def update_item(request: HttpRequest, code: str, item: str, payload: ItemIn) -> Any:
    found = _item(request, code, item, MANAGE)
    saved = services.save_item(found.plan, _data(payload), request.user, found, payload.version)
    return _detail(saved)


ACTIONS = ("assign", "acknowledge", "progress", "extension", "done", "review", "verify", "no-action", "escalate")


@router.post("/plans/{code}/supervision/{item}/{action}")
def act(request: HttpRequest, code: str, item: str, action: str, payload: ActionIn) -> Any:
    """One step of the lifecycle: ``acknowledge``, ``progress``, ``extension`` (ask), ``done``
    (申请办结) and ``verify`` by the lead unit; ``assign``, ``review`` (approve or return),
    ``no-action`` and ``escalate`` by the coordinator."""
    if action not in ACTIONS:
        raise InputRejected(f"未知的操作：{action}（可用：{'、'.join(ACTIONS)}）", field="action", value=action)
    right = REPORT if action in ("acknowledge", "progress", "extension", "done", "verify") else MANAGE
    found = _item(request, code, item, VIEW)
    p, user, v = payload, request.user, payload.version
    if right == MANAGE:
        found = _item(request, code, item, MANAGE)
    if action == "assign":
        services.assign(found, user, on=p.on, expected_version=v)
    elif action == "acknowledge":
        services.acknowledge(found, user, on=p.on, person=p.person, expected_version=v)
    elif action == "progress":
        services.report_progress(found, p.text, user, on=p.on, evidence=p.evidence, nodes_done=p.nodes_done,
                                 expected_version=v)
    elif action == "extension":
        services.request_extension(found, p.new_deadline, p.text, user, on=p.on, expected_version=v)
    elif action == "done":
        services.apply_done(found, p.text, p.evidence, user, on=p.on, expected_version=v)
    elif action == "review":
        services.review(found, p.approve, user, on=p.on, person=p.person, evidence=p.evidence, note=p.text,
                        expected_version=v)
    elif action == "verify":
        services.verify(found, p.verified_by, p.on, p.verifier, p.photo, user, expected_version=v)
    elif action == "no-action":
        services.mark_no_action(found, p.text, p.evidence, user, on=p.on, expected_version=v)
    else:
        services.escalate(found, p.text, user, on=p.on, expected_version=v)
    return _detail(found)


@router.post("/supervision-extensions/{event_id}/decide")
def decide(request: HttpRequest, event_id: int, payload: DecisionIn) -> Any:
    """The coordinator approves or refuses an extension request."""
    event = ItemEvent.objects.select_related("item", "item__plan").filter(pk=event_id, kind="extension_asked").first()
    item = scoped(SupervisionItem.objects.all(), request.user, MANAGE,
                      pk=event.item_id if event is not None else 0)
    assert event is not None
    services.decide_extension(event, payload.approve, request.user, on=payload.on, note=payload.note)
    return _detail(item)
