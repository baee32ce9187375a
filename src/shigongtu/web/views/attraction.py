"""Attraction pipeline pages (招商引资): the board by stage, the lead list, a lead's page with its
timeline and actions (stage, progress, funds, key project), a new lead, and the KPIs by mode/team.

Views parse, call ``shigongtu.attraction`` and render; rules and scoping live there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shigongtu.attraction import selectors, services
from shigongtu.attraction.filters import LeadFilter
from shigongtu.attraction.models import MODES, ORIGINS, FundArrival, Lead, LeadEvent
from shigongtu.attraction.rules import stages
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.orgs.access import REPORT, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.web.forms import ProblemsMixin
from shigongtu.web.views.common import as_of_for, bad_as_of, plan_for, plan_nav

PAGE_SIZE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def stage_word(stage: str) -> str:
    """A stage in the interface language (the stored word is Chinese)."""
    return _(stage) if stage else ""


class StageForm(ProblemsMixin, forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("新阶段"))
    on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("终止原因"), required=False, max_length=200)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    problem_fields = {"signed_on": "on", "registered_on": "on", "started_on": "on", "operating_on": "on",
                      "full_on": "on", "exited_on": "on", "contacted_on": "on", "exit_reason": "reason"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, stage_word(s)) for s in stages.STAGES]  # type: ignore[attr-defined]


class ProgressForm(ProblemsMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=[
        (k, label) for k, label in LeadEvent.Kind.choices if k not in ("stage", "project")])
    on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    note = forms.CharField(label=gettext_lazy("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FundsForm(ProblemsMixin, forms.Form):
    date = forms.DateField(label=gettext_lazy("到位日期"), widget=DATE)
    amount = forms.CharField(label=gettext_lazy("到位金额（万元）"), max_length=30)
    origin = forms.ChoiceField(label=gettext_lazy("资金来源地"), required=False,
                               choices=[("", "—"), *[(o, o) for o in ORIGINS]])
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)


class LeadForm(ProblemsMixin, forms.Form):
    """A new lead (招商线索登记): the fields a team member knows at first contact."""

    code = forms.CharField(label=gettext_lazy("编号"), max_length=50)
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=200)
    investor = forms.CharField(label=gettext_lazy("投资方"), max_length=200, required=False)
    mode = forms.ChoiceField(label=gettext_lazy("招商方式"), required=False)
    team = forms.CharField(label=gettext_lazy("招商小分队"), max_length=100, required=False)
    lead_unit = forms.CharField(label=gettext_lazy("责任单位"), max_length=100, required=False)
    industry = forms.CharField(label=gettext_lazy("所属产业"), max_length=50, required=False)
    investment = forms.CharField(label=gettext_lazy("协议投资额（万元）"), max_length=30, required=False)
    contacted_on = forms.DateField(label=gettext_lazy("登记日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [("", "—"), *[(m, _(m)) for m in MODES]]  # type: ignore[attr-defined]


def lead_for(request: HttpRequest, plan: Plan, code: str, action: str = VIEW) -> Lead:
    qs = Lead.objects.select_related("lead_unit", "project", "plan", "plan__unit")
    return scoped(qs, request.user, action, plan=plan, code=code)


def _pct(fig: Any) -> dict[str, str]:
    """Rates as the pages show them: percent with one decimal (the figures stay unrounded)."""
    return {"start": f"{fig.start_rate * 100:.1f}", "funds": f"{fig.funds_rate * 100:.1f}",
            "performance": f"{fig.performance_rate * 100:.1f}", "signed_yi": f"{fig.signed_investment / 10000:,.2f}",
            "funds_yi": f"{fig.funds / 10000:,.2f}"}


def _rows(rows: list[selectors.LeadAt]) -> list[dict[str, Any]]:
    return [{"r": r, "stage": stage_word(r.stage), "mode": _(r.mode) if r.mode else "—"} for r in rows]


# -- the board, the list and the KPIs -------------------------------------------------------------

@login_required
@require_GET
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The pipeline board: a column per stage at the as-of date with its count, amount and largest leads."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    flt = LeadFilter.from_params(request.GET)
    qs = flt.apply(Lead.objects.filter(plan=plan), as_of) if not flt.problems else Lead.objects.filter(plan=plan)
    key = f"board:{as_of}:{sorted(flt.as_params().items())}"
    columns = [{"stage": c.stage, "label": stage_word(c.stage), "count": c.count, "investment": c.investment,
                "leads": _rows(c.leads), "more": c.count - len(c.leads), "exit": c.stage in stages.EXITS}
               for c in selectors.cached(plan, key, lambda: selectors.board(plan, as_of, qs))]
    fig = selectors.cached(plan, f"summary:{as_of}", lambda: selectors.summary(plan, as_of))
    return render(request, "web/attraction/board.html", {
        **plan_nav(request, plan, "leads", as_of, chosen), "as_of": as_of, "bad_as_of": bad_as_of(request),
        "flt": flt, "columns": columns, "fig": fig, "pct": _pct(fig), "modes": [(m, _(m)) for m in MODES]})


@login_required
@require_GET
def lead_list(request: HttpRequest, code: str) -> HttpResponse:
    """The lead list: filters (stage at the date, mode, team, unit, text), 50 a page, a fixed number of queries."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    flt = LeadFilter.from_params(request.GET)
    qs = flt.apply(Lead.objects.filter(plan=plan), as_of)
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    order = {pk: i for i, pk in enumerate(ids)}
    rows = sorted(selectors.leads_at(plan, as_of, Lead.objects.filter(pk__in=ids)), key=lambda r: order[r.pk])
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/attraction/list.html", {
        **plan_nav(request, plan, "leads", as_of, chosen), "as_of": as_of, "bad_as_of": bad_as_of(request),
        "flt": flt, "page": page, "rows": _rows(rows), "querystring": params.urlencode(),
        "stages": [(s, stage_word(s)) for s in stages.STAGES], "modes": [(m, _(m)) for m in MODES],
        "fig": (fig := selectors.cached(plan, f"summary:{as_of}", lambda: selectors.summary(plan, as_of))),
        "pct": _pct(fig), "can_add": _can_add(request.user, plan)})


def _can_add(user: Any, plan: Plan) -> bool:
    return bool(Plan.objects.for_user(user, REPORT).filter(pk=plan.pk).exists())


@login_required
@require_GET
def kpis(request: HttpRequest, code: str) -> HttpResponse:
    """签约数/签约额, 履约率, 开工率, 资金到位率, 投产数 by mode, team and unit, and the plan's targets."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    fig, groups = selectors.cached(plan, f"kpis:{as_of}", lambda: selectors.figures_and_kpis(plan, as_of))
    titles = {"mode": _("按招商方式"), "team": _("按招商小分队"), "unit": _("按责任单位")}
    tables = []
    for by, title in titles.items():
        rows = [{"label": _(k.group) if by == "mode" or k.group == "未填" else k.group, "f": k.figures,
                 **_pct(k.figures)} for k in groups[by]]
        tables.append((title, rows))
    return render(request, "web/attraction/kpis.html", {
        **plan_nav(request, plan, "leads", as_of, chosen), "as_of": as_of, "bad_as_of": bad_as_of(request),
        "fig": fig, "pct": _pct(fig), "tables": tables,
        "targets": selectors.cached(plan, f"targets:{as_of}", lambda: selectors.targets(plan, as_of, fig))})


# -- a lead ---------------------------------------------------------------------------------

def _timeline(lead: Lead) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for e in lead.events.select_related("by").order_by("on", "pk"):
        items.append({"on": e.on, "kind": e.get_kind_display(), "stage": stage_word(e.stage), "note": e.note,
                      "by": e.by.username if e.by else ""})
    for f in FundArrival.objects.filter(lead=lead).order_by("date", "pk"):
        items.append({"on": f.date, "kind": _("到位资金"), "stage": "", "amount": f.amount, "origin": f.origin,
                      "note": f.note, "by": ""})
    return sorted(items, key=lambda i: i["on"], reverse=True)


def detail_context(request: HttpRequest, plan: Plan, lead: Lead, **extra: Any) -> dict[str, Any]:
    as_of, chosen = as_of_for(request, plan)
    row = selectors.leads_at(plan, as_of, Lead.objects.filter(pk=lead.pk))[0]
    can_report = Lead.objects.for_user(request.user, REPORT).filter(pk=lead.pk).exists()
    return {
        **plan_nav(request, plan, "leads", as_of, chosen), "as_of": as_of, "lead": lead, "row": row,
        "stage": stage_word(row.stage), "mode": _(lead.mode) if lead.mode else "—",
        "timeline": _timeline(lead), "can_report": can_report,
        "warnings": [(w.light, w.message_en if (get_language() or "").startswith("en") else w.message)
                     for w in row.warnings],
        "stage_form": extra.pop("stage_form", None) or StageForm(initial={
            "version": lead.version, "stage": _next_stage(row.stage), "on": as_of}),
        "progress_form": extra.pop("progress_form", None) or ProgressForm(),
        "funds_form": extra.pop("funds_form", None) or FundsForm(),
        "dates": [(stage_word(s), getattr(lead, attr)) for s, attr in stages.DATED],
        **extra,
    }


def _next_stage(stage: str) -> str:
    if stage in stages.PIPELINE and stage != stages.FULL:
        return stages.PIPELINE[stages.PIPELINE.index(stage) + 1]
    return stage


def lead_url(plan: Plan, lead: Lead) -> str:
    return reverse("attraction_web:detail", args=[plan.code, lead.code])


@login_required
@require_GET
def lead_detail(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    plan = plan_for(request, code)
    obj = lead_for(request, plan, lead)
    return render(request, "web/attraction/detail.html", detail_context(request, plan, obj))


def _act(request: HttpRequest, code: str, lead: str, form: Any, name: str, do: Any, done: str) -> HttpResponse:
    """Run one lead action from its form: redirect with a message, or the page again with the errors."""
    plan = plan_for(request, code)
    obj = lead_for(request, plan, lead, REPORT)
    if form.is_valid():
        try:
            do(obj, form.cleaned_data)
        except InputRejected as exc:
            form.add_problems(exc.problems)
        except Conflict as exc:
            form.add_error(None, str(exc))
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, done)
            return redirect(lead_url(plan, obj))
    obj = lead_for(request, plan, lead)
    return render(request, "web/attraction/detail.html", detail_context(request, plan, obj, **{name: form}),
                  status=422)


@login_required
@require_POST
def lead_stage(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    """A stage change is a form with its date (签约 on 签约日期 …; an exit with its reason)."""
    def do(obj: Lead, d: dict[str, Any]) -> None:
        services.change_stage(obj, d["stage"], d["on"], request.user, d["note"], d["reason"], d["version"])

    return _act(request, code, lead, StageForm(request.POST), "stage_form", do, _("阶段已更新。"))


@login_required
@require_POST
def lead_progress(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    def do(obj: Lead, d: dict[str, Any]) -> None:
        services.record_progress(obj, d["on"], d["note"], request.user, d["kind"])

    return _act(request, code, lead, ProgressForm(request.POST), "progress_form", do, _("进展已记录。"))


@login_required
@require_POST
def lead_funds(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    def do(obj: Lead, d: dict[str, Any]) -> None:
        services.add_funds(obj, d["date"], d["amount"], d["origin"], request.user, d["note"])

    return _act(request, code, lead, FundsForm(request.POST), "funds_form", do, _("到位资金已记录。"))


@login_required
@require_POST
def lead_project(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    """转为重点项目: link the project with the same codes, or create it from the lead."""
    plan = plan_for(request, code)
    obj = lead_for(request, plan, lead, REPORT)
    try:
        project = services.convert_to_project(obj, request.user)
    except InputRejected as exc:
        messages.error(request, "；".join(p.message for p in exc.problems))
    except NotAllowed as exc:
        raise PermissionDenied from exc
    else:
        messages.success(request, _("已关联重点项目 %(code)s。") % {"code": project.code})
    return redirect(lead_url(plan, obj))


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request: HttpRequest, code: str) -> HttpResponse:
    """Record a new lead (招商线索登记)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    form = LeadForm(request.POST or None, initial={"contacted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            lead = services.save_lead(plan, data, request.user)
        except InputRejected as exc:
            form.add_problems(exc.problems)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("招商项目已登记。"))
            return redirect(lead_url(plan, lead))
    return render(request, "web/attraction/new.html", {**plan_nav(request, plan, "leads", as_of, chosen),
                                                        "form": form}, status=422 if form.errors else 200)
