"""The helper every background task calls: start a job, report its progress, finish or fail it.

A job's state (queued → running → done / failed) is a row (``utilities.models.Job``), written
outside any transaction of the work itself. Live progress (rows checked so far) is written to
the ``jobs`` cache instead: the work usually runs inside one transaction (an import is all or
nothing), whose writes nobody else sees until it commits — and on SQLite a second writer would
wait for it. The ``jobs`` cache is shared between the web server and the worker (Redis when
configured, else files in a directory on the one machine).

    job = jobs.start("ledger_import", "导入…", "Import …", user=user, unit_id=plan.unit_id, params={...})
    run_import.enqueue(job.pk)                # in the task:
    with jobs.running(job_id, expected=(InputRejected,)) as job:
        jobs.report(job.pk, done=500, message="已检查 500 行", message_en="500 rows checked")
        jobs.finish(job.pk, url, "查看结果", "See the result")
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from shigongtu.utilities.models import Job

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 24 * 3600  # live progress outlives any job


def _key(job_id: int) -> str:
    return f"shigongtu:job:{job_id}:progress"


def start(kind: str, title: str, title_en: str, *, user: Any, unit_id: int | None, params: dict[str, Any],
          payload: bytes = b"", total: int = 0) -> Job:
    """A queued job of ``kind`` started by ``user`` within ``unit_id``'s scope."""
    return Job.objects.create(kind=kind, title=title[:200], title_en=title_en[:200], params=params, payload=payload,
                              user=user if getattr(user, "pk", None) else None, unit_id=unit_id, total=total,
                              message="排队等待处理", message_en="Waiting in the queue")


def enqueued(job: Job, task_id: str) -> None:
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(task_id)[:64])


def report(job_id: int, done: int, total: int = 0, message: str = "", message_en: str = "") -> None:
    """Live progress of a running job: ``done`` of ``total`` (0: not known), with a line of text."""
    caches["jobs"].set(_key(job_id), {"done": done, "total": total, "message": message, "message_en": message_en,
                                      "at": time.time()}, PROGRESS_SECONDS)


def finish(job_id: int, url: str, label: str, label_en: str, message: str = "", message_en: str = "") -> None:
    """The job is done; its result is at ``url`` (a page or a download)."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.DONE, result_url=url, result_label=label,
                                         result_label_en=label_en, message=message[:300], message_en=message_en[:300],
                                         payload=b"", finished_at=timezone.now())
    caches["jobs"].delete(_key(job_id))


def fail(job_id: int, error: str, error_en: str) -> None:
    """The job failed with ``error`` (shown to whoever started it); nothing of its work was kept."""
    Job.objects.filter(pk=job_id).update(status=Job.Status.FAILED, error=error, error_en=error_en, payload=b"",
                                         message="", message_en="", finished_at=timezone.now())
    caches["jobs"].delete(_key(job_id))


@contextmanager
def running(job_id: int, expected: tuple[type[BaseException], ...] = ()) -> Iterator[Job]:
    """Mark the job running and yield it; an exception fails it with a clear message.

    An ``expected`` exception (the input was refused) fails it with its own text; anything else
    is logged with its traceback and fails it with a message that names the job, and is raised
    again so that the queue records the failure too.
    """
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now(),
                                         message="正在处理", message_en="Working")
    job = Job.objects.get(pk=job_id)
    try:
        yield job
    except expected as exc:
        fail(job_id, str(exc), getattr(exc, "message_en", "") or str(exc))
    except Exception:
        log.exception("background job %s (%s) failed", job_id, job.kind)
        fail(job_id, f"后台任务 #{job_id} 执行出错，未写入任何数据；请重试或联系管理员。",
             f"Background job #{job_id} failed; nothing was written. Try again or ask your administrator.")
        raise
    else:
        if Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).exists():
            finish(job_id, "", "", "")


@dataclass(frozen=True)
class Progress:
    """What the progress view shows of a job at this moment."""

    job: Job
    done: int
    total: int
    message: str
    message_en: str

    @property
    def percent(self) -> int | None:
        if self.job.status == Job.Status.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else None

    @property
    def waiting_long(self) -> bool:
        """Still queued after ``JOBS_QUEUED_WARN_SECONDS``: no worker has picked it up (none may be running)."""
        return (self.job.status == Job.Status.QUEUED
                and time.time() - self.job.created_at.timestamp() > settings.JOBS_QUEUED_WARN_SECONDS)


def _last_beat(job: Job, live: dict[str, Any] | None) -> float:
    """When the job's worker last showed it was alive: its last progress report, else its start."""
    started = (job.started_at or job.created_at).timestamp()
    return max(started, float(live.get("at", 0))) if live else started


def fail_if_stale(job: Job, live: dict[str, Any] | None = None) -> bool:
    """Fail ``job`` if it is marked running but its worker has been silent for longer than
    ``JOBS_STALE_SECONDS`` (the worker died or was stopped); True if it was failed now."""
    if job.status != Job.Status.RUNNING or time.time() - _last_beat(job, live) <= settings.JOBS_STALE_SECONDS:
        return False
    minutes = max(1, settings.JOBS_STALE_SECONDS // 60)
    log.warning("background job %s (%s) silent for over %s s: marked failed", job.pk, job.kind,
                settings.JOBS_STALE_SECONDS)
    changed = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, payload=b"", message="", message_en="", finished_at=timezone.now(),
        error=f"后台任务 #{job.pk} 超过 {minutes} 分钟没有进展（处理进程可能已停止），已标记为失败；"
              "未完成的导入不会写入数据，请重新发起。",
        error_en=f"Background job #{job.pk} showed no progress for over {minutes} minutes (its worker has probably "
                 "stopped) and was marked failed; an unfinished import writes nothing. Please start it again.")
    caches["jobs"].delete(_key(job.pk))
    job.refresh_from_db()
    return bool(changed)


def progress(job: Job) -> Progress:
    """The job with its live progress laid over it while it runs (a job whose worker went silent is
    failed first, see ``fail_if_stale``)."""
    live = caches["jobs"].get(_key(job.pk)) if job.status == Job.Status.RUNNING else None
    if fail_if_stale(job, live):
        live = None
    if live:
        return Progress(job, live["done"], live["total"] or job.total, live["message"], live["message_en"])
    done = job.total if job.status == Job.Status.DONE and job.total else job.done  # done: all of it
    return Progress(job, done, job.total, job.message, job.message_en)
