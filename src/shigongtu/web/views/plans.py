"""Plan pages: the list, the tree with its indicators, warnings and the review queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from shigongtu.orgs.access import VIEW
from shigongtu.plans import browse
from shigongtu.plans.models import Plan
from shigongtu.plans.rules.warnings import KINDS
from shigongtu.plans.selectors import compute_indicators, compute_warnings, default_as_of, get_rollup
from shigongtu.web import rows
from shigongtu.web.forms import kind_choices, light_choices
from shigongtu.web.tree import RowLinks, TreeFilter, child_rows, rows_html, tree_view
from shigongtu.web.views.common import as_of_for, bad_as_of, node_prefix, plan_for, plan_nav, today

PLANS_PER_PAGE = 20  # the list computes each shown plan's lights, so a page stays small
WARNINGS_PER_PAGE = 100


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the user may see, with their red and yellow counts at each plan's default date."""
    plans = Plan.objects.for_user(request.user, VIEW).select_related("unit").order_by("-year", "code")
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    items = []
    for plan in page.object_list:
        as_of = default_as_of(plan, today())
        rollup = get_rollup(plan, as_of)
        counts = {"red": 0, "yellow": 0}
        for res in rollup.results.values():
            if res.light in counts:
                counts[res.light] += 1
        items.append({"plan": plan, "as_of": as_of, "nodes": len(rollup.order), **counts})
    return render(request, "web/plans/list.html", {"page": page, "items": items, "nav_active": "plans"})


def _tree_context(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    as_of, chosen = as_of_for(request, plan)
    flt = TreeFilter.from_query(request.GET)
    rollup = get_rollup(plan, as_of)
    open_code = (request.GET.get("open") or "").strip()[:100]
    after = (request.GET.get("after") or "").strip()[:100]
    tree = tree_view(rollup, flt, as_of, open_code, after)
    indicators = rows.indicator_rows(compute_indicators(plan, as_of), rollup)
    nav = plan_nav(request, plan, "tree", as_of, chosen)
    return {
        **nav, "tree_html": rows_html(tree.rows, _links(plan, as_of, nav["as_of_query"])),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "default_as_of_shown": not chosen,
        "flt": flt, "tree": tree, "open_code": open_code, "filter_query": _filter_query(request),
        "indicators": indicators, "node_prefix": node_prefix(plan),
        "light_choices": light_choices(), "labels": rows.LIGHT_LABELS,
        "summary": [(light, rows.LIGHT_LABELS[light], tree.counts[light]) for light in rows.LIGHTS],
    }


@login_required
@require_GET
def plan_tree(request: HttpRequest, code: str) -> HttpResponse:
    """The plan tree (施工图) at an as-of date: indicators, a summary of lights, the filterable tree."""
    plan = plan_for(request, code)
    return render(request, "web/plans/tree.html", _tree_context(request, plan))


@login_required
@require_GET
def tree_children(request: HttpRequest, code: str) -> HttpResponse:
    """The rows under one node (HTMX, for big plans whose tree opens with the top levels only)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    rollup = get_rollup(plan, as_of)
    parent = (request.GET.get("parent") or "").strip()
    position = browse.tree_index(rollup).by_code.get(parent)
    if position is None:
        raise Http404
    parent_id = browse.tree_index(rollup).ids[position]
    after = (request.GET.get("after") or "").strip()[:100]
    links = _links(plan, as_of, f"as_of={as_of.isoformat()}" if chosen else "")
    return render(request, "web/plans/_tree_rows.html", {
        "tree_html": rows_html(child_rows(rollup, parent_id, as_of, after), links),
    })


def _links(plan: Plan, as_of: dt.date, as_of_query: str) -> RowLinks:
    return RowLinks(plan_url=reverse("web:plan", args=[plan.code]),
                    children_url=reverse("web:tree_children", args=[plan.code]),
                    node_prefix=node_prefix(plan), as_of=as_of, as_of_query=as_of_query)


@login_required
@require_GET
def warnings(request: HttpRequest, code: str) -> HttpResponse:
    """Warnings (预警) at an as-of date: lagging and overdue nodes, missing reports, lagging indicators."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    rollup = get_rollup(plan, as_of)
    found = compute_warnings(plan, as_of, rollup=rollup)
    kind = request.GET.get("kind") or ""
    light = request.GET.get("light") or ""
    kind = kind if kind in KINDS else ""
    light = light if light in ("red", "yellow") else ""
    counts = {k: 0 for k in KINDS}
    for w in found:
        counts[w.kind] += 1
    shown = [w for w in found if (not kind or w.kind == kind) and (not light or w.light == light)]
    page = Paginator(shown, WARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/plans/warnings.html", {
        **plan_nav(request, plan, "warnings", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "page": page,
        "warning_rows": rows.warning_rows(page.object_list, rollup),
        "total": len(found), "shown": len(shown), "kind": kind, "light": light,
        "kind_choices": kind_choices(), "light_choices": [("", _("全部")), ("red", _("红灯")), ("yellow", _("黄灯"))],
        "querystring": _without_page(request),
        "kind_counts": [(k, rows.KIND_LABELS[k], counts[k]) for k in KINDS],
        "node_prefix": node_prefix(plan),
    })


def _filter_query(request: HttpRequest) -> str:
    """The page's query string without the cursor and the opened branch (for the next-page link)."""
    params = request.GET.copy()
    for key in ("after", "open"):
        params.pop(key, None)
    return params.urlencode()


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
