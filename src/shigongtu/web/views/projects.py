"""Project library pages: the list, the project page (+ its chart data), the monthly investment
report form (HTMX), review of reports, stage changes and the project warnings.

Views parse, call ``shigongtu.projects`` and render; rules and scoping live there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shigongtu.audit.models import AuditEntry
from shigongtu.evidence.selectors import tallies
from shigongtu.evidence.services import submit_investment
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.selectors import month_of
from shigongtu.projects.models import BondProject, InvestmentReport, Project, ProjectSettings
from shigongtu.projects.models.project import LEVELS
from shigongtu.projects.rules.approvals import missing_approvals
from shigongtu.projects.rules.lights import Rules, share_since, start_month
from shigongtu.projects.rules.stages import REMOVED, STAGES
from shigongtu.projects.selectors.filters import PAGE_SIZE, SORTS, ProjectFilter, attach_lights
from shigongtu.projects.selectors.warnings import KIND_LABELS, KIND_LABELS_EN, project_warnings
from shigongtu.projects.services.bonds import figures
from shigongtu.projects.services.investment import review_investment
from shigongtu.projects.services.projects import change_stage
from shigongtu.web.errors import rejected
from shigongtu.web.forms import ProblemsMixin, period_label, report_periods
from shigongtu.web.history import history_rows
from shigongtu.web.views.common import as_of_for, bad_as_of, is_htmx, plan_for, plan_nav, today

LIGHT_WORDS = {"red": gettext_lazy("红灯"), "yellow": gettext_lazy("黄灯"), "green": gettext_lazy("正常")}
PART_WORDS = {"start": gettext_lazy("开工"), "stats": gettext_lazy("入库"), "investment": gettext_lazy("投资")}
HISTORY_LIMIT = 60
LIST_FIELDS = ("code", "name", "owner", "level", "stage", "industry", "lead_unit__name", "total_investment",
               "annual_plan", "ytd_investment", "planned_start", "actual_start", "in_statistics", "statistics_date",
               "plan_id")


class InvestmentForm(ProblemsMixin, forms.Form):
    """The monthly investment report (月度投资): figures are read by the service like ledger cells."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=gettext_lazy("填报月份"))
    amount = forms.CharField(label=gettext_lazy("本月完成投资（万元）"), max_length=30,
                             help_text=gettext_lazy("调度口径，业主据实填报；可写 3500、3,500.5 或 0.35亿。"),
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    ytd = forms.CharField(label=gettext_lazy("本年累计完成投资（万元）"), max_length=30, required=False,
                          help_text=gettext_lazy("选填；填写时须等于各月之和。"),
                          widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    stats_amount = forms.CharField(label=gettext_lazy("统计口径完成投资（万元）"), max_length=30, required=False,
                                   help_text=gettext_lazy("入库项目填写报统计部门的数；1月免报。"),
                                   widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    funds_arrived = forms.CharField(label=gettext_lazy("本月到位资金（万元）"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    progress_pct = forms.CharField(label=gettext_lazy("形象进度（%）"), max_length=10, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    progress_text = forms.CharField(label=gettext_lazy("形象进度说明"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    next_steps = forms.CharField(label=gettext_lazy("下一步计划"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, periods: list[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, period_label(p)) for p in periods]  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        keys = ("period", "amount", "ytd", "stats_amount", "funds_arrived", "progress_pct", "progress_text",
                "next_steps")
        data = {k: self.cleaned_data.get(k, "") for k in keys}
        if not data["ytd"]:
            data.pop("ytd")
        return data

    @staticmethod
    def initial_for(report: InvestmentReport) -> dict[str, Any]:
        def text(value: Decimal | None) -> str:
            return "" if value is None else f"{value.normalize():f}"

        return {"version": report.version, "period": report.period, "amount": text(report.amount),
                "stats_amount": text(report.stats_amount), "funds_arrived": text(report.funds_arrived),
                "progress_pct": text(report.progress_pct), "progress_text": report.progress_text,
                "next_steps": report.next_steps}


class StageForm(ProblemsMixin, forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("新阶段"), choices=[(s, s) for s in STAGES])
    on = forms.DateField(label=gettext_lazy("生效日期"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


# -- helpers --------------------------------------------------------------------------------

def project_for(request: HttpRequest, plan: Plan, code: str, action: str = VIEW) -> Project:
    qs = Project.objects.select_related("lead_unit", "plan", "plan__unit").prefetch_related("nodes")
    return scoped(qs, request.user, action, plan=plan, code=code)


def project_url(plan: Plan, project: Project) -> str:
    return reverse("projects_web:detail", args=[plan.code, project.code])


def _can(user: Any, project: Project, action: str) -> bool:
    return Project.objects.for_user(user, action).filter(pk=project.pk).exists()


# -- the list -------------------------------------------------------------------------------

@login_required
@require_GET
def project_list(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's projects: filters (stage, industry, level, lead unit, front, light, text), sorting,
    50 a page; the query count does not grow with the page (pinned in the tests)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    flt = ProjectFilter.from_params(request.GET)
    r = ProjectSettings.rules_for(plan)
    qs = flt.apply(Project.objects.of_visible_plan(plan), plan, as_of, r)
    paginator = Paginator(qs.select_related("lead_unit").only(*LIST_FIELDS), PAGE_SIZE)
    key = "projects:count:" + hashlib.sha256(
        f"{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}:{as_of}:{sorted(flt.params(sort='').items())}:"
        f"{Project.objects.filter(plan=plan).count()}".encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        cache.set(key, paginator.count, 600)
    else:
        paginator.count = count  # paging through the same filter counts once per plan revision
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    month = month_of(as_of, plan)
    attach_lights(rows, as_of, month, r, plan.year, plan=plan)
    for p in rows:
        p.cells = row_cells(p, plan, r, month)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    sort_links = {}
    for key in SORTS:
        desc = flt.sort == key and not flt.sort.startswith("-")
        sort_links[key] = {"url": "?" + _query(flt.params(sort=f"-{key}" if desc else key), as_of, chosen),
                           "active": flt.sort.lstrip("-") == key, "desc": flt.sort.startswith("-")}
    context = {
        **plan_nav(request, plan, "projects", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "flt": flt, "page": page, "rows": rows,
        "querystring": params.urlencode(), "totals": plan_totals(plan), "sort_links": sort_links,
        "detail_prefix": reverse("projects_web:list", args=[plan.code]),
        "stages": STAGES, "levels": LEVELS, "lights": LIGHT_WORDS,
        "industries": plan_totals(plan)["industries"],
        "units": list(OrgUnit.objects.filter(path__startswith=plan.unit.path).exclude(pk=plan.unit_id)
                      .order_by("path").values_list("pk", "name")),
        "fronts": list(Node.objects.filter(plan=plan, depth__lte=1).order_by("sort_key").values_list("code", "title")),
    }
    return render(request, "web/projects/list.html", context)


def _wan(value: Decimal) -> str:
    return f"{value:,.0f}"


def row_cells(p: Project, plan: Plan, r: Rules, month: int) -> dict[str, Any]:
    """A list row's figures formatted once in Python (50 rows × a dozen template filters add up)."""
    done = float(100 * p.ytd_investment / p.annual_plan) if p.annual_plan else None
    expected = (100 * share_since(r.curve, start_month(p.actual_start, plan.year), month)
                if p.actual_start and done is not None else None)
    return {
        "total": _wan(p.total_investment), "annual": _wan(p.annual_plan), "ytd": _wan(p.ytd_investment),
        "done": None if done is None else f"{min(done, 100):.2f}",
        "done_text": None if done is None else f"{done:.1f}%",
        "expected": None if expected is None else f"{expected:.2f}",
        "planned_start": p.planned_start.isoformat() if p.planned_start else "—",
        "actual_start": p.actual_start.isoformat() if p.actual_start else "—",
    }


def plan_totals(plan: Plan) -> dict[str, Any]:
    """The whole plan's project count, amounts and industries, computed once per plan revision (every
    project write bumps it), so a list page does not sum 100,000 rows on every request."""
    key = f"projects:totals:{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}"
    totals = cache.get(key)
    if totals is None:
        totals = Project.objects.filter(plan=plan).exclude(stage=REMOVED).aggregate(
            n=Count("pk"), total=Sum("total_investment"), annual=Sum("annual_plan"), ytd=Sum("ytd_investment"),
            started=Count("pk", filter=Q(actual_start__isnull=False)))
        totals["industries"] = list(Project.objects.filter(plan=plan).exclude(industry="").order_by("industry")
                                    .values_list("industry", flat=True).distinct())
        cache.set(key, totals, 3600)
    return totals


def _query(params: dict[str, Any], as_of: dt.date, chosen: bool) -> str:
    from urllib.parse import urlencode

    if chosen:
        params = {**params, "as_of": as_of.isoformat()}
    return urlencode(params)


# -- the project page -----------------------------------------------------------------------

def _history(project: Project, report_ids: list[int], approval_ids: list[int], problem_ids: list[int],
             bond_id: int | None) -> list[AuditEntry]:
    q = Q(object_type="project", object_id=str(project.pk))
    for kind, ids in (("investment", report_ids), ("approval", approval_ids), ("problem", problem_ids)):
        if ids:
            q |= Q(object_type=kind, object_id__in=[str(i) for i in ids])
    if bond_id:
        q |= Q(object_type="bond", object_id=str(bond_id))
    return list(AuditEntry.objects.filter(q, plan_code=project.plan.code).order_by("-seq")[:HISTORY_LIMIT])


def detail_context(request: HttpRequest, plan: Plan, project: Project, **extra: Any) -> dict[str, Any]:
    as_of, chosen = as_of_for(request, plan)
    r = ProjectSettings.rules_for(plan)
    month = month_of(as_of, plan)
    attach_lights([project], as_of, month, r, plan.year, plan=plan)
    approvals = list(project.approvals.all())
    reports = list(project.reports.select_related("submitted_by").order_by("-period"))
    problems = list(project.problems.select_related("responsible_unit"))
    bond = BondProject.objects.filter(project=project).first()
    can_report = _can(request.user, project, REPORT)
    can_manage = _can(request.user, project, MANAGE)
    missing = missing_approvals((a.kind, a.required, a.status) for a in approvals)
    money = figures(bond, as_of) if bond else None
    _attach_tallies(reports, "investment")
    _attach_tallies(approvals, "approval")
    _attach_tallies(problems, "problem")
    return {
        **plan_nav(request, plan, "projects", as_of, chosen),
        "project": project, "as_of": as_of, "approvals": approvals, "reports": reports, "problems": problems,
        "missing": missing, "ready": bool(approvals) and not missing,
        "warnings": project_warnings(plan, as_of, [project.pk]), "kind_labels": KIND_LABELS,
        "parts": [(PART_WORDS[k], v) for k, v in project.lights.items() if v],  # type: ignore[attr-defined]
        "stage_changes": list(project.stage_changes.select_related("by").order_by("-effective", "-id")),
        "history": history_rows(_history(project, [x.pk for x in reports], [a.pk for a in approvals],
                                         [p.pk for p in problems], bond.pk if bond else None)),
        "bond": bond, "bond_figures": money, "bond_progress": None if money is None or money.progress is None
        else 100 * money.progress,
        "can_report": can_report, "can_manage": can_manage,
        "stage_form": extra.pop("stage_form", None) or (StageForm(initial={"version": project.version})
                                                        if can_report else None),
        "chart_url": reverse("projects_web:chart", args=[plan.code, project.code]),
        **extra,
    }


def _attach_tallies(rows: list[Any], kind: str) -> None:
    """Each row's evidence (附件 count, photos by verdict) for its 佐证材料 cell: one query per kind."""
    found = tallies(kind, [r.pk for r in rows])
    for row in rows:
        row.evidence = found.get(row.pk)
        row.evidence_kind = kind


@login_required
@require_GET
def project_detail(request: HttpRequest, code: str, project: str) -> HttpResponse:
    """One project: facts, lights and warnings, approvals checklist, investment by month against the
    plan (chart), monthly reports with their review, problems, stage history and change history."""
    plan = plan_for(request, code)
    obj = project_for(request, plan, project)
    return render(request, "web/projects/detail.html", detail_context(request, plan, obj))


@login_required
@require_GET
def project_chart(request: HttpRequest, code: str, project: str) -> JsonResponse:
    """ECharts option: monthly investment (调度/统计口径) as bars, cumulative actual vs the plan curve."""
    plan = plan_for(request, code)
    obj = project_for(request, plan, project)
    r = ProjectSettings.rules_for(plan)
    monthly = {m: 0.0 for m in range(1, 13)}
    stats: dict[int, float | None] = {m: None for m in range(1, 13)}
    for period, amount, stats_amount in obj.reports.filter(status__in=InvestmentReport.COUNTING).values_list(
        "period", "amount", "stats_amount"
    ):
        if period.startswith(f"{plan.year:04d}-"):
            monthly[int(period[5:7])] = float(amount)
            stats[int(period[5:7])] = None if stats_amount is None else float(stats_amount)
    last = max((m for m, v in monthly.items() if v), default=0)
    cumulative, running = [], 0.0
    for m in range(1, 13):
        running += monthly[m]
        cumulative.append(round(running, 2) if m <= last else None)
    first = start_month(obj.actual_start, plan.year) if obj.actual_start else 1
    annual = float(obj.annual_plan)
    planned = [round(annual * share_since(r.curve, first, m), 2) for m in range(1, 13)]
    months = [f"{m}月" for m in range(1, 13)]
    option = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("本月完成（调度口径）"), _("本月完成（统计口径）"), _("累计完成"), _("累计计划")]},
        "grid": {"left": 60, "right": 60, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [{"type": "value", "name": _("万元/月")}, {"type": "value", "name": _("累计万元")}],
        "series": [
            {"name": _("本月完成（调度口径）"), "type": "bar", "data": [round(monthly[m], 2) for m in range(1, 13)],
             "itemStyle": {"color": "#2f6fd0"}},
            {"name": _("本月完成（统计口径）"), "type": "bar", "data": [stats[m] for m in range(1, 13)],
             "itemStyle": {"color": "#8fb3e8"}},
            {"name": _("累计完成"), "type": "line", "yAxisIndex": 1, "data": cumulative,
             "itemStyle": {"color": "#2e9650"}},
            {"name": _("累计计划"), "type": "line", "yAxisIndex": 1, "data": planned,
             "lineStyle": {"type": "dashed"}, "itemStyle": {"color": "#667085"}},
        ],
    }
    return JsonResponse(option)


@login_required
@require_POST
def project_stage(request: HttpRequest, code: str, project: str) -> HttpResponse:
    """Move the project to another stage (开工, 竣工, 停缓建, 调出…) from its page."""
    plan = plan_for(request, code)
    obj = project_for(request, plan, project, REPORT)
    form = StageForm(request.POST)
    if form.is_valid():
        with rejected(form) as outcome:
            entry = change_stage(obj, form.cleaned_data["stage"], request.user, form.cleaned_data["on"],
                                 form.cleaned_data["note"], form.cleaned_data["version"])
        if outcome.status == 409:
            form.add_error(None, outcome.error)
        if outcome.ok:
            notice = _("项目阶段已改为「%(stage)s」。") % {"stage": entry.to_stage}
            if entry.flags:
                messages.warning(request, notice + " " + "；".join(f["message"] for f in entry.flags))
            else:
                messages.success(request, notice)
            return redirect(project_url(plan, obj))
    obj = project_for(request, plan, project)
    return render(request, "web/projects/detail.html", detail_context(request, plan, obj, stage_form=form,
                                                                       open_stage=True), status=422)


# -- the monthly report form ----------------------------------------------------------------

def _report_context(request: HttpRequest, plan: Plan, project: Project, form: InvestmentForm | None = None,
                    **extra: Any) -> dict[str, Any]:
    periods = report_periods(plan, today())
    existing = {r.period: r for r in project.reports.all()}
    if form is None:
        chosen = request.GET.get("period") or default_period(periods, sorted(existing))
        report = existing.get(chosen)
        initial = InvestmentForm.initial_for(report) if report else {"period": chosen}
        form = InvestmentForm(initial=initial, periods=periods)
    r = ProjectSettings.rules_for(plan)
    counted = sorted((x for x in existing.values() if x.counts), key=lambda x: x.period)
    editing = existing.get(str(form["period"].value() or ""))  # the month's report: a returned one shows why
    return {"plan": plan, "project": project, "form": form, "periods": periods, "existing": existing,
            "editing": editing,
            "counted": counted, "ytd_so_far": sum((x.amount for x in counted), Decimal(0)),
            "curve": r.curve, "report_url": reverse("projects_web:report", args=[plan.code, project.code]),
            "project_url": project_url(plan, project), **extra}


def default_period(periods: list[Period], reported: list[str]) -> str:
    """Last month when it can still be filed; else the month after the latest report; else the newest."""
    keys = [p.key for p in periods]
    if not keys:
        return ""
    for candidate in (Period.of(today()).prev().key, Period.parse(reported[-1]).next().key if reported else ""):
        if candidate in keys:
            return candidate
    return keys[0]


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, code: str, project: str) -> HttpResponse:
    """The month's investment report: GET shows the form (``?period=`` opens that month's report),
    POST files it (提交) or keeps it as a draft (保存草稿); HTMX posts get the panel back."""
    plan = plan_for(request, code)
    obj = project_for(request, plan, project, REPORT)
    template = "web/projects/_report_panel.html" if is_htmx(request) else "web/projects/report.html"
    base = {**plan_nav(request, plan, "projects")} if not is_htmx(request) else {}
    if request.method != "POST":
        return render(request, template, {**base, **_report_context(request, plan, obj)})
    form = InvestmentForm(request.POST, periods=report_periods(plan, today()))
    status, error = 422, ""
    if form.is_valid():
        submit = request.POST.get("action") != "draft"
        with rejected(form) as outcome:
            report = submit_investment(obj, form.service_data(), request.user, submit=submit,
                                       expected_version=form.cleaned_data["version"])
        if not outcome.ok:
            status, error = outcome.status, outcome.error
        else:
            label = period_label(Period.parse(report.period))
            notice = (_("已提交%(period)s投资月报，等待责任单位审核。") if submit
                      else _("%(period)s投资月报草稿已保存。")) % {"period": label}
            if not is_htmx(request):
                messages.success(request, notice)
                return redirect(project_url(plan, obj) + "#reports")
            fresh = InvestmentForm(initial=InvestmentForm.initial_for(report), periods=report_periods(plan, today()))
            return render(request, template, _report_context(request, plan, obj, fresh, notice=notice))
    return render(request, template, {**base, **_report_context(request, plan, obj, form, error=error)}, status=status)


@login_required
@require_POST
def review(request: HttpRequest, code: str, report_id: int) -> HttpResponse:
    """Pass a report to the next step (责任单位审核 / 调度办审核) or return it with a reason; from the
    review queue (``from=queue``) back to the queue, else to the project's reports."""
    plan = plan_for(request, code)
    report = scoped(InvestmentReport.objects.select_related("project"), request.user, REPORT, pk=report_id,
                        plan=plan)
    approve = request.POST.get("decision") == "approve"
    version = request.POST.get("version", "")
    with rejected() as outcome:
        review_investment(report, approve, request.user, request.POST.get("reason", ""),
                          int(version) if version.isdigit() else None)
    if not outcome.ok:
        messages.error(request, outcome.error)
    else:
        messages.success(request, _("已审核通过。") if approve else _("已退回。"))
    if request.POST.get("from") == "queue":  # reviewed from the review queue: back to it
        return redirect(reverse("web:review", args=[plan.code]) + "#investment-reviews")
    return redirect(project_url(plan, report.project) + "#reports")


# -- warnings -------------------------------------------------------------------------------

@login_required
@require_GET
def warnings(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's project warnings at the as-of date, red first (``?kind=`` narrows them)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    kind = request.GET.get("kind", "")
    found = project_warnings(plan, as_of)
    counts: dict[str, int] = {}
    for w in found:
        counts[w.kind] = counts.get(w.kind, 0) + 1
    if kind in KIND_LABELS:
        found = [w for w in found if w.kind == kind]
    page = Paginator(found, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/projects/warnings.html", {
        **plan_nav(request, plan, "project_warnings", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "page": page, "kind": kind,
        "kinds": KIND_LABELS_EN if (get_language() or "").startswith("en") else KIND_LABELS,
        "counts": counts, "querystring": params.urlencode(),
        "project_prefix": reverse("projects_web:list", args=[plan.code]),
    })
