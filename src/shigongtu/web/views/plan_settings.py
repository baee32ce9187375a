"""The plan's settings page (施工图设置), for its coordinators: thresholds, deadline day, default date,
bulletin masthead, project warning rules, the indicators' plan curves (分月计划), the supervision and
招商 warning settings. Saved in one transaction with the version read (someone else's save first →
409); every field is checked before anything is written, each change recorded in the history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shigongtu.attraction import settings as lead_settings
from shigongtu.attraction.models import LeadSettings
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.fields import curve_text
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.settings_rows import clean_curves, clean_fields, curve_field, save_curves
from shigongtu.projects.models import ProjectSettings
from shigongtu.projects.services.settings import (
    PLAN_FIELDS,
    PROJECT_FIELDS,
    clean_settings,
    current_settings,
    save_settings,
)
from shigongtu.supervision import settings as supervision_settings
from shigongtu.supervision.models import SupervisionSettings
from shigongtu.web.errors import rejected
from shigongtu.web.forms import ProblemsMixin
from shigongtu.web.views.common import plan_for, plan_nav

HELP = {
    "yellow_threshold": gettext_lazy("序时进度减实际进度达到此值为黄灯，默认 10。"),
    "red_threshold": gettext_lazy("达到此值为红灯，默认 20。"),
    "report_deadline_day": gettext_lazy("每月几日前报上月月报（1–28），默认 5 日。"),
    "default_as_of": gettext_lazy("留空则为最近一个已结束月份的月底。"),
    "curve": gettext_lazy("12 个累计比例，逗号分隔，最后一个为 1 或 100%；留空用季节性默认曲线。"),
    "yellow_days": gettext_lazy("整改时限前几天内亮黄灯，默认 3 天。"),
    "stall_months": gettext_lazy("签约后满几个月仍未开工亮红灯，默认 6 个月。"),
}
CURVE_HELP = gettext_lazy("12 个累计比例，逗号分隔，最后一个为 1 或 100%；留空则按完成时限均匀计算。")


def _label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


class SettingsForm(ProblemsMixin, forms.Form):
    """Every setting as text: the service reads and checks them (one reader per field)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, indicators: list[Indicator] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators or []
        for name in PLAN_FIELDS:
            widget = forms.DateInput(attrs={"type": "date"}) if name == "default_as_of" else forms.TextInput()
            self.fields[name] = forms.CharField(label=_label(Plan, name), required=name not in (
                "default_as_of", "issuing_office", "copy_to"), help_text=HELP.get(name, ""), widget=widget)
        for name in PROJECT_FIELDS:
            self.fields[name] = forms.CharField(label=_label(ProjectSettings, name), required=name != "curve",
                                                help_text=HELP.get(name, ""))
        for model, names in ((SupervisionSettings, supervision_settings.FIELDS), (LeadSettings, lead_settings.FIELDS)):
            for name in names:
                self.fields[name] = forms.CharField(label=_label(model, name), help_text=HELP.get(name, ""),
                                                    required=False)
        for indicator in self.indicators:
            self.fields[curve_field(indicator.pk)] = forms.CharField(
                label=f"{indicator.node.code} {indicator.name}", required=False, help_text=CURVE_HELP)

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in PLAN_FIELDS]

    @property
    def project_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in PROJECT_FIELDS]

    @property
    def supervision_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in supervision_settings.FIELDS]

    @property
    def lead_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in lead_settings.FIELDS]

    @property
    def curve_fields(self) -> list[forms.BoundField]:
        return [self[curve_field(i.pk)] for i in self.indicators]

    def parts(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[int, Any]]:
        """The cleaned data split by owner: plan and project rules, supervision, leads, curves. A record
        type's field left blank or not posted keeps its value; a curve not posted is left as it is."""
        data = self.cleaned_data
        curves = {i.pk: data[curve_field(i.pk)] for i in self.indicators if curve_field(i.pk) in self.data
                  and data[curve_field(i.pk)] != self.initial.get(curve_field(i.pk), "")}

        def given(names: tuple[str, ...]) -> dict[str, Any]:
            return {k: data[k] for k in names if str(data.get(k) or "").strip()}

        return ({k: data[k] for k in (*PLAN_FIELDS, *PROJECT_FIELDS)}, given(supervision_settings.FIELDS),
                given(lead_settings.FIELDS), curves)


def _initial(plan: Plan, indicators: list[Indicator]) -> dict[str, Any]:
    values = {**current_settings(plan), **supervision_settings.current_settings(plan),
              **lead_settings.current_settings(plan)}
    shown = {k: ("" if v is None else v) for k, v in values.items()}
    shown["curve"] = curve_text(values["curve"])
    shown["default_as_of"] = values["default_as_of"].isoformat() if values["default_as_of"] else ""
    for name, value in shown.items():
        if hasattr(value, "normalize"):
            shown[name] = format(value.normalize(), "f")
    shown.update({curve_field(i.pk): curve_text(i.curve) for i in indicators})
    return {**shown, "version": plan.version}


def _save(plan: Plan, form: SettingsForm, user: Any) -> None:
    """Check every part first, then write them all in one transaction (a stale version → Conflict)."""
    general, supervision, leads, curves = form.parts()
    problems = [*clean_settings(plan, general)[1], *clean_fields(supervision_settings.READERS, supervision)[1],
                *clean_fields(lead_settings.READERS, leads)[1], *clean_curves(plan, curves)[1]]
    if problems:
        raise InputRejected(problems)
    with transaction.atomic():
        save_settings(plan, general, user=user, expected_version=form.cleaned_data["version"])
        supervision_settings.save_settings(plan, supervision, user=user)
        lead_settings.save_settings(plan, leads, user=user)
        if curves:
            save_curves(plan, curves, user=user)


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request: HttpRequest, code: str) -> HttpResponse:
    """Show and save the plan's settings; a change is recorded and every light recomputed."""
    plan = plan_for(request, code, MANAGE)
    indicators = sorted(Indicator.objects.filter(plan=plan).select_related("node"),
                        key=lambda i: ([int(p) if p.isdigit() else 0 for p in i.node.code.split(".")], i.pk))
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=_initial(plan, indicators),
                        indicators=indicators)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with rejected(form, conflict=lambda exc: _("设置已被他人修改，请刷新页面后重新填写。")) as outcome:
                _save(plan, form, request.user)
            if outcome.ok:
                messages.success(request, _("设置已保存，灯色已按新设置重新计算。"))
                return redirect("settings_web:plan", code=plan.code)
            status = outcome.status
            if outcome.error:
                form.add_error(None, outcome.error)
        else:
            status = 422
    return render(request, "web/plans/settings.html", {
        **plan_nav(request, plan, "settings"), "form": form,
    }, status=status)
