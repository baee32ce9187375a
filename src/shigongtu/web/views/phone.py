"""The phone report form (手机填报): one column, large targets, for a project owner on site.

Amount, 形象进度, photos from the camera with the browser's position, next steps. The page keeps a
draft in the phone (localStorage; photos waiting to be sent in IndexedDB) and sends it again when
the connection is back (static/shigongtu/phone-report.js); the server answers that script in JSON.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shigongtu.evidence import services
from shigongtu.evidence.selectors import tallies
from shigongtu.lib.errors import InputRejected
from shigongtu.lib.periods import Period
from shigongtu.orgs.access import REPORT
from shigongtu.plans.models import Plan
from shigongtu.projects.models import Project
from shigongtu.web.errors import rejected
from shigongtu.web.forms import period_label, report_periods
from shigongtu.web.views.common import plan_for, today
from shigongtu.web.views.evidence import uploads_of
from shigongtu.web.views.projects import InvestmentForm, default_period, project_for, project_url


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _context(request: HttpRequest, plan: Plan, project: Project, form: InvestmentForm, **extra: Any) -> dict[str, Any]:
    reports = {r.period: r for r in project.reports.all()}
    found = tallies("investment", [r.pk for r in reports.values()])
    return {"plan": plan, "project": project, "form": form, "project_url": project_url(plan, project),
            "post_url": reverse("evidence_web:phone", args=[plan.code, project.code]),
            "reports": [(r, found.get(r.pk)) for r in sorted(reports.values(), key=lambda r: r.period,
                                                              reverse=True)][:3],
            "required_above": services.required_above(plan), **extra}


def _problems(form: InvestmentForm, exc: InputRejected | None = None) -> list[dict[str, str]]:
    language = get_language()
    out = [{"field": name, "message": str(msg)} for name, errors in form.errors.items() for msg in errors]
    if exc is not None:
        out += [{"field": p.field or "", "message": p.message_in(language)} for p in exc.problems]
    return out


@login_required
@require_http_methods(["GET", "POST"])
def phone_report(request: HttpRequest, code: str, project: str) -> HttpResponse:
    """GET: the form for the month to report; POST (multipart, or the page script's resend): file it
    with its photos in one write; JSON answers for the script, the page again otherwise."""
    plan = plan_for(request, code)
    obj = project_for(request, plan, project, REPORT)
    periods = report_periods(plan, today())
    if request.method != "POST":
        chosen = default_period(periods, sorted(obj.reports.values_list("period", flat=True)))
        form = InvestmentForm(initial={"period": chosen}, periods=periods)
        return render(request, "web/evidence/phone.html", _context(request, plan, obj, form))
    form = InvestmentForm(request.POST, periods=periods)
    submit = request.POST.get("action") != "draft"
    problems: list[dict[str, str]] = []
    notice = ""
    if form.is_valid():
        with rejected() as outcome:
            try:
                point = services.browser_point(request.POST.get("lng"), request.POST.get("lat"))
                report = services.submit_investment(obj, form.service_data(), request.user, submit=submit,
                                                    uploads=uploads_of(request, "photos"), point=point)
            except InputRejected as exc:
                problems = _problems(form, exc)
                raise
        if outcome.ok:
            label = period_label(Period.parse(report.period))
            notice = (_("已提交%(period)s投资月报，等待责任单位审核。") if submit
                      else _("%(period)s投资月报草稿已保存。")) % {"period": label}
        elif not problems:
            problems = [{"field": "", "message": outcome.error}]
    else:
        problems = _problems(form)
    status = 422 if problems else 200
    if _wants_json(request):
        return JsonResponse({"ok": not problems, "message": notice, "errors": problems}, status=status)
    return render(request, "web/evidence/phone.html",
                  _context(request, plan, obj, form, notice=notice, problems=problems), status=status)
