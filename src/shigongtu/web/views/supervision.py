"""Supervision pages: the list (filters, counts by light) and the item page (timeline, actions by role).

Views parse, call ``shigongtu.supervision`` and render; rules and scoping live there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shigongtu.bulletins import supervision_weekly
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.supervision import selectors, services
from shigongtu.supervision.models import ItemEvent, SupervisionItem, SupervisionSettings
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.web.views.common import as_of_for, bad_as_of, plan_for, plan_nav

LIGHT_WORDS = {"red": gettext_lazy("逾期"), "yellow": gettext_lazy("临期"), "green": gettext_lazy("正常"),
               "done": gettext_lazy("已办结")}
LIST_FIELDS = ("code", "title", "source", "campaign", "status", "deadline", "original_deadline", "long_term",
               "closed_on", "node_due", "feedback_due", "leader", "escalation", "finding_type", "lead_unit__name",
               "plan_id", "lead_unit_id")
REPORT_ACTIONS = ("acknowledge", "progress", "extension", "done", "verify")
MANAGE_ACTIONS = ("assign", "review", "return", "no_action", "escalate", "decide")


def _item(request: HttpRequest, plan: Plan, code: str, action: str = VIEW) -> SupervisionItem:
    qs = SupervisionItem.objects.select_related("plan", "plan__unit", "lead_unit", "node", "project")
    return scoped(qs, request.user, action, plan=plan, code=code)


@login_required
@require_GET
def item_list(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's items: filters (source, campaign, state, light, unit, overdue, text), counts by
    light, 50 a page; the query count does not grow with the page (pinned in the tests)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    days = selectors.yellow_days(plan)
    flt = selectors.ItemFilter.from_params(request.GET)
    base = selectors.items(plan)
    counted = _counted(plan, as_of, days, flt)
    summary, counts, campaigns = counted["summary"], counted["counts"], counted["campaigns"]
    qs = flt.apply(base, as_of, days).select_related("lead_unit").only(*LIST_FIELDS).order_by("code")
    paginator = WindowPaginator(qs, selectors.PAGE_SIZE)
    # The matches follow from the counts by light: no COUNT over the filtered list.
    paginator.count = counts["red"] if flt.overdue and not flt.light else (
        counts[flt.light] if flt.light and (not flt.overdue or flt.light == "red") else
        0 if flt.light else sum(counts.values()))
    page = paginator.get_page(request.GET.get("page"))
    paginator.current = page.number
    rows = list(page.object_list)
    for item in rows:
        item.light = selectors.light_of(item, as_of, days)
        item.light_label = LIGHT_WORDS[item.light]
    params = request.GET.copy()
    params.pop("page", None)
    light_params = request.GET.copy()
    for key in ("page", "light"):
        light_params.pop(key, None)
    context = {
        **plan_nav(request, plan, "supervision", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "flt": flt, "page": page, "rows": rows,
        "querystring": params.urlencode(), "light_query": light_params.urlencode(),
        "summary": summary, "rates": {"done": f"{summary.done_rate * 100:.1f}%",
                                      "closed": f"{summary.closure_rate * 100:.1f}%"},
        "light_links": [(k, label, counts[k]) for k, label in LIGHT_WORDS.items()],
        "sources": lc.SOURCES, "states": lc.STATES, "campaigns": campaigns,
        "units": list(OrgUnit.objects.filter(path__startswith=plan.unit.path).exclude(pk=plan.unit_id)
                      .order_by("path").values_list("pk", "name")),
        "detail_prefix": reverse("supervision_web:list", args=[plan.code]),
    }
    return render(request, "web/supervision/list.html", context)


@login_required
@require_GET
def weekly_docx(request: HttpRequest, code: str) -> HttpResponse:
    """The weekly 督办周报 (.docx) of the week holding ``?week_of=`` (else the page's as-of date)."""
    plan = plan_for(request, code)
    as_of, _chosen = as_of_for(request, plan)
    raw = str(request.GET.get("week_of") or "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else as_of
    except ValueError:
        day = as_of
    week = selectors.weekly(plan, day, until=as_of)
    response = HttpResponse(supervision_weekly.render(week), content_type=supervision_weekly.DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, supervision_weekly.filename(week))
    return response


class WindowPaginator(Paginator):
    """A paginator whose ``page_range`` holds only the pages the pager shows (first, last and three
    either side of the current one): 1,000 pages of items need not render 1,000 links' checks."""

    current = 1

    @property
    def page_range(self) -> Any:
        last = self.num_pages
        near = range(max(1, self.current - 3), min(last, self.current + 3) + 1)
        return sorted({1, last, *near})


def _counted(plan: Plan, as_of: Any, days: int, flt: selectors.ItemFilter) -> dict[str, Any]:
    """The plan's summary, the filtered counts by light and the campaigns, computed once per plan
    revision (every write bumps it), as of date and filter: paging costs no counting."""
    unfiltered = not any(v for k, v in flt.params().items() if k != "light")
    key = "supervision:counts:" + hashlib.sha256(
        f"{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}:{as_of}:{sorted(flt.params().items())}".encode()
    ).hexdigest()
    found = cache.get(key)
    if found is None:
        base = selectors.items(plan)
        counts, closed = selectors.tally(base, as_of, days)
        summary = selectors.summary_of(counts, closed)
        if not unfiltered:
            counts = selectors.light_counts(flt.apply(base, as_of, days, skip_light=True), as_of, days)
        found = {"summary": summary, "counts": counts, "campaigns": selectors.campaigns(plan)}
        cache.set(key, found, 600)
    return found


def _can(user: Any, item: SupervisionItem, action: str) -> bool:
    return bool(SupervisionItem.objects.for_user(user, action).filter(pk=item.pk).exists())


@login_required
@require_GET
def item_detail(request: HttpRequest, code: str, item: str) -> HttpResponse:
    """One item: its facts, the deadline (and the original one), the timeline and the actions the
    user may take (the lead unit acknowledges and reports, the coordinator reviews and 销号)."""
    plan = plan_for(request, code)
    found = _item(request, plan, item)
    as_of, chosen = as_of_for(request, plan)
    settings = SupervisionSettings.for_plan(plan)
    events = list(found.events.select_related("by").order_by("on", "id"))
    pending = [e for e in events if e.kind == ItemEvent.Kind.EXTENSION_ASKED and e.decision == "pending"]
    steps = settings.steps
    context = {
        **plan_nav(request, plan, "supervision", as_of, chosen),
        "as_of": as_of, "item": found, "light": selectors.light_of(found, as_of, settings.yellow_days),
        "events": events, "pending": pending, "steps": steps,
        "next_step": _(steps[min(found.review_step, len(steps) - 1)]) if found.status == lc.DONE else "",
        "can_report": _can(request.user, found, REPORT), "can_manage": _can(request.user, found, MANAGE),
        "open": found.status in lc.OPEN_STATES, "remote": found.source == lc.REMOTE_SENSING,
    }
    return render(request, "web/supervision/detail.html", context)


@login_required
@require_POST
def item_action(request: HttpRequest, code: str, item: str, action: str) -> HttpResponse:
    """One lifecycle step from the item page's forms; errors come back as messages on the page."""
    plan = plan_for(request, code)
    found = _item(request, plan, item)
    url = reverse("supervision_web:detail", args=[plan.code, found.code])
    if action not in REPORT_ACTIONS + MANAGE_ACTIONS:
        raise PermissionDenied
    data = request.POST
    version = int(data["version"]) if str(data.get("version") or "").isdigit() else None
    try:
        _do(action, found, data, request.user, version)
    except InputRejected as exc:
        for p in exc.problems:
            messages.error(request, p.message_in(get_language()))
        return redirect(url)
    except NotAllowed:
        raise PermissionDenied from None
    except Conflict:
        messages.error(request, _("事项已被他人修改，请刷新后重试"))
        return redirect(url)
    messages.success(request, _("已保存"))
    return redirect(url)


def _do(action: str, item: SupervisionItem, data: Any, user: Any, version: int | None) -> None:
    on = data.get("on") or None
    text, evidence = data.get("text", ""), data.get("evidence", "")
    if action == "acknowledge":
        services.acknowledge(item, user, on=on, person=data.get("person", ""), expected_version=version)
    elif action == "progress":
        services.report_progress(item, text, user, on=on, evidence=evidence, expected_version=version)
    elif action == "extension":
        services.request_extension(item, data.get("new_deadline") or None, text, user, on=on,
                                   expected_version=version)
    elif action == "done":
        services.apply_done(item, text, evidence, user, on=on, expected_version=version)
    elif action == "verify":
        services.verify(item, data.get("verified_by", ""), on, data.get("verifier", ""), data.get("photo", ""), user,
                        expected_version=version)
    elif action in ("review", "return"):
        services.review(item, action == "review", user, on=on, person=data.get("person", ""), evidence=evidence,
                        note=text, expected_version=version)
    elif action == "assign":
        services.assign(item, user, on=on, expected_version=version)
    elif action == "no_action":
        services.mark_no_action(item, text, evidence, user, on=on, expected_version=version)
    elif action == "escalate":
        services.escalate(item, text, user, on=on, expected_version=version)
    else:
        event = ItemEvent.objects.filter(item=item, pk=data.get("event") or 0).first()
        if event is None:
            raise InputRejected(_("没有这条延期申请"), field="event")
        services.decide_extension(event, data.get("approve") == "1", user, on=on, note=text)
