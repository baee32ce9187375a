"""Monthly reports from the pages: file or edit (HTMX), and the coordinator's approve / return."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shigongtu.lib.errors import Conflict
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import MANAGE, REPORT, scoped
from shigongtu.plans import services
from shigongtu.plans.models import Node, Plan, Report
from shigongtu.web.errors import rejected
from shigongtu.web.forms import ReportForm, ReturnForm, period_label, report_periods
from shigongtu.web.views.common import as_of_for, is_htmx, node_for, node_prefix, plan_for, today
from shigongtu.web.views.nodes import node_state, node_url, panel_context, render_node_page
from shigongtu.web.views.review import review_rows


def _conflict_message(exc: Conflict) -> str:
    return _("保存失败：这份月报刚被他人修改（当前版本 %(version)s）。请刷新页面查看最新内容后再修改。") % {
        "version": exc.current_version}


def _panel(request: HttpRequest, plan: Plan, node: Node, status: int = 200, **kwargs: Any) -> HttpResponse:
    as_of, chosen = as_of_for(request, plan)
    res, _rollup = node_state(plan, node, as_of)
    context = panel_context(request, plan, node, res, as_of_query=f"as_of={as_of.isoformat()}" if chosen else "",
                            **kwargs)
    context["oob"] = True
    return render(request, "web/nodes/_report_panel.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request: HttpRequest, code: str, node_code: str) -> HttpResponse:
    """File a new report or save an edited draft/returned one; 保存草稿 keeps it, 提交 sends it for review."""
    plan = plan_for(request, code)
    if request.method != "POST":
        return redirect(node_url(plan, node_for(request, plan, node_code)))
    node = node_for(request, plan, node_code, REPORT)
    submit = request.POST.get("action") != "draft"
    editing = None
    report_id = request.POST.get("report", "")
    if report_id.isdigit():
        editing = Report.objects.filter(node=node, pk=int(report_id)).first()
    indicators = list(node.indicators.order_by("id"))
    form = ReportForm(request.POST, periods=report_periods(plan, today()), indicators=indicators, editing=editing)
    error = ""
    status = 422
    if form.is_valid():
        with rejected(form, conflict=_conflict_message) as outcome:
            report = services.file_report(
                node, form.cleaned_data["period"], form.service_data(), user=request.user, submit=submit,
                report=editing, expected_version=form.cleaned_data["version"] if editing else None,
            )
        if outcome.ok:
            label = period_label(Period.parse(report.period))
            notice = (_("已提交%(period)s月报，等待统筹部门审核。") if submit
                      else _("%(period)s月报草稿已保存，尚未提交。")) % {"period": label}
            if is_htmx(request):
                return _panel(request, plan, node, notice=notice, indicators=indicators)
            messages.success(request, notice)
            return redirect(node_url(plan, node) + "#reports")
        error, status = outcome.error, outcome.status
    if is_htmx(request):
        return _panel(request, plan, node, status=status, form=form, editing=editing, error=error,
                      indicators=indicators)
    return render_node_page(request, plan, node, report_form=form, editing=editing, error=error, status=status)


@login_required
@require_GET
def report_form(request: HttpRequest, code: str, node_code: str) -> HttpResponse:
    """The report panel with a draft or returned report opened for editing (HTMX ``?report=<id>``)."""
    plan = plan_for(request, code)
    node = node_for(request, plan, node_code, REPORT)
    report_id = request.GET.get("report", "")
    editing = None
    if report_id.isdigit():
        editing = Report.objects.filter(node=node, pk=int(report_id),
                                        status__in=(Report.Status.DRAFT, Report.Status.RETURNED)).first()
    if not is_htmx(request):
        url = node_url(plan, node)
        return redirect(f"{url}?edit={editing.pk}#report-form" if editing else url)
    return _panel(request, plan, node, editing=editing)


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, code: str, report_id: int) -> HttpResponse:
    """Approve (通过) or return (退回, with a reason) a submitted report; from the node page or the queue."""
    plan = plan_for(request, code)
    from_queue = request.POST.get("from") == "queue"
    if request.method != "POST":
        return redirect(reverse("web:review", args=[plan.code]))
    report = scoped(Report.objects.select_related("node", "node__lead_unit", "submitted_by"),
                        request.user, MANAGE, pk=report_id, node__plan=plan)
    approve = request.POST.get("decision") == "approve"
    form = ReturnForm(request.POST)
    form.is_valid()
    version = request.POST.get("version", "")
    notice = ""
    with rejected(conflict=_conflict_message) as outcome:
        services.review_report(report, approve, user=request.user, reason=form.cleaned_data.get("reason", ""),
                               expected_version=int(version) if version.isdigit() else None)
    error, status = outcome.error, outcome.status
    if outcome.ok:
        label = period_label(Period.parse(report.period))
        notice = (_("已通过 %(code)s %(period)s月报。") if approve else _("已退回 %(code)s %(period)s月报。")) % {
            "code": report.node.code, "period": label}
    if is_htmx(request):
        if from_queue:
            report = Report.objects.select_related("node", "node__lead_unit", "submitted_by").prefetch_related(
                "values__indicator").get(pk=report.pk)
            item = review_rows([report])[0]  # report, previous, delta
            return render(request, "web/plans/_review_row.html", {
                **item, "plan": plan, "notice": notice, "error": error,
                "node_prefix": node_prefix(plan),
            }, status=status)
        return _panel(request, plan, report.node, status=status, notice=notice, error=error)
    if notice:
        messages.success(request, notice)
    else:
        messages.error(request, error)
    if from_queue:
        return redirect(reverse("web:review", args=[plan.code]))
    return redirect(node_url(plan, report.node) + "#reports")

