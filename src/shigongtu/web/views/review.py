"""The coordinator's month: the review queue (审核), filtered by unit, front and light, reviewed in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shigongtu.evidence.selectors import tallies
from shigongtu.lib.errors import Conflict, InputRejected
from shigongtu.orgs.access import MANAGE
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan, Report
from shigongtu.plans.reviews import review_many
from shigongtu.plans.selectors import default_as_of, get_rollup
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.selectors.reviews import investment_awaiting
from shigongtu.web import rows
from shigongtu.web.views.common import node_prefix, plan_for, plan_nav, today

REVIEWS_PER_PAGE = 50
LIGHTS = ("red", "yellow", "green", "done", "pending")


def review_rows(reports: list[Report]) -> list[dict[str, Any]]:
    previous = rows.previous_progress(reports)
    out = []
    for r in reports:
        before = previous.get(r.pk)
        out.append({"report": r, "previous": before, "delta": None if before is None else r.progress - before})
    return out


@dataclass
class QueueFilter:
    """What the coordinator narrowed the queue to: a unit (and below), a front (top-level node), a light."""

    unit: str = ""
    front: str = ""
    light: str = ""

    @classmethod
    def from_query(cls, query: Any) -> QueueFilter:
        light = query.get("light") or ""
        return cls(unit=(query.get("unit") or "").strip(), front=(query.get("front") or "").strip(),
                   light=light if light in LIGHTS else "")

    def querystring(self) -> str:
        return "&".join(f"{k}={v}" for k, v in (("unit", self.unit), ("front", self.front), ("light", self.light)) if v)


def waiting(plan: Plan, flt: QueueFilter) -> QuerySet[Report]:
    """Submitted reports of ``plan`` narrowed by ``flt``, in period and code order."""
    reports = Report.objects.filter(node__plan=plan, status=Report.Status.SUBMITTED)
    if flt.unit.isdigit():
        unit = OrgUnit.objects.filter(pk=int(flt.unit)).first()
        reports = reports.filter(node__lead_unit__path__startswith=unit.path) if unit else reports.none()
    if flt.front:
        reports = reports.filter(node__code=flt.front) | reports.filter(node__code__startswith=flt.front + ".")
    if flt.light:
        rollup = get_rollup(plan, default_as_of(plan, today()))
        ids = [node_id for node_id, res in rollup.results.items() if res.light == flt.light]
        reports = reports.filter(node_id__in=ids)
    return reports


def investment_page(request: HttpRequest, plan: Plan, flt: QueueFilter, querystring: str) -> dict[str, Any]:
    """The investment reports awaiting review (月度投资), 50 a page (``?ipage=``), each with its photo
    evidence tallied (现场有效 / 照片时间/位置与项目不符 / 未核验) in one grouped query."""
    unit_path = ""
    if flt.unit.isdigit():
        unit_path = OrgUnit.objects.filter(pk=int(flt.unit)).values_list("path", flat=True).first() or "/none/"
    found = investment_awaiting(plan, request.user, unit_path)
    page = Paginator(found, REVIEWS_PER_PAGE).get_page(request.GET.get("ipage"))
    reports: list[InvestmentReport] = list(page.object_list)
    evidence = tallies("investment", [r.pk for r in reports])
    for r in reports:
        r.evidence, r.evidence_kind = evidence.get(r.pk), "investment"  # type: ignore[attr-defined]
    node_page = request.GET.get("page", "")
    return {"investments": reports, "ipage": page,
            "iquerystring": "&".join(x for x in (querystring, f"page={node_page}" if node_page.isdigit() else "") if x)}


@login_required
@require_GET
def review_queue(request: HttpRequest, code: str) -> HttpResponse:
    """Submitted reports waiting for a coordinator (审核), each beside last month's figure, approved or
    returned one by one or ticked and reviewed together; below them, the investment reports waiting
    for a review step, with their photo evidence, approved or returned one by one."""
    plan = plan_for(request, code, MANAGE)
    flt = QueueFilter.from_query(request.GET)
    reports = (waiting(plan, flt).select_related("node", "node__lead_unit", "submitted_by")
               .prefetch_related("values__indicator").order_by("period", "node__sort_key", "submitted_seq"))
    page = Paginator(reports, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    led = Q(pk__in=Node.objects.filter(plan=plan).values("lead_unit_id")) | Q(
        pk__in=Project.objects.filter(plan=plan).values("lead_unit_id"))
    units = OrgUnit.objects.filter(led).order_by("path")
    fronts = Node.objects.filter(plan=plan, parent__isnull=True).order_by("sort_key").values_list("code", "title")
    querystring = flt.querystring()
    ipage = request.GET.get("ipage", "")
    return render(request, "web/plans/review.html", {
        **plan_nav(request, plan, "review"),
        "page": page, "items": review_rows(list(page.object_list)), "node_prefix": node_prefix(plan),
        "flt": flt, "units": units, "fronts": fronts, "querystring": querystring,
        "pquerystring": "&".join(x for x in (querystring, f"ipage={ipage}" if ipage.isdigit() else "") if x),
        "light_choices": [(k, rows.LIGHT_LABELS[k]) for k in LIGHTS],
        **investment_page(request, plan, flt, querystring),
    })


def _ticked(request: HttpRequest) -> list[tuple[int, int | None]]:
    """The ticked reports as (id, version read): checkboxes carry ``<id>:<version>``."""
    out = []
    for raw in request.POST.getlist("report"):
        pk, _sep, version = raw.partition(":")
        if pk.isdigit():
            out.append((int(pk), int(version) if version.isdigit() else None))
    return out


@login_required
@require_POST
def review_bulk(request: HttpRequest, code: str) -> HttpResponse:
    """Approve (批量通过) or return (批量退回, one reason for all) the ticked reports; all or nothing."""
    plan = plan_for(request, code, MANAGE)
    approve = request.POST.get("decision") != "return"
    items = _ticked(request)
    back = reverse("web:review", args=[plan.code]) + ("?" + request.POST["filters"] if request.POST.get("filters")
                                                      else "")
    try:
        done = review_many(plan, items, approve, user=request.user, reason=request.POST.get("reason", ""))
    except InputRejected as exc:
        messages.error(request, "；".join(p.message_in(get_language()) for p in exc.problems))
        return redirect(back)
    except Conflict as exc:  # one report changed since the queue was read: the batch was not applied
        messages.error(request, _("月报 %(report)s 已被他人修改，整批未处理。请刷新后重试。") % {
            "report": getattr(exc, "report_label", "")})
        return redirect(back)
    text = (_("已通过 %(n)d 份月报。") if approve else _("已退回 %(n)d 份月报。")) % {"n": len(done)}
    messages.success(request, text)
    return redirect(back)
