"""Page editors of a project's records (项目台账维护): the approvals checklist (前期手续), problems
(存在问题), and special-bond money (额度下达, 拨付, 支出). Each row is saved with the version it was
read at, like the report forms: someone else's save first → 409 with a message, nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shigongtu.orgs.access import MANAGE, REPORT
from shigongtu.plans.models import Plan
from shigongtu.projects.models import ApprovalItem, BondDisbursement, BondProject, Project, ProjectProblem
from shigongtu.projects.models.project import PROBLEM_KINDS, PROBLEM_STATUSES
from shigongtu.projects.rules.approvals import APPROVAL_STATUSES
from shigongtu.projects.services.approvals import save_approval
from shigongtu.projects.services.bonds import MOVEMENTS, add_movement, update_movement
from shigongtu.projects.services.problems import save_problem
from shigongtu.web.errors import rejected
from shigongtu.web.views.common import may, plan_for, plan_nav
from shigongtu.web.views.projects import project_for, project_url

APPROVAL_KEYS = ("status", "doc_no", "issued_on", "valid_until", "planned_by", "handling_unit")
PROBLEM_KEYS = ("title", "kind", "status", "deadline", "resolution", "resolved_on", "responsible_unit")
MOVEMENT_KEYS = {"quota": ("amount", "date", "batch", "doc_no"),
                 "disbursement": ("amount", "date", "kind", "reference"),
                 "expenditure": ("amount", "date", "payee", "contract_ref")}


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _pick(request: HttpRequest, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: request.POST[k] for k in keys if k in request.POST}


def _write(request: HttpRequest, plan: Plan, project: Project) -> Any:
    """Dispatch one editor's POST to its service; returns what the service returned."""
    what, pk = request.POST.get("editor", ""), request.POST.get("id", "")
    if what == "approval":
        item = ApprovalItem.objects.filter(project=project, pk=int(pk)).first() if pk.isdigit() else None
        data = _pick(request, APPROVAL_KEYS if item else ("kind", *APPROVAL_KEYS))
        data["required"] = request.POST.get("required") == "on"
        return save_approval(project, data, user=request.user, item=item, expected_version=_version(request))
    if what == "problem":
        problem = ProjectProblem.objects.filter(project=project, pk=int(pk)).first() if pk.isdigit() else None
        data = _pick(request, PROBLEM_KEYS)
        data["needs_coordination"] = request.POST.get("needs_coordination") == "on"
        return save_problem(project, data, user=request.user, item=problem, expected_version=_version(request))
    if what in MOVEMENTS:
        bond = BondProject.objects.filter(project=project).first()
        if bond is None:
            raise Http404
        data = _pick(request, MOVEMENT_KEYS[what])
        if pk.isdigit():
            row = MOVEMENTS[what][0].objects.filter(bond=bond, pk=int(pk)).first()
            if row is None:
                raise Http404
            return update_movement(row, data, user=request.user, expected_version=_version(request))
        return add_movement(bond, what, data, user=request.user, expected_version=_version(request))
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def project_editors(request: HttpRequest, code: str, project_code: str) -> HttpResponse:
    """The editors of one project's approvals, problems and bond money."""
    plan = plan_for(request, code)
    project = project_for(request, plan, project_code, REPORT)
    status, error = 200, ""
    if request.method == "POST":
        with rejected(conflict=lambda exc: _("这一条已被他人修改，未保存。请刷新后重新填写。")) as outcome:
            _write(request, plan, project)
        if outcome.ok:
            messages.success(request, _("已保存，记入变更记录。"))
            return redirect(reverse("settings_web:project", args=[plan.code, project.code]) + "#"
                            + request.POST.get("editor", ""))
        status, error = outcome.status, outcome.error
    bond = BondProject.objects.filter(project=project).first()
    return render(request, "web/projects/editors.html", {
        **plan_nav(request, plan, "projects"), "project": project, "project_url": project_url(plan, project),
        "approvals": project.approvals.order_by("sort", "id"),
        "problems": project.problems.select_related("responsible_unit").order_by("-id"),
        "bond": bond, "can_bond": bond is not None and may(request.user, plan, MANAGE),
        "quotas": bond.quotas.all() if bond else [], "disbursements": bond.disbursements.all() if bond else [],
        "expenditures": bond.expenditures.all() if bond else [],
        "approval_statuses": APPROVAL_STATUSES, "problem_statuses": PROBLEM_STATUSES, "problem_kinds": PROBLEM_KINDS,
        "disbursement_kinds": BondDisbursement.KINDS, "error": error,
    }, status=status)
