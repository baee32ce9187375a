"""Enterprise pages that write (企业信息维护): register an enterprise, edit its own fields, record or
change its standing in a tier (status 培育库 → 拟申报 → 已申报 → 已认定 / 已撤销, certificate, 批次,
dates) and its yearly figures (营业收入, 研发费用, 职工, 科技人员, 知识产权, 股权融资).

The forms are built from the registry's field tables (``enterprises.fields``): values go to the
services as the text typed, so a page accepts and refuses exactly what the API and the ledger do,
and each problem lands next to its own field. Edits carry the ``version`` they were read at; a
stale one is refused (409) with a message. Managers of the enterprise's unit only (viewers 403,
outsiders 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shigongtu.enterprises import services
from shigongtu.enterprises.fields import ENTERPRISE_FIELDS, TIER_FIELDS, YEAR_FIELDS, FieldSpec
from shigongtu.enterprises.models import Enterprise, TierRecord, YearFigures
from shigongtu.enterprises.rules import tiers as T
from shigongtu.orgs.access import MANAGE, scoped
from shigongtu.plans.models import Plan
from shigongtu.web.errors import rejected
from shigongtu.web.forms import ProblemsMixin
from shigongtu.web.views.common import as_of_for, plan_for, plan_nav
from shigongtu.web.views.enterprises import english, status_word, tier_word

NEW = 0  # the version a form for a record not yet there carries: someone adding it meanwhile is a conflict


def field_label(spec: FieldSpec) -> str:
    """A field's label in the active language: its ledger header, or its English name."""
    return spec.en[:1].upper() + spec.en[1:] if english() else spec.header


def _field(spec: FieldSpec) -> forms.Field:
    label = field_label(spec)
    if spec.kind in ("tier", "status"):
        values, word = (T.TIERS, tier_word) if spec.kind == "tier" else (T.STATUSES, status_word)
        blank = [] if spec.kind == "tier" else [("", _("（按认定日期）"))]
        return forms.ChoiceField(label=label, required=spec.required, choices=[*blank, *[(v, word(v)) for v in values]])
    if spec.kind == "level":
        return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *[(v, _(v)) for v in T.LEVELS]])
    if spec.kind == "bool":
        return forms.ChoiceField(label=label, required=False, choices=[("否", _("否")), ("是", _("是"))])
    if spec.kind == "date":
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    numeric = spec.kind in ("amount", "count", "year", "number")
    widget = forms.TextInput(attrs={"inputmode": "decimal" if spec.kind in ("amount", "number") else "numeric"})
    # Required and length are the service's to check (its message names the field): the form takes any text.
    return forms.CharField(label=label, required=False, max_length=1000, widget=widget if numeric else None)


class RecordForm(ProblemsMixin, forms.Form):
    """The fields of one of the registry's tables as text, and the version the record was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, specs: tuple[FieldSpec, ...], *args: Any, fixed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec.name] = _field(spec)
            if spec.name in fixed:  # the record's key: shown, not changed
                self.fields[spec.name].disabled = True

    def values(self) -> dict[str, Any]:
        """What the service reads: every field but the version, as typed."""
        return {spec.name: self.cleaned_data.get(spec.name) for spec in self.specs
                if not self.fields[spec.name].disabled}


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def initial_of(obj: Any, specs: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """A record's values as its form shows them (dates ISO, amounts without trailing zeros, 是/否)."""
    return {"version": obj.version, **{s.name: _shown(getattr(obj, s.name)) for s in specs}}


def _enterprise(request: HttpRequest, plan: Plan, credit_code: str) -> Enterprise:
    return scoped(Enterprise.objects.within(plan.unit).select_related("unit"), request.user, MANAGE,
                  credit_code=credit_code.upper())


def _detail_url(plan: Plan, e: Enterprise) -> str:
    return reverse("enterprises_web:detail", args=[plan.code, e.credit_code])


def _page(request: HttpRequest, plan: Plan, form: RecordForm, *, title: str, back: str, note: str = "",
          status: int = 200, e: Enterprise | None = None) -> HttpResponse:
    as_of, chosen = as_of_for(request, plan)
    return render(request, "web/enterprises/form.html", {
        **plan_nav(request, plan, "enterprises", as_of, chosen), "form": form, "title": title, "back": back,
        "note": note, "e": e, "list_url": reverse("enterprises_web:list", args=[plan.code])},
        status=422 if form.errors and status == 200 else status)


def _save(request: HttpRequest, form: RecordForm, write: Callable[[int | None], Any], conflict: str
          ) -> tuple[Any, int]:
    """Run ``write(expected_version)`` for a valid posted form; (the record or None, the status to answer)."""
    if not form.is_valid():
        return None, 422
    with rejected(form, conflict=lambda exc: conflict) as outcome:
        saved = write(form.cleaned_data.get("version"))
    if outcome.ok:
        return saved, 200
    if outcome.status == 409:
        form.add_error(None, outcome.error)
    return None, outcome.status


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_new(request: HttpRequest, code: str) -> HttpResponse:
    """新增企业: register an enterprise in the plan's unit (its credit code must be new there)."""
    plan = plan_for(request, code, MANAGE)
    form = RecordForm(ENTERPRISE_FIELDS, request.POST or None, initial={"above_scale": "否"})
    status = 200
    if request.method == "POST":
        e, status = _save(request, form, lambda _v: services.register_enterprise(plan.unit, form.values(),
                                                                                 request.user), "")
        if e is not None:
            messages.success(request, _("企业已入库。"))
            return redirect(_detail_url(plan, e))
    return _page(request, plan, form, title=_("新增企业"), back=reverse("enterprises_web:list", args=[plan.code]),
                 note=_("统一社会信用代码按 GB 32100 核验校验位。"), status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, code: str, credit_code: str) -> HttpResponse:
    """修改企业信息: the enterprise's own fields; its credit code is its key and stays."""
    plan = plan_for(request, code)
    e = _enterprise(request, plan, credit_code)
    form = RecordForm(ENTERPRISE_FIELDS, request.POST or None, initial=initial_of(e, ENTERPRISE_FIELDS),
                      fixed=("credit_code",))
    status = 200
    if request.method == "POST":
        saved, status = _save(request, form, lambda v: services.update_enterprise(e, form.values(), request.user, v),
                              _("该企业已被他人修改，请刷新页面后重新填写。"))
        if saved is not None:
            messages.success(request, _("企业信息已保存。"))
            return redirect(_detail_url(plan, e))
    return _page(request, plan, form, title=_("修改企业信息"), back=_detail_url(plan, e), status=status, e=e)


@login_required
@require_http_methods(["GET", "POST"])
def tier_edit(request: HttpRequest, code: str, credit_code: str) -> HttpResponse:
    """新增或修改梯度记录: ``?tier=`` names the record to change; without it a new tier is added."""
    plan = plan_for(request, code)
    e = _enterprise(request, plan, credit_code)
    record = _child(TierRecord.objects.filter(enterprise=e), "tier", request.GET.get("tier"), T.read_tier)
    initial = initial_of(record, TIER_FIELDS) if record is not None else {"version": NEW, "tier": T.HIGH_TECH}
    form = RecordForm(TIER_FIELDS, request.POST or None, initial=initial, fixed=("tier",) if record else ())
    status = 200
    if request.method == "POST":
        data = (lambda: {**form.values(), "tier": record.tier}) if record is not None else form.values
        saved, status = _save(request, form, lambda v: services.save_tier(e, data(), request.user,
                                                                          NEW if v is None else v),
                              _("该梯度记录已被他人修改或新增，请刷新页面后重新填写。"))
        if saved is not None:
            messages.success(request, _("梯度记录已保存。"))
            return redirect(_detail_url(plan, e))
    title = _("修改梯度记录") if record is not None else _("新增梯度记录")
    note = _("已认定须填认定日期；有效期至为空时，高新技术企业、专精特新、小巨人和创新型中小企业"
             "按认定日期后三年减一天计。")
    return _page(request, plan, form, title=title, back=_detail_url(plan, e), note=note, status=status, e=e)


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request: HttpRequest, code: str, credit_code: str) -> HttpResponse:
    """录入或修改年度数据: ``?year=`` names the year to change; without it a new year is added."""
    plan = plan_for(request, code)
    e = _enterprise(request, plan, credit_code)
    figures = _child(YearFigures.objects.filter(enterprise=e), "year", request.GET.get("year"), int)
    initial = initial_of(figures, YEAR_FIELDS) if figures is not None else {"version": NEW}
    form = RecordForm(YEAR_FIELDS, request.POST or None, initial=initial, fixed=("year",) if figures else ())
    status = 200
    if request.method == "POST":
        data = (lambda: {**form.values(), "year": figures.year}) if figures is not None else form.values
        saved, status = _save(request, form, lambda v: services.save_year(e, data(), request.user,
                                                                          NEW if v is None else v),
                              _("该年度数据已被他人修改或新增，请刷新页面后重新填写。"))
        if saved is not None:
            messages.success(request, _("年度数据已保存。"))
            return redirect(_detail_url(plan, e))
    title = _("修改年度数据") if figures is not None else _("录入年度数据")
    note = _("金额单位为万元（也可写“1.2亿”）。")
    return _page(request, plan, form, title=title, back=_detail_url(plan, e), note=note, status=status, e=e)


def _child(qs: Any, field: str, raw: str | None, read: Callable[[str], Any]) -> Any:
    """The enterprise's tier record or year named by the query (None when the query names none); 404
    for one it does not have."""
    if not raw:
        return None
    try:
        key = read(raw)
    except ValueError as exc:
        raise Http404 from exc
    found = qs.filter(**{field: key}).first()
    if found is None:
        raise Http404
    return found
