"""The review queue (/review/) lists the investment reports awaiting review beside the task
reports, with their photo evidence (现场有效 / 照片时间/位置与项目不符 / 未核验), and the reviewer
approves or returns them there through the project library's own review (version checked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from shigongtu.audit.models import AuditEntry
from shigongtu.evidence import services as evidence
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.investment import review_investment, submit_investment
from tests.evidence.conftest import evidence_store, site_project, upload  # noqa: F401 (fixtures)
from tests.evidence.photos import SITE, jpeg
from tests.projects.conftest import make_project

JULY_3 = dt.date(2023, 7, 3)
JUNE_15 = dt.datetime(2023, 6, 15, 10, 30)
FAR = (SITE[0] + 0.05, SITE[1])
QUEUE = "/plans/JY-T/review/"


def filed(project: Project, cast: Any, by: str | None = "reporter") -> InvestmentReport:
    return submit_investment(project, {"period": "2023-06", "amount": "800", "progress_text": "主体结构施工"},
                             getattr(cast, by) if by else None, today=JULY_3)


@pytest.fixture
def flagged(cast: Any, site_project: Project) -> InvestmentReport:  # noqa: F811
    """An investment report with one photo taken on site and one taken 5 km away."""
    report = filed(site_project, cast)
    evidence.attach("investment", report.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE)),
                                              upload("别处.jpg", jpeg(JUNE_15, FAR)),
                                              upload("无信息.jpg", jpeg())], cast.reporter)
    return report


def review(cast: Any, report: InvestmentReport, decision: str, version: int, reason: str = "") -> Any:
    return cast.client("coordinator").post(f"/plans/JY-T/project-reports/{report.pk}/review",
                                           {"decision": decision, "version": version, "reason": reason,
                                            "from": "queue"}, follow=True)


def test_the_queue_shows_an_investment_report_with_its_photo_marks(cast: Any, flagged: InvestmentReport) -> None:
    page = cast.client("coordinator").get(QUEUE).content.decode()
    section = page[page.index('id="investment-reviews"'):]
    assert "P-001" in section and "800" in section and "主体结构施工" in section
    assert "现场有效 1" in section and "照片时间/位置与项目不符 1" in section and "未核验 1" in section


def test_approving_from_the_queue_accepts_the_report_and_comes_back_to_the_queue(
        cast: Any, flagged: InvestmentReport) -> None:
    answer = review(cast, flagged, "approve", flagged.version)
    assert answer.redirect_chain[-1][0] == f"{QUEUE}#investment-reviews" and "已审核通过" in answer.content.decode()
    assert InvestmentReport.objects.get().status == "accepted"
    assert AuditEntry.objects.filter(object_type="investment", action="approve").count() == 1
    assert "P-001" not in answer.content.decode().split('id="investment-reviews"')[1]


def test_returning_from_the_queue_needs_a_reason_and_keeps_it(cast: Any, flagged: InvestmentReport) -> None:
    assert "退回时请填写原因" in review(cast, flagged, "return", flagged.version).content.decode()
    assert InvestmentReport.objects.get().status == "submitted"
    review(cast, flagged, "return", flagged.version, "照片拍摄地点与项目不符，请重拍")
    report = InvestmentReport.objects.get()
    assert report.status == "returned" and report.return_reason == "照片拍摄地点与项目不符，请重拍"


def test_a_stale_queue_row_changes_nothing(cast: Any, flagged: InvestmentReport) -> None:
    answer = review(cast, flagged, "approve", flagged.version - 1)
    assert answer.redirect_chain[-1][0].startswith(QUEUE) and "已被" in answer.content.decode()
    assert InvestmentReport.objects.get().status == "submitted"


def test_a_report_the_lead_unit_passed_waits_for_the_coordinator_and_one_returned_is_gone(cast: Any) -> None:
    passed = filed(make_project(cast, "P-002"), cast)
    review_investment(passed, True, cast.coordinator)  # a coordinator's approval accepts it at once
    waiting = filed(make_project(cast, "P-003"), cast)
    InvestmentReport.objects.filter(pk=waiting.pk).update(status="unit_approved")
    returned = filed(make_project(cast, "P-004"), cast)
    review_investment(returned, False, cast.coordinator, "请补充")
    section = cast.client("coordinator").get(QUEUE).content.decode().split('id="investment-reviews"')[1]
    assert "P-003" in section and "责任单位已审" in section and "P-002" not in section and "P-004" not in section


def test_the_unit_filter_narrows_the_investment_reports_too(cast: Any) -> None:
    filed(make_project(cast, "P-002"), cast)
    filed(make_project(cast, "P-009", lead_unit=cast.other_dept), cast, by=None)
    section = cast.client("coordinator").get(f"{QUEUE}?unit={cast.dept.pk}").content.decode().split(
        'id="investment-reviews"')[1]
    assert "P-002" in section and "P-009" not in section


def test_the_queue_query_count_does_not_grow_with_the_investment_reports(
        cast: Any, django_assert_max_num_queries: Any) -> None:
    client = cast.client("coordinator")
    filed(make_project(cast, "P-100"), cast)
    with django_assert_max_num_queries(40) as few:
        client.get(QUEUE)
    for i in range(101, 121):
        filed(make_project(cast, f"P-{i}"), cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(QUEUE).content.decode()
    assert "P-120" in page


def test_the_investment_reviews_read_whole_in_english(cast: Any, flagged: InvestmentReport) -> None:
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    section = page[page.index('id="investment-reviews"'):]
    assert "Investment reports to review" in section and "Photo time/place does not match the project" in section
    for word in ("投资月报", "佐证", "现场有效", "未核验", "退回", "通过", "万元"):
        assert word not in section, word
