"""Issuing a month's bulletin on the background queue: charts, Word, Excel and PDF take a while.

The page starts a job and enqueues ``run_issue``; the task calls ``services.issue`` (one
transaction: numbered, frozen, stored, recorded in the history) and links to the issued
bulletin, whose page offers the downloads.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from shigongtu.bulletins import services
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.lib.periods import parse_period
from shigongtu.plans.models import Plan
from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job

KIND = "bulletin_issue"


def _labels(period: str) -> tuple[str, str]:
    """The month as the job's title says it: 2023年6月 / Jun 2023 (the key itself if unreadable)."""
    try:
        month = parse_period(period)
    except InputRejected:
        return period, period
    return month.label_zh, month.label_en


def start_issue(plan: Plan, user: Any, period: str, *, correct: bool) -> Job:
    """Queue the issue (印发) of the plan's bulletin for ``period`` (a correction when ``correct``)."""
    zh, en = _labels(period)
    job = jobs.start(KIND, f"印发{zh}调度通报", f"Issuing the bulletin for {en}", user=user,
                     unit_id=plan.unit_id, total=3, params={"plan": plan.pk, "period": period, "correct": correct})
    jobs.enqueued(job, run_issue.enqueue(job.pk).id)
    return job


@task()
def run_issue(job_id: int) -> None:
    """Issue the job's bulletin and link to it; a refusal (month not over, issued already) fails the job."""
    with jobs.running(job_id, expected=(InputRejected, NotAllowed)) as job:
        p = job.params
        plan = Plan.objects.get(pk=p["plan"])
        user = get_user_model().objects.get(pk=job.user_id) if job.user_id else None
        jobs.report(job_id, 1, 3, "正在生成图表与 Word、Excel、PDF 文件", "Drawing the charts and writing the files")
        bulletin = services.issue(plan, p["period"], user, correct=bool(p["correct"]))
        note = "" if bulletin.pdf is not None else "（未生成PDF：服务器缺少WeasyPrint或中文字体）"
        note_en = "" if bulletin.pdf is not None else " (no PDF: WeasyPrint or a CJK font is missing on the server)"
        jobs.finish(job_id, reverse("bulletins_web:detail", args=[plan.code, bulletin.number]),
                    f"查看第{bulletin.number}期", f"Open No. {bulletin.number}",
                    f"已印发{bulletin.year}年第{bulletin.number}期调度通报{note}",
                    f"Issued {bulletin.year} No. {bulletin.number}{note_en}")
