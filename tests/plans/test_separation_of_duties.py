"""Separation of duties (审核与填报分离): whoever filed a report cannot approve it, at any review step."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shigongtu.lib.errors import NotAllowed
from shigongtu.plans import services
from shigongtu.plans.models import Report
from shigongtu.projects.services.investment import review_investment, submit_investment
from tests.conftest import make_user
from tests.projects.conftest import make_project


def test_a_coordinator_cannot_approve_the_report_they_filed(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 20}, user=cast.coordinator)
    response = cast.client("coordinator").post(f"/api/v1/reports/{report.pk}/approve", content_type="application/json")
    assert response.status_code == 403
    assert "填报人不能审核" in response.json()["detail"]
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_another_coordinator_approves_it(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 20}, user=cast.coordinator)
    second = make_user("coord2", cast.zone, "coordinator")
    assert services.review_report(report, True, user=second).status == Report.Status.APPROVED


def test_the_service_refuses_the_filer_too(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 20}, user=cast.coordinator)
    with pytest.raises(NotAllowed):
        services.review_report(report, True, user=cast.coordinator)


@pytest.fixture
def project(cast):
    return make_project(cast)


@time_machine.travel(dt.datetime(2023, 7, 10, 9, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("filer", ["reporter", "coordinator"])
def test_the_filer_of_an_investment_report_approves_at_no_step(cast, project, filer):
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, getattr(cast, filer))
    with pytest.raises(NotAllowed) as caught:
        review_investment(report, True, getattr(cast, filer))
    assert "填报人不能审核" in caught.value.message


@time_machine.travel(dt.datetime(2023, 7, 10, 9, tzinfo=dt.UTC), tick=False)
def test_the_investment_api_says_why_with_a_403(cast, project):
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, cast.coordinator)
    response = cast.client("coordinator").post(f"/api/v1/project-reports/{report.pk}/approve",
                                                content_type="application/json")
    assert response.status_code == 403
    assert "填报人不能审核" in response.json()["detail"]
