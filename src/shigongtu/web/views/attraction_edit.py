"""Attraction pages that change a lead's record or the plan's 招商 settings: the full edit form of
a lead (信息维护, every field of the field table, optimistic concurrency by ``version``) and the
plan's SLA timers (招商时限设置, coordinators only).

The form is built from :data:`shigongtu.attraction.fields.LEAD_FIELDS`: values go to the service
as raw text, so the page accepts and refuses exactly what the API and the ledger do, and each
problem lands on its own field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shigongtu.attraction import services
from shigongtu.attraction.fields import LEAD_FIELDS, FieldSpec
from shigongtu.attraction.models import Lead, LeadSettings
from shigongtu.attraction.rules import stages
from shigongtu.audit.services import _plain
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.web.forms import ProblemsMixin
from shigongtu.web.views.attraction import lead_for, lead_url, stage_word
from shigongtu.web.views.common import as_of_for, plan_for, plan_nav

# 到位资金 is the sum of the lead's dated fund arrivals: it is added on the lead's page, not typed here.
NOT_EDITED = ("funds",)
EDITED = tuple(f for f in LEAD_FIELDS if f.name not in NOT_EDITED)
GROUPS = (
    (gettext_lazy("项目概况"), ("code", "name", "investor", "investor_credit_code", "national_code", "source_region",
                               "mode", "team", "lead_unit", "leader", "industry", "chain")),
    (gettext_lazy("投资与效益"), ("investment", "fixed_assets", "land_area", "expected_output", "expected_tax",
                                "foreign", "fdi_usd", "headquarters", "rnd", "increment")),
    (gettext_lazy("阶段与日期"), ("stage", "signing_kind", "contacted_on", "signed_on", "registered_on", "started_on",
                                "operating_on", "full_on", "exited_on", "exit_reason", "project")),
    (gettext_lazy("服务时限"), ("answered_on", "assessed_on", "fed_back_on", "last_progress_on")),
)


def _label(spec: FieldSpec) -> Any:
    return getattr(Lead._meta.get_field(spec.name), "verbose_name", spec.header)


def _field(spec: FieldSpec) -> forms.Field:
    label, required = _label(spec), spec.required
    if spec.kind in ("choice", "stage", "signing"):
        values = {"stage": stages.STAGES, "signing": stages.SIGNING_KINDS}.get(spec.kind, spec.choices)
        shown = stage_word if spec.kind == "stage" else _
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *[(v, shown(v)) for v in values]])
    if spec.kind == "bool":
        return forms.ChoiceField(label=label, required=False, choices=[("否", _("否")), ("是", _("是"))])
    if spec.kind == "date":
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    widget = forms.TextInput(attrs={"inputmode": "decimal"}) if spec.kind in ("amount", "fdi", "area") else None
    return forms.CharField(label=label, required=required, max_length=spec.max_length or 100, widget=widget)


class LeadEditForm(ProblemsMixin, forms.Form):
    """Every field of a lead (信息维护) as text the field table reads, and the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in EDITED:
            self.fields[spec.name] = _field(spec)

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in GROUPS]


def initial_of(lead: Lead) -> dict[str, Any]:
    """The lead's values as the form shows them (amounts without trailing zeros, 是/否, codes)."""
    out: dict[str, Any] = {"version": lead.version}
    for spec in EDITED:
        if spec.kind == "unit":
            out[spec.name] = lead.lead_unit.name if lead.lead_unit else ""
        elif spec.kind == "project":
            out[spec.name] = lead.project.code if lead.project else ""
        elif spec.kind == "bool":
            out[spec.name] = "是" if getattr(lead, spec.name) else "否"
        else:
            value = getattr(lead, spec.name)
            out[spec.name] = "" if value is None else _plain(value)
    return out


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: HttpRequest, code: str, lead: str) -> HttpResponse:
    """Edit every field of a lead; a stale version (someone saved meanwhile) is refused with a message."""
    plan = plan_for(request, code)
    obj = lead_for(request, plan, lead, REPORT)
    as_of, chosen = as_of_for(request, plan)
    form = LeadEditForm(request.POST or None, initial=initial_of(obj))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            obj = services.save_lead(plan, data, request.user, obj, expected_version=form.cleaned_data["version"])
        except InputRejected as exc:
            form.add_problems(exc.problems)
        except Conflict:
            form.add_error(None, _("该招商项目已被他人修改，请刷新页面后重新填写。"))
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("招商项目已保存。"))
            return redirect(lead_url(plan, obj))
    return render(request, "web/attraction/edit.html", {
        **plan_nav(request, plan, "leads", as_of, chosen), "lead": obj, "form": form},
        status=422 if form.errors else 200)


class SettingsForm(ProblemsMixin, forms.ModelForm):
    """The plan's 招商 timers; the service checks the ranges."""

    class Meta:
        model = LeadSettings
        fields = tuple(services.SETTING_FIELDS)


@login_required
@require_http_methods(["GET", "POST"])
def lead_settings(request: HttpRequest, code: str) -> HttpResponse:
    """招商时限设置: 响应/研判/反馈 within so many working days, progress every n days, signed but
    not started after n months is red. Coordinators of the plan only (others 403)."""
    plan = plan_for(request, code, MANAGE)
    as_of, chosen = as_of_for(request, plan)
    current = LeadSettings.objects.filter(plan=plan).first() or LeadSettings(plan=plan)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        try:
            services.save_settings(plan, {name: request.POST.get(name, "") for name in services.SETTING_FIELDS},
                                   request.user)
        except InputRejected as exc:
            form.is_valid()
            form.add_problems(exc.problems)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("招商时限设置已保存。"))
            return redirect(reverse("attraction_web:settings", args=[plan.code]))
    return render(request, "web/attraction/settings.html", {
        **plan_nav(request, plan, "leads", as_of, chosen), "form": form}, status=422 if form.errors else 200)
