"""The command dashboard (驾驶舱), its big-screen mode (大屏) and their chart endpoints.

Views parse the plan, the as-of month and the org unit, take the assembled (and cached)
picture from :mod:`shigongtu.dashboard.data` and render it; charts are ECharts options
built by :mod:`shigongtu.dashboard.charts` from the same cached picture.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from shigongtu.dashboard.charts import CHARTS, ChartContext
from shigongtu.dashboard.data import Dashboard, dashboard_default_as_of, get_dashboard, month_choices
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import Scope
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.figures import review_waiting
from shigongtu.plans.models import Plan
from shigongtu.utilities.cache import CACHE_SECONDS, cached_for_plan
from shigongtu.web.views.common import node_prefix, plan_for, today

BIGSCREEN_REFRESH_SECONDS = 300


def dashboard_as_of(request: HttpRequest, plan: Plan) -> tuple[dt.date, bool, dt.date]:
    """The as-of date asked for (``?as_of=YYYY-MM-DD`` or ``YYYY-MM`` for that month's end), whether it
    differs from the default (the latest complete month), and the default."""
    default = dashboard_default_as_of(plan, today())
    raw = (request.GET.get("as_of") or "").strip()
    chosen = default
    if raw:
        try:
            chosen = Period.parse(raw).last_day if len(raw) == 7 else dt.date.fromisoformat(raw)
        except ValueError:
            chosen = default  # a hand-typed bad date falls back to the default, which the page shows
    return chosen, chosen != default, default


def unit_param(request: HttpRequest) -> int | None:
    raw = (request.GET.get("unit") or "").strip()
    return int(raw) if raw.isdigit() else None


def project_prefix(plan: Plan) -> str:
    """``/plans/<code>/projects/`` when the project pages are installed, else ''."""
    try:
        return reverse("projects_web:list", args=[plan.code])
    except NoReverseMatch:
        return ""


def _optional_url(name: str, code: str) -> str:
    try:
        return reverse(name, args=[code])
    except NoReverseMatch:
        return ""


def _digest(text: str) -> str:
    """A short stable digest for cache keys (names and URLs may hold spaces or run long)."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def scoped_unit(plan: Plan, unit_id: int | None) -> int | None:
    """The unit asked for when it is the plan's unit or below it, else None (the whole plan).

    Checked (and remembered) before anything is built, so odd ids never cost an assembly each."""
    if unit_id is None or unit_id == plan.unit_id:
        return None
    key = f"shigongtu:dashboard:unit:{plan.unit_id}:{unit_id}"
    within = cache.get(key)
    if within is None:
        within = OrgUnit.objects.filter(pk=unit_id, path__startswith=plan.unit.path).exists()
        cache.set(key, within, CACHE_SECONDS)
    return unit_id if within else None


def _request(request: HttpRequest, code: str) -> tuple[Plan, dt.date, bool, dt.date, int | None]:
    plan = plan_for(request, code)
    as_of, _, default = dashboard_as_of(request, plan)
    as_of = min(max(as_of, plan.start_date), plan.end_date)  # a year's dashboard: dates outside read its ends
    return plan, as_of, as_of != default, default, scoped_unit(plan, unit_param(request))


def content_context(plan: Plan, data: Dashboard, chosen: bool, default: dt.date) -> dict[str, Any]:
    """What the content templates need: the picture and the URLs around it (nothing of the user)."""
    params: dict[str, str] = {}
    if chosen:
        params["as_of"] = data.as_of.isoformat()
    if data.scope.ids is not None:
        params["unit"] = str(data.scope.unit_id)
    return {
        "plan": plan, "d": data, "as_of": data.as_of, "chosen": chosen, "default_as_of": default,
        "default_as_of_shown": not chosen,
        "as_of_query": f"as_of={data.as_of.isoformat()}" if chosen else "",
        "months": month_choices(plan, default), "query": urlencode(params),
        "node_prefix": node_prefix(plan), "tree_url": reverse("web:plan", args=[plan.code]),
        "tree_unit": f"&unit={data.scope.unit_id}" if data.scope.exact and data.scope.ids is not None else "",
        "warnings_url": reverse("web:warnings", args=[plan.code]),
        "projects_url": project_prefix(plan),
        "project_warnings_url": _optional_url("projects_web:warnings", plan.code),
        "refresh_seconds": BIGSCREEN_REFRESH_SECONDS,
        "dashboard_url": reverse("dashboard_web:dashboard", args=[plan.code]),
    }


def _content(request: HttpRequest, code: str, template: str) -> tuple[Plan, dt.date, bool, str]:
    """The page's content HTML, from the cache when this picture was rendered in this language before."""
    plan, as_of, chosen, default, unit_id = _request(request, code)
    key = f"dashboard:{as_of.isoformat()}:{unit_id or 0}:{template}:{get_language()}:{int(chosen)}"
    html = cached_for_plan(plan, key, lambda: render_to_string(
        template, content_context(plan, get_dashboard(plan, as_of, unit_id), chosen, default)), str)
    return plan, as_of, chosen, html


def dashboard_nav(request: HttpRequest, plan: Plan, as_of: dt.date, chosen: bool) -> dict[str, Any]:
    """``plan_nav``'s context without its two queries: the manage right from the user's scope (the
    rule ``Plan.objects.for_user(user, MANAGE)`` applies), the review count cached per revision
    (filing and reviewing a report both bump it). The dashboard is the page most often reloaded."""
    manage = Scope.of(request.user).can_manage_unit(plan.unit.path)
    waiting = 0
    if manage:
        waiting = review_waiting(plan)  # kept by the read model, brought forward from the journal
    nav = {"plan": plan, "nav_active": "dashboard", "nav_manage": manage, "nav_review_count": waiting,
           "as_of_query": f"as_of={as_of.isoformat()}" if chosen else ""}
    # The menu is the same for this user on every reload: rendered once (no CSRF token in it).
    user = request.user
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    key = (f"shigongtu:dashboard:nav:{user.pk}:{_digest(name + plan.code)}:{plan.pk}:{int(manage)}:{waiting}:"
           f"{nav['as_of_query']}:{get_language()}")
    html = cache.get(key)
    if not isinstance(html, str):
        html = render_to_string("web/components/nav.html", {**nav, "user": user})
        cache.set(key, html, CACHE_SECONDS)
    nav["nav_html"] = mark_safe(html)  # noqa: S308 (our own template's output)
    return nav


@login_required
@require_GET
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """驾驶舱: KPIs against target and time, fronts, warnings, investment, projects, map, ranking."""
    plan, as_of, chosen, html = _content(request, code, "web/dashboard/_dashboard.html")
    return render(request, "web/dashboard/dashboard.html", {
        **dashboard_nav(request, plan, as_of, chosen), "content_html": mark_safe(html),  # noqa: S308
    })


@login_required
@require_GET
def bigscreen(request: HttpRequest, code: str) -> HttpResponse:
    """大屏: the same picture for the meeting-room wall (1920×1080, dark), refreshing itself."""
    plan, _, _, html = _content(request, code, "web/dashboard/_bigscreen.html")
    return render(request, "web/dashboard/bigscreen.html", {
        "plan": plan, "refresh_seconds": BIGSCREEN_REFRESH_SECONDS, "content_html": mark_safe(html),  # noqa: S308
    })


@login_required
@require_GET
def chart(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """One chart's ECharts option as JSON (``?as_of=&unit=&theme=dark``), cached with the picture."""
    builder = CHARTS.get(name)
    if builder is None:
        raise Http404
    plan, as_of, _, _, unit_id = _request(request, code)
    dark = request.GET.get("theme") == "dark"
    tiles = str(getattr(settings, "MAP_TILE_URL", "") or "")
    key = f"dashboard:{as_of.isoformat()}:{unit_id or 0}:chart:{name}:{get_language()}:{int(dark)}:{_digest(tiles)}"

    def build() -> bytes:
        ctx = ChartContext(plan_code=plan.code, node_prefix=node_prefix(plan), project_prefix=project_prefix(plan),
                           tile_url=tiles, dark=dark,
                           supervision_prefix=reverse("supervision_web:list", args=[plan.code]))
        option = builder(get_dashboard(plan, as_of, unit_id), ctx)
        return json.dumps(option, ensure_ascii=False, separators=(",", ":")).encode()

    body = cached_for_plan(plan, key, build, bytes)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, max-age=60"
    return response
