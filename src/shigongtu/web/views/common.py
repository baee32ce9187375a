"""What every page does first: find the plan or node the user may reach, read the as-of date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from shigongtu.orgs.access import MANAGE, VIEW, scoped
from shigongtu.plans.figures import review_waiting
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.selectors import default_as_of


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def today() -> dt.date:
    return timezone.localdate()


def plan_for(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    """The plan ``code``: 404 when the user cannot see it, 403 when seen but ``action`` is not allowed."""
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def node_for(request: HttpRequest, plan: Plan, code: str, action: str = VIEW) -> Node:
    return scoped(
        Node.objects.select_related("lead_unit"), request.user, action, plan=plan, code=code
    )


def may(user: Any, plan: Plan, action: str) -> bool:
    return bool(Plan.objects.for_user(user, action).filter(pk=plan.pk).exists())


def as_of_for(request: HttpRequest, plan: Plan) -> tuple[dt.date, bool]:
    """The as-of date asked for (``?as_of=YYYY-MM-DD``) or the plan's default.

    The flag says a date other than the default was asked for, so links carry it on.
    """
    default = default_as_of(plan, today())
    raw = (request.GET.get("as_of") or "").strip()
    if raw:
        try:
            chosen = dt.date.fromisoformat(raw)
        except ValueError:
            return default, False  # a hand-typed bad date falls back to the default, which the page shows
        return chosen, chosen != default
    return default, False


def bad_as_of(request: HttpRequest) -> str:
    """The as-of text when it is not a date (the page says it used the default instead)."""
    raw = (request.GET.get("as_of") or "").strip()
    try:
        if raw:
            dt.date.fromisoformat(raw)
    except ValueError:
        return raw
    return ""


def node_prefix(plan: Plan) -> str:
    """The URL of the plan's nodes without the code: ``/plans/JY-2023/nodes/`` (one reverse per page)."""
    return reverse("web:plan", args=[plan.code]) + "nodes/"


def review_count(plan: Plan) -> int:
    """Reports waiting for review (待审核): the read model's one count (the dashboard shows the same)."""
    return review_waiting(plan)


def plan_nav(request: HttpRequest, plan: Plan, active: str, as_of: dt.date | None = None,
             chosen: bool = False) -> dict[str, Any]:
    """Context for the left navigation and the top bar of a plan's pages (two small queries)."""
    manage = may(request.user, plan, MANAGE)
    waiting = review_count(plan) if manage else 0
    return {
        "plan": plan,
        "nav_active": active,
        "nav_manage": manage,
        "nav_review_count": waiting,
        "as_of_query": f"as_of={as_of.isoformat()}" if as_of and chosen else "",
    }
