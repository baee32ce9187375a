"""Issue #18 in Chromium: the review queue's investment reports with their photo marks, approved
there; the inbox, the bell's drop-down and the send log with the time each notice was raised and
sent; a job queued too long saying its worker may not run — screenshots in Chinese and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shigongtu.evidence import services as evidence
from shigongtu.notifications import runs, services
from shigongtu.projects.models import InvestmentReport
from shigongtu.projects.services.investment import review_investment, submit_investment
from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job
from tests.evidence.conftest import upload
from tests.evidence.photos import SITE, jpeg
from tests.projects.conftest import make_project

JULY_3 = dt.date(2023, 7, 3)
JUNE_15 = dt.datetime(2023, 6, 15, 10, 30)
FAR = (SITE[0] + 0.05, SITE[1])


@pytest.fixture
def month(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> Any:
    """Two investment reports waiting (one with a photo taken 5 km away), one returned and its
    notice raised; a ledger check queued ten minutes ago with no worker."""
    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "ev")}}}
    settings.NOTIFY_WECOM_ROBOTS = {}
    site = {"lng": Decimal(str(SITE[0])), "lat": Decimal(str(SITE[1]))}
    flagged = submit_investment(make_project(cast, "P-001", **site),
                                {"period": "2023-06", "amount": "800", "progress_text": "主体结构施工至三层"},
                                cast.reporter, today=JULY_3)
    evidence.attach("investment", flagged.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE)),
                                               upload("别处.jpg", jpeg(JUNE_15, FAR))], cast.reporter)
    submit_investment(make_project(cast, "P-002", **site), {"period": "2023-06", "amount": "1250.5",
                                                             "progress_pct": "35"}, cast.reporter, today=JULY_3)
    returned = submit_investment(make_project(cast, "P-003"), {"period": "2023-06", "amount": "300"},
                                 cast.reporter, today=JULY_3)
    review_investment(returned, False, cast.coordinator, "请补充付款凭证和现场照片")
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": ["wecom"]},
                       cast.coordinator)
    runs.run(cast.plan, JULY_3)
    job = jobs.start("ledger_import", "检查台账「大表.xlsx」", "Checking the ledger 大表.xlsx",
                     user=cast.coordinator, unit_id=cast.plan.unit_id, params={"plan": cast.plan.pk})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    return flagged, job


def english(session: Any) -> Any:
    session.context.add_cookies([{"name": "django_language", "value": "en", "url": session.base}])
    return session


def test_the_reviewer_sees_the_photo_marks_and_approves_from_the_queue(month: Any, cast: Any,
                                                                        open_session: Any) -> None:
    flagged, _job = month
    session = open_session("coord")
    session.open(f"/plans/{cast.plan.code}/review/")
    section = session.page.locator("#investment-reviews")
    expect(section).to_contain_text("照片时间/位置与项目不符 1")
    expect(section).to_contain_text("现场有效 1")
    section.scroll_into_view_if_needed()
    session.shot("review-investment-zh.png", full_page=True)
    session.page.locator(f"#investment-review-{flagged.pk} button:has-text('通过')").click()
    session.page.wait_for_load_state("networkidle")
    expect(session.page.locator(".flash")).to_contain_text("已审核通过")
    assert InvestmentReport.objects.get(pk=flagged.pk).status == "accepted"
    english(session).open(f"/plans/{cast.plan.code}/review/")
    expect(session.page.locator("#investment-reviews")).to_contain_text("Investment reports to review")
    session.shot("review-investment-en.png", full_page=True)
    assert not session.errors


def test_the_inbox_bell_and_send_log_show_when_each_notice_was_raised(month: Any, cast: Any,
                                                                       open_session: Any) -> None:
    raised = timezone.localtime(timezone.now()).strftime("%H:")
    clerk = open_session("reporter")
    clerk.open("/notifications/")
    expect(clerk.page.locator("table")).to_contain_text("请补充付款凭证和现场照片")
    expect(clerk.page.locator("table time")).to_contain_text(raised)
    clerk.shot("inbox-zh.png")
    clerk.page.locator("#topbar-bell summary").click()
    expect(clerk.page.locator(".topbar-bell-panel")).to_contain_text("查看全部提醒")
    clerk.shot("bell-zh.png")
    english(clerk).open("/notifications/")
    clerk.page.locator("#topbar-bell summary").click()
    expect(clerk.page.locator(".topbar-bell-panel")).to_contain_text("See all notices")
    clerk.shot("bell-inbox-en.png")
    coordinator = open_session("coord")
    coordinator.open(f"/plans/{cast.plan.code}/notifications/log")
    coordinator.shot("send-log-zh.png")
    english(coordinator).open(f"/plans/{cast.plan.code}/notifications/log")
    coordinator.shot("send-log-en.png")
    assert not clerk.errors and not coordinator.errors


def test_a_job_queued_too_long_says_the_worker_may_not_be_running(month: Any, cast: Any, open_session: Any) -> None:
    _flagged, job = month
    session = open_session("coord")
    session.open(f"/plans/{cast.plan.code}/jobs/{job.pk}/")
    expect(session.page.locator("#job-progress")).to_contain_text("shigongtu db_worker")
    session.shot("job-queued-zh.png")
    english(session).open(f"/plans/{cast.plan.code}/jobs/{job.pk}/")
    expect(session.page.locator("#job-progress")).to_contain_text("background worker may not be running")
    session.shot("job-queued-en.png")
