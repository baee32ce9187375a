"""A running job whose worker went silent is failed with a clear message wherever it is read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job

pytestmark = pytest.mark.django_db


def _running_job(started_ago: timedelta) -> Job:
    job = jobs.start("bulletin_issue", "印发调度通报", "Issuing the bulletin", user=None, unit_id=None, params={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now() - started_ago)
    job.refresh_from_db()
    return job


def test_a_running_job_silent_longer_than_the_setting_is_failed_with_a_clear_message(settings):
    settings.JOBS_STALE_SECONDS = 600
    job = _running_job(timedelta(minutes=11))
    shown = jobs.progress(job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and shown.job.status == Job.Status.FAILED
    assert "超过 10 分钟没有进展" in job.error and "no progress for over 10 minutes" in job.error_en
    assert job.finished_at is not None


def test_a_running_job_that_reported_recently_stays_running(settings):
    settings.JOBS_STALE_SECONDS = 600
    job = _running_job(timedelta(hours=2))
    jobs.report(job.pk, 10, 100, "已检查 10 行", "10 rows checked")
    shown = jobs.progress(job)
    assert shown.job.status == Job.Status.RUNNING and shown.done == 10


def test_a_job_started_just_now_is_not_failed(settings):
    settings.JOBS_STALE_SECONDS = 600
    job = _running_job(timedelta(seconds=5))
    assert jobs.progress(job).job.status == Job.Status.RUNNING


def test_a_finished_job_is_never_failed_for_its_age(settings):
    settings.JOBS_STALE_SECONDS = 1
    job = _running_job(timedelta(hours=1))
    jobs.finish(job.pk, "/x/", "查看结果", "See the result")
    job.refresh_from_db()
    assert jobs.progress(job).job.status == Job.Status.DONE
