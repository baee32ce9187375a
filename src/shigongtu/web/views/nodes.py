"""The node page: facts, ancestors, children, indicators, report history and the forms on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Node, Plan, Report
from shigongtu.plans.selectors import compute_indicators, get_rollup
from shigongtu.web import rows
from shigongtu.web.errors import rejected
from shigongtu.web.forms import NodeForm, ReportForm, report_periods
from shigongtu.web.history import history_rows
from shigongtu.web.views.common import as_of_for, may, node_for, node_prefix, plan_for, plan_nav, today

HISTORY_LIMIT = 100  # a node files about twelve reports a year; corrections add a few


def node_url(plan: Plan, node: Node, as_of: dt.date | None = None, chosen: bool = False) -> str:
    url = reverse("web:node", args=[plan.code, node.code])
    return f"{url}?as_of={as_of.isoformat()}" if as_of and chosen else url


def history(node: Node) -> list[Report]:
    return list(
        Report.objects.filter(node=node)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("values__indicator")
        .order_by("-period", "-submitted_seq", "-id")[:HISTORY_LIMIT]
    )


def changes(node: Node, indicator_ids: list[int]) -> list[AuditEntry]:
    """The node's change history (变更历史): its facts, its indicators and its reports, newest first."""
    report_ids = [str(pk) for pk in Report.objects.filter(node=node).values_list("pk", flat=True)]
    q = Q(object_type="node", object_id=str(node.pk))
    if indicator_ids:
        q |= Q(object_type="indicator", object_id__in=[str(pk) for pk in indicator_ids])
    if report_ids:
        q |= Q(object_type="report", object_id__in=report_ids)
    return list(AuditEntry.objects.filter(q, plan_code=node.plan.code).order_by("-seq")[:HISTORY_LIMIT])


def default_period(periods: list[Period], reports: list[Report]) -> str | None:
    """Last month when it can still be filed; else the month after the node's latest report."""
    keys = [p.key for p in periods]
    if not keys:
        return None
    last_month = Period.of(today()).prev().key
    if last_month in keys:
        return last_month
    if reports:
        following = Period.parse(reports[0].period).next().key
        if following in keys:
            return following
    return keys[0]


def node_state(plan: Plan, node: Node, as_of: dt.date) -> tuple[Any, Any]:
    """The node's computed row and the roll-up it came from."""
    rollup = get_rollup(plan, as_of)
    return rollup.results[node.pk], rollup


def panel_context(request: HttpRequest, plan: Plan, node: Node, res: Any, *, form: ReportForm | None = None,
                  editing: Report | None = None, notice: str = "", error: str = "",
                  indicators: list[Indicator] | None = None, can_report: bool | None = None,
                  can_manage: bool | None = None, as_of_query: str = "") -> dict[str, Any]:
    """What the report panel (history + form) needs; rendered whole and re-rendered by HTMX posts."""
    reports = history(node)
    if indicators is None:
        indicators = list(node.indicators.order_by("id"))
    if can_report is None:
        can_report = Node.objects.for_user(request.user, REPORT).filter(pk=node.pk).exists()
    if can_manage is None:
        can_manage = may(request.user, plan, MANAGE)
    closed_reason = ""
    if plan.is_closed:
        closed_reason = _("该施工图已关闭，不能再填报。")
    elif res.cancelled_effective:
        closed_reason = _("该任务已取消，不需要填报。")
    periods = report_periods(plan, today())
    if can_report and not closed_reason and not periods:
        closed_reason = _("%(year)s 年尚未开始，暂不能填报。") % {"year": plan.year}
    if form is None and can_report and not closed_reason:
        if editing is not None:
            form = ReportForm(initial=ReportForm.initial_for(editing), periods=periods, indicators=indicators,
                              editing=editing)
        else:
            form = ReportForm(initial={"period": default_period(periods, reports)}, periods=periods,
                              indicators=indicators)
    latest = next((r for r in reports if r.counts), None)
    return {
        "plan": plan, "node": node, "res": res, "reports": reports, "form": form, "editing": editing,
        "notice": notice, "error": error, "can_report": can_report, "can_manage": can_manage,
        "closed_reason": closed_reason, "latest": latest, "as_of_query": as_of_query,
        "editable_statuses": (Report.Status.DRAFT, Report.Status.RETURNED),
        "node_url": reverse("web:node", args=[plan.code, node.code]),
    }


def render_node_page(request: HttpRequest, plan: Plan, node: Node, *, report_form: ReportForm | None = None,
                     editing: Report | None = None, node_form: NodeForm | None = None, error: str = "",
                     node_error: str = "", status: int = 200) -> HttpResponse:
    as_of, chosen = as_of_for(request, plan)
    res, rollup = node_state(plan, node, as_of)
    nav = plan_nav(request, plan, "tree", as_of, chosen)
    can_manage = nav["nav_manage"]
    indicators = list(node.indicators.order_by("id"))
    codes = [".".join(node.code.split(".")[:i]) for i in range(1, node.code.count(".") + 1)]
    ancestors = list(Node.objects.filter(plan=plan, code__in=codes).order_by("depth").values("code", "title"))
    kids = rollup.children().get(node.pk, [])
    names = rows.unit_names(rollup.meta[i].lead_unit_id for i in kids)
    children = [rows.node_row(rollup, i, names, as_of, rollup.children()) for i in kids]
    if can_manage and node_form is None:
        node_form = NodeForm(initial=NodeForm.initial_for(node), plan=plan)
    context = {
        **nav,
        **panel_context(request, plan, node, res, form=report_form, editing=editing, error=error,
                        indicators=indicators, can_manage=can_manage, as_of_query=nav["as_of_query"]),
        "as_of": as_of, "ancestors": ancestors, "children": children, "node_prefix": node_prefix(plan),
        "indicators": rows.indicator_rows(compute_indicators(plan, as_of, indicators), rollup),
        "inherits_start": node.start is None, "inherits_due": node.due is None,
        "node_form": node_form if can_manage else None, "node_error": node_error,
        "open_edit": node_form is not None and node_form.is_bound,
        "history": history_rows(changes(node, [i.pk for i in indicators])),
    }
    return render(request, "web/nodes/detail.html", context, status=status)


@login_required
@require_GET
def node_detail(request: HttpRequest, code: str, node_code: str) -> HttpResponse:
    """A node's page; ``?edit=<report id>`` opens a draft or returned report in the form."""
    plan = plan_for(request, code)
    node = node_for(request, plan, node_code)
    editing = None
    edit_id = request.GET.get("edit", "")
    if edit_id.isdigit():
        editing = Report.objects.filter(node=node, pk=int(edit_id),
                                        status__in=(Report.Status.DRAFT, Report.Status.RETURNED)).first()
    return render_node_page(request, plan, node, editing=editing)


def _conflict_message(exc: Conflict) -> str:
    return _("保存失败：该任务刚被他人修改（当前版本 %(version)s）。请刷新页面查看最新内容后再修改。") % {
        "version": exc.current_version}


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, code: str, node_code: str) -> HttpResponse:
    """Save a coordinator's edit of the node's facts (POST); a GET goes back to the node page."""
    plan = plan_for(request, code)
    if request.method != "POST":
        return redirect(node_url(plan, node_for(request, plan, node_code)))
    node = node_for(request, plan, node_code, MANAGE)
    form = NodeForm(request.POST, plan=plan)
    if form.is_valid():
        with rejected(form, conflict=_conflict_message) as outcome:
            services.save_node(plan, node.code, form.service_data(), user=request.user,
                               expected_version=form.cleaned_data["version"])
        if outcome.status == 409:
            return render_node_page(request, plan, node, node_form=form, node_error=outcome.error, status=409)
        if outcome.ok:
            messages.success(request, _("任务信息已保存。"))
            return redirect(node_url(plan, node))
    return render_node_page(request, plan, node, node_form=form, status=422)
