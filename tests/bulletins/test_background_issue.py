"""Issuing a month's bulletin from the page runs on the background queue and ends at the issued bulletin."""

from __future__ import annotations

import pytest

from shigongtu.bulletins import render_pdf
from shigongtu.bulletins.models import Bulletin
from shigongtu.utilities.models import Job

URL = "/plans/JY-T/bulletins/"


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")


def test_the_issue_is_a_job_that_links_to_the_bulletin(june_plan, cast):
    response = cast.client("coordinator").post(URL + "issue", {"period": "2023-06"})
    job = Job.objects.get()
    bulletin = Bulletin.objects.get()
    assert job.kind == "bulletin_issue" and job.status == Job.Status.DONE and job.user == cast.coordinator
    assert job.result_url == response["Location"] == f"/plans/JY-T/bulletins/{bulletin.number}/"
    assert "已印发2023年第1期调度通报" in job.message


def test_the_job_names_the_month_in_words_in_both_languages(june_plan, cast):
    cast.client("coordinator").post(URL + "issue", {"period": "2023-06"})
    job = Job.objects.get()
    assert job.title == "印发2023年6月调度通报" and job.title_en == "Issuing the bulletin for Jun 2023"


def test_a_done_job_counts_all_its_steps_done(june_plan, cast):
    client = cast.client("coordinator")
    client.post(URL + "issue", {"period": "2023-06"})
    html = client.get(f"/plans/JY-T/jobs/{Job.objects.get().pk}/").content.decode()
    assert "3 / 3" in html and "0 / 3" not in html and "可以离开本页" not in html


def test_the_job_page_offers_the_issued_bulletin(june_plan, cast):
    client = cast.client("coordinator")
    client.post(URL + "issue", {"period": "2023-06"})
    job = Job.objects.get()
    html = client.get(f"/plans/JY-T/jobs/{job.pk}/").content.decode()
    assert "查看第1期" in html and 'href="/plans/JY-T/bulletins/1/"' in html


def test_a_refused_issue_fails_the_job_and_says_why(june_plan, cast):
    client = cast.client("coordinator")
    client.post(URL + "issue", {"period": "2023-06"})
    response = client.post(URL + "issue", {"period": "2023-06"}, follow=True)  # issued already
    job = Job.objects.order_by("-pk").first()
    assert job.status == Job.Status.FAILED and "已印发（第1期）" in job.error
    assert "已印发（第1期）" in response.content.decode() and Bulletin.objects.count() == 1


def test_a_bad_month_is_refused_before_queueing(june_plan, cast):
    cast.client("coordinator").post(URL + "issue", {"period": "2031-13"})
    assert not Job.objects.exists()


def test_a_failure_inside_the_task_leaves_no_bulletin(june_plan, cast, monkeypatch):
    from shigongtu.bulletins import services

    monkeypatch.setattr(services, "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("font missing")))
    response = cast.client("coordinator").post(URL + "issue", {"period": "2023-06"})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "未写入任何数据" in job.error and not Bulletin.objects.exists()
    assert response["Location"] == "/plans/JY-T/bulletins/?period=2023-06"  # back to the month, saying why
