"""The workspace: "my tasks" (我的任务) for a reporter, with links straight to the forms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from shigongtu.dashboard.mytasks import my_tasks as tasks_of
from shigongtu.web.views.common import today


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    """What the signed-in user must report this month, what was returned to them, their drafts."""
    plans = tasks_of(request.user, today())
    for item in plans:
        item.node_prefix = reverse("web:plan", args=[item.code]) + "nodes/"  # type: ignore[attr-defined]
        try:
            item.project_prefix = reverse("projects_web:list", args=[item.code])  # type: ignore[attr-defined]
        except NoReverseMatch:
            item.project_prefix = ""  # type: ignore[attr-defined]
    counts = {
        "due": sum(len(p.due) for p in plans),
        "returned": sum(len(p.returned) + len(p.projects_returned) for p in plans),
        "drafts": sum(len(p.drafts) for p in plans),
        "projects": sum(len(p.projects_due) for p in plans),
    }
    return render(request, "web/workspace/my_tasks.html", {
        "plans": plans, "counts": counts, "nav_active": "my", "today": today(),
    })
