"""The plan's settings page (施工图设置), for its coordinators: thresholds, deadline day, default date,
bulletin masthead, project warning rules. Saved with the version read (someone else's save first → 409)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shigongtu.orgs.access import MANAGE
from shigongtu.plans.fields import curve_text
from shigongtu.plans.models import Plan
from shigongtu.projects.models import ProjectSettings
from shigongtu.projects.services.settings import PLAN_FIELDS, PROJECT_FIELDS, current_settings, save_settings
from shigongtu.web.errors import rejected
from shigongtu.web.forms import ProblemsMixin
from shigongtu.web.views.common import plan_for, plan_nav

HELP = {
    "yellow_threshold": gettext_lazy("序时进度减实际进度达到此值为黄灯，默认 10。"),
    "red_threshold": gettext_lazy("达到此值为红灯，默认 20。"),
    "report_deadline_day": gettext_lazy("每月几日前报上月月报（1–28），默认 5 日。"),
    "default_as_of": gettext_lazy("留空则为最近一个已结束月份的月底。"),
    "curve": gettext_lazy("12 个累计比例，逗号分隔，最后一个为 1 或 100%；留空用季节性默认曲线。"),
}


def _label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


class SettingsForm(ProblemsMixin, forms.Form):
    """Every setting as text: the service reads and checks them (one reader per field)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in PLAN_FIELDS:
            widget = forms.DateInput(attrs={"type": "date"}) if name == "default_as_of" else forms.TextInput()
            self.fields[name] = forms.CharField(label=_label(Plan, name), required=name not in (
                "default_as_of", "issuing_office", "copy_to"), help_text=HELP.get(name, ""), widget=widget)
        for name in PROJECT_FIELDS:
            self.fields[name] = forms.CharField(label=_label(ProjectSettings, name), required=name != "curve",
                                                help_text=HELP.get(name, ""))

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in PLAN_FIELDS]

    @property
    def project_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in PROJECT_FIELDS]


def _initial(plan: Plan) -> dict[str, Any]:
    values = current_settings(plan)
    shown = {k: ("" if v is None else v) for k, v in values.items()}
    shown["curve"] = curve_text(values["curve"])
    shown["default_as_of"] = values["default_as_of"].isoformat() if values["default_as_of"] else ""
    for name, value in shown.items():
        if hasattr(value, "normalize"):
            shown[name] = format(value.normalize(), "f")
    return {**shown, "version": plan.version}


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request: HttpRequest, code: str) -> HttpResponse:
    """Show and save the plan's settings; a change is recorded and every light recomputed."""
    plan = plan_for(request, code, MANAGE)
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=_initial(plan))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            with rejected(form, conflict=lambda exc: _("设置已被他人修改，请刷新页面后重新填写。")) as outcome:
                save_settings(plan, data, user=request.user, expected_version=form.cleaned_data["version"])
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
