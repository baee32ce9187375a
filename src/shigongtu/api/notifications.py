"""API for notifications: a person's inbox (list, mark read, unread count), a plan's rules
(coordinators: list, create, change, delete) and its send log (coordinators).

Handlers find the plan in the user's scope (404 out of sight, 403 seen but not allowed), call the
service or selector and shape the answer; every rule lives in ``shigongtu.notifications``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from shigongtu.notifications import selectors, services
from shigongtu.notifications.models import NotificationRule
from shigongtu.orgs.access import MANAGE, scoped
from shigongtu.plans.models import Plan

router = Router(tags=["notifications"])
MAX_PAGE = 200


class RuleIn(Schema):
    kind: str | None = None
    days: int | str | None = None
    escalate_after: int | str | None = None
    roles: list[str] | str | None = None
    unit: str | int | None = None
    channels: list[str] | str | None = None
    enabled: bool = True
    version: int | None = None


class ReadIn(Schema):
    ids: list[int] | None = None  # none: every unread notice


def _plan(request: HttpRequest, code: str) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, MANAGE, code=code)


def _page(qs: Any, page: int, page_size: int) -> tuple[Any, int]:
    p = Paginator(qs, max(1, min(page_size, MAX_PAGE))).get_page(page)
    return p, p.paginator.count


@router.get("/notifications")
def inbox(request: HttpRequest, unread: bool = False, page: int = 1, page_size: int = 50) -> Any:
    """The signed-in person's notices, newest first."""
    qs = selectors.inbox(request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    p, total = _page(qs, page, page_size)
    return {"total": total, "unread": selectors.unread_count(request.user),
            "notices": [selectors.notice_dict(n) for n in p.object_list]}


@router.get("/notifications/unread")
def unread(request: HttpRequest) -> Any:
    """The bell's number."""
    return {"unread": selectors.unread_count(request.user)}


@router.post("/notifications/read")
def mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    """Mark the given notices (or all unread ones) read; only the person's own."""
    return {"marked": services.mark_read(request.user, payload.ids)}


@router.get("/plans/{code}/notification-rules")
def list_rules(request: HttpRequest, code: str) -> Any:
    plan = _plan(request, code)
    return {"plan": plan.code, "rules": [selectors.rule_dict(r) for r in selectors.rules(plan)]}


@router.post("/plans/{code}/notification-rules", response={201: dict[str, Any]})
def create_rule(request: HttpRequest, code: str, payload: RuleIn) -> Any:
    plan = _plan(request, code)
    rule = services.save_rule(plan, payload.dict(exclude={"version"}), request.user)
    return 201, selectors.rule_dict(rule)


@router.put("/plans/{code}/notification-rules/{rule_id}")
def update_rule(request: HttpRequest, code: str, rule_id: int, payload: RuleIn) -> Any:
    plan = _plan(request, code)
    rule = get_object_or_404(NotificationRule, pk=rule_id, plan=plan)
    rule = services.save_rule(plan, payload.dict(exclude={"version"}), request.user, rule, payload.version)
    return selectors.rule_dict(rule)


@router.delete("/plans/{code}/notification-rules/{rule_id}", response={204: None})
def delete_rule(request: HttpRequest, code: str, rule_id: int, version: int | None = None) -> Any:
    plan = _plan(request, code)
    services.delete_rule(get_object_or_404(NotificationRule, pk=rule_id, plan=plan), request.user, version)
    return 204, None


@router.get("/plans/{code}/notification-log")
def send_log(request: HttpRequest, code: str, status: str = "", channel: str = "", page: int = 1,
             page_size: int = 50) -> Any:
    """The plan's send log (发送记录): every delivery, newest first."""
    plan = _plan(request, code)
    p, total = _page(selectors.send_log(plan, status, channel), page, page_size)
    return {"plan": plan.code, "total": total, "deliveries": [selectors.delivery_dict(d) for d in p.object_list]}
