"""Landing by role (``/`` and after sign-in): each person starts where their work is.

- a coordinator with reports waiting: the review queue of that plan (审核);
- a reporter: my tasks (我的任务);
- a leader (a viewer of a zone or above): the dashboard (驾驶舱) of their zone's latest plan;
- anyone else (and a coordinator with nothing waiting): the plan list, which stays one click away
  in the left navigation (施工图列表).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from shigongtu.orgs.access import MANAGE, VIEW, Scope
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan, Report
from shigongtu.web.views.plans import plan_list

LEADER_KINDS = (OrgUnit.Kind.CITY, OrgUnit.Kind.DISTRICT)


def landing_url(user: Any) -> str | None:
    """Where ``user`` lands, or None for the plan list (at most three small queries)."""
    scope = Scope.of(user)
    if scope.superuser or not scope.grants:
        return None
    roles = {g.role for g in scope.grants}
    if roles & {"coordinator", "admin"}:
        waiting = (Report.objects.filter(status=Report.Status.SUBMITTED)
                   .filter(node__plan__in=Plan.objects.for_user(user, MANAGE))
                   .order_by("-node__plan__year", "node__plan__code").values_list("node__plan__code", flat=True)
                   .first())
        if waiting:
            return reverse("web:review", args=[waiting])
    if "reporter" in roles:
        return reverse("dashboard_web:my_tasks")
    viewer_units = [g.unit_id for g in scope.grants if g.role == "viewer"]
    leading = OrgUnit.objects.filter(pk__in=viewer_units, kind__in=LEADER_KINDS).order_by("depth").first()
    if leading is not None:
        plan = (Plan.objects.for_user(user, VIEW).filter(unit__path__startswith=leading.path)
                .order_by("-year", "unit__depth", "code").values_list("code", flat=True).first())
        if plan:
            return reverse("dashboard_web:dashboard", args=[plan])
    return None


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the person's own work (see the module), else the plan list."""
    target = landing_url(request.user)
    if target:
        return redirect(target)
    return plan_list(request)
