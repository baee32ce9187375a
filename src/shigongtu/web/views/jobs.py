"""A background job's page and its progress (polled by HTMX): /plans/<plan>/jobs/<id>/.

Only the person who started the job and the plan's coordinators see it; anyone else gets 404,
as for any object out of their reach. When the job is done the page links to its result (an
import's preview or result page, the issued bulletin with its downloads); HTMX is sent there
at once when the job is an import.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan
from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job
from shigongtu.web.views.common import is_htmx, may, plan_for, plan_nav

POLL_SECONDS = 1


def _job(request: HttpRequest, plan: Plan, job_id: int) -> Job:
    """The job ``job_id`` of the plan, if the user started it or coordinates the plan; else 404."""
    job = Job.objects.filter(pk=job_id, unit_id=plan.unit_id, params__plan=plan.pk).first()
    if job is None or (job.user_id != request.user.pk and not may(request.user, plan, MANAGE)):
        raise Http404
    return job


def next_url(request: HttpRequest, plan: Plan, job: Job) -> str:
    """Where a page goes after starting ``job``: its result when it is done already (the queue ran it
    at once), with its message; else its progress page."""
    job.refresh_from_db()
    if job.status == Job.Status.DONE and job.result_url:
        if job.message:
            messages.success(request, job.message_en or job.message if request.LANGUAGE_CODE == "en" else job.message)
        return job.result_url
    return reverse("jobs_web:detail", args=[plan.code, job.pk])


def started(request: HttpRequest, plan: Plan, job: Job) -> HttpResponse:
    return redirect(next_url(request, plan, job))


@login_required
@require_GET
def detail(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    plan = plan_for(request, code)
    job = _job(request, plan, job_id)
    return render(request, "web/jobs/detail.html", {
        **plan_nav(request, plan, job.params.get("nav", "ledgers" if job.kind == "ledger_import" else "bulletins")),
        "p": jobs.progress(job), "poll": POLL_SECONDS,
    })


@login_required
@require_GET
def progress(request: HttpRequest, code: str, job_id: int) -> HttpResponse:
    """The progress fragment (HTMX polls it every second while the job runs)."""
    plan = plan_for(request, code)
    job = _job(request, plan, job_id)
    response = render(request, "web/jobs/_progress.html", {"plan": plan, "p": jobs.progress(job), "poll": POLL_SECONDS})
    if is_htmx(request) and job.status == Job.Status.DONE and job.kind == "ledger_import" and job.result_url:
        response["HX-Redirect"] = job.result_url
    return response


def progress_url(plan: Plan, job: Job) -> str:
    return reverse("jobs_web:progress", args=[plan.code, job.pk])
