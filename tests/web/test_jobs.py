"""A background job's page and progress endpoint: what it shows while running, done and failed, and to whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job


def _job(cast, who="coordinator"):
    return jobs.start("ledger_import", "检查台账「大表.xlsx」", "Checking the ledger 大表.xlsx",
                      user=getattr(cast, who), unit_id=cast.plan.unit_id, params={"plan": cast.plan.pk})


def _url(job, tail=""):
    return f"/plans/JY-T/jobs/{job.pk}/{tail}"


def _progress_div(html):
    """The job's progress block alone (the page's bell polls too, on its own)."""
    start = html.index('id="job-progress"')
    return html[start:html.index("</div>\n", html.index("</p>", start))]


def _running(job, done, total):
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    jobs.report(job.pk, done, total, f"已检查 {done} 行", f"{done} rows checked")


def test_a_running_job_shows_its_progress_and_keeps_polling(cast):
    job = _job(cast)
    _running(job, 500, 2000)
    html = cast.client("coordinator").get(_url(job, "progress"), HTTP_HX_REQUEST="true").content.decode()
    assert "已检查 500 行" in html and "500 / 2000" in html and 'value="25"' in html
    assert 'hx-trigger="every 1s"' in html


def test_a_queued_job_says_it_waits(cast):
    html = cast.client("coordinator").get(_url(_job(cast))).content.decode()
    assert "排队等待处理" in html and "检查台账「大表.xlsx」" in html


def test_a_done_job_links_to_its_result_and_stops_polling(cast):
    job = _job(cast)
    jobs.finish(job.pk, "/plans/JY-T/ledgers/imports/7/", "查看结果", "See the result", "检查完成", "Checked")
    response = cast.client("coordinator").get(_url(job, "progress"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'href="/plans/JY-T/ledgers/imports/7/"' in html and "hx-trigger" not in html
    assert response["HX-Redirect"] == "/plans/JY-T/ledgers/imports/7/"  # an import goes on to its preview


def test_a_failed_job_shows_its_message(cast):
    job = _job(cast)
    jobs.fail(job.pk, "文件格式无法识别", "The file's format is not recognised")
    html = cast.client("coordinator").get(_url(job)).content.decode()
    assert "文件格式无法识别" in html and "失败" in html and "hx-trigger" not in _progress_div(html)


def test_the_job_page_is_in_english_when_chosen(cast):
    job = _job(cast)
    jobs.fail(job.pk, "文件格式无法识别", "The file's format is not recognised")
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    html = client.get(_url(job)).content.decode()
    assert "The file&#x27;s format is not recognised" in html and "Checking the ledger" in html


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("reporter", 404), ("viewer", 404),
                                             ("outsider", 404)])
def test_only_its_starter_and_the_coordinators_see_a_job(cast, who, status):
    job = _job(cast, "coordinator")
    assert cast.client(who).get(_url(job)).status_code == status
    assert cast.client(who).get(_url(job, "progress")).status_code == status


def test_a_reporter_sees_the_job_they_started(cast):
    job = _job(cast, "reporter")
    assert cast.client("reporter").get(_url(job, "progress")).status_code == 200


def test_a_job_of_another_plan_is_not_found_under_this_one(cast):
    from shigongtu.plans import services

    other = services.create_plan("SY-T", "双阳施工图", 2023, unit=cast.other_zone)
    job = jobs.start("ledger_import", "x", "x", user=cast.outsider, unit_id=other.unit_id, params={"plan": other.pk})
    assert cast.client("coordinator").get(_url(job)).status_code == 404
    assert cast.client("outsider").get(f"/plans/SY-T/jobs/{job.pk}/").status_code == 200


def test_the_progress_endpoint_takes_few_queries(cast, django_assert_max_num_queries):
    job = _job(cast)
    client = cast.client("coordinator")
    client.get(_url(job, "progress"))  # warm the session
    with django_assert_max_num_queries(5):  # session, user, scope, plan, job
        client.get(_url(job, "progress"))


def test_the_job_page_takes_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    job = _job(cast)
    client = cast.client("coordinator")
    client.get(_url(job))  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(_url(job)).status_code == 200


def test_a_job_whose_worker_died_shows_as_failed_not_running_forever(cast, settings):
    settings.JOBS_STALE_SECONDS = 60
    job = _job(cast)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING,
                                         started_at=timezone.now() - timedelta(minutes=5))
    html = cast.client("coordinator").get(_url(job, "progress"), HTTP_HX_REQUEST="true").content.decode()
    assert "处理进程可能已停止" in html and "hx-trigger" not in html


def _queued_for(job, seconds):
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_a_job_queued_longer_than_the_setting_says_the_worker_may_not_be_running(cast, settings):
    settings.JOBS_QUEUED_WARN_SECONDS = 300
    job = _job(cast)
    _queued_for(job, 301)
    html = _progress_div(cast.client("coordinator").get(_url(job)).content.decode())
    assert "后台处理进程可能没有运行" in html and "shigongtu db_worker" in html and "shigongtu serve" in html
    assert 'hx-trigger="every 1s"' in html  # it keeps polling: once a worker starts, the page moves on


def test_the_worker_hint_reads_in_english(cast, settings):
    job = _job(cast)
    _queued_for(job, settings.JOBS_QUEUED_WARN_SECONDS + 1)
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    html = client.get(_url(job, "progress"), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the background worker may not be running" in html and "shigongtu db_worker" in html
    assert "后台" not in html


def test_a_job_queued_a_moment_ago_or_running_shows_no_worker_hint(cast, settings):
    settings.JOBS_QUEUED_WARN_SECONDS = 300
    fresh, running = _job(cast), _job(cast)
    _queued_for(fresh, 299)
    _queued_for(running, 3600)
    _running(running, 1, 10)
    for job in (fresh, running):
        assert "后台处理进程可能没有运行" not in cast.client("coordinator").get(_url(job)).content.decode()
