"""Bulletin pages: the issued list with a month's live preview, downloads, and issuing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shigongtu.bulletins import render_html, services, tasks
from shigongtu.bulletins.content import build_content, page_period
from shigongtu.bulletins.models import Bulletin
from shigongtu.lib.errors import InputRejected
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import MANAGE
from shigongtu.web.views.common import may, plan_for, plan_nav, today
from shigongtu.web.views.jobs import started


def _months(year: int) -> list[Period]:
    return [Period(year, m) for m in range(1, 13)]


def _chosen(request: HttpRequest, plan: Any) -> tuple[Period, str]:
    """The month asked for (?period=), else the latest complete month at the plan's default
    as-of date (as every page opens); with a problem text."""
    fallback = page_period(plan, today())
    raw = (request.GET.get("period") or "").strip()
    if not raw:
        return fallback, ""
    try:
        return services.read_period(plan, raw), ""
    except InputRejected as exc:
        return fallback, str(exc)


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def bulletin_list(request: HttpRequest, code: str) -> HttpResponse:
    """Issued bulletins of the plan, and the chosen month rendered as the bulletin would print."""
    plan = plan_for(request, code)
    period, problem = _chosen(request, plan)
    issued = list(Bulletin.objects.filter(plan=plan).select_related("issued_by", "corrects")
                  .defer("docx", "xlsx", "pdf").order_by("-year", "-number"))
    current = next((b for b in issued if b.period == period.key and b.status == Bulletin.Status.ISSUED), None)
    content = build_content(plan, period)
    doc = render_html.context(content, services.draft_masthead(plan, period))
    return render(request, "web/bulletins/list.html", {
        **plan_nav(request, plan, "bulletins"),
        "issued": issued, "period": period, "months": _months(plan.year), "problem": problem,
        "current": current, "doc": doc, "can_issue": may(request.user, plan, MANAGE),
        "month_over": period.last_day < today(), "formats": services.FORMATS,
    })


@login_required
@require_GET
def bulletin_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """An issued bulletin exactly as snapshotted at issue."""
    plan = plan_for(request, code)
    year = int(request.GET.get("year") or plan.year)
    bulletin = get_object_or_404(Bulletin.objects.select_related("issued_by", "corrects", "corrected_by")
                                 .defer("docx", "xlsx", "pdf"), plan=plan, year=year, number=number)
    doc = render_html.context(services.issued_content(bulletin), services.masthead_of(bulletin))
    return render(request, "web/bulletins/detail.html", {
        **plan_nav(request, plan, "bulletins"), "b": bulletin, "doc": doc, "formats": services.FORMATS,
    })


@login_required
@require_GET
def period_file(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_for(request, code)
    try:
        period = services.read_period(plan, request.GET.get("period"))
        fmt = services.read_format(request.GET.get("format") or "docx")
        doc = services.document(plan, period, fmt, draft=request.GET.get("draft") == "1")
    except (InputRejected, services.PdfUnavailable, services.FileUnavailable) as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    return _download(doc.data, fmt, doc.name)


@login_required
@require_GET
def bulletin_file(request: HttpRequest, code: str, number: int) -> HttpResponse:
    plan = plan_for(request, code)
    year = int(request.GET.get("year") or plan.year)
    bulletin = get_object_or_404(Bulletin.objects.all(), plan=plan, year=year, number=number)
    try:
        fmt = services.read_format(request.GET.get("format") or "docx")
        data = services.stored_file(bulletin, fmt)
    except (InputRejected, services.FileUnavailable) as exc:
        raise Http404(str(exc)) from None
    return _download(data, fmt, services.filename(plan, bulletin.period, fmt, bulletin.number))


@login_required
@require_POST
def issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue the posted month (coordinators) on the background queue: to the job's progress, or
    straight to the issued bulletin (or back to the list, saying why not) when it is done already."""
    plan = plan_for(request, code, MANAGE)
    raw = request.POST.get("period", "")
    back = reverse("bulletins_web:list", args=[plan.code]) + f"?period={quote(raw)}"
    try:
        services.read_period(plan, raw)  # a bad month is refused here; the rest is checked by the task
    except InputRejected as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    job = tasks.start_issue(plan, request.user, raw, correct=request.POST.get("correct") == "1")
    job.refresh_from_db()
    if job.status == job.Status.FAILED:  # refused at once (ran in the request): back to the month, saying why
        messages.error(request, job.error_en if request.LANGUAGE_CODE == "en" and job.error_en else job.error)
        return HttpResponseRedirect(back)
    return started(request, plan, job)
