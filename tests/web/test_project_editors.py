"""Page editors of a project's approvals, problems and bond money, with optimistic concurrency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from shigongtu.projects.models import ApprovalItem, BondDisbursement, ProjectProblem
from shigongtu.projects.services.approvals import ensure_checklist
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.projects import save_project

pytestmark = pytest.mark.usefixtures("july")


@pytest.fixture
def july() -> Any:
    with time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def project(cast: Any) -> Any:
    project = save_project(cast.plan, {"code": "P-1", "name": "算力中心", "stage": "前期", "lead_unit": cast.dept},
                           today=dt.date(2023, 7, 10))
    ensure_checklist(project)
    return project


URL = "/plans/JY-T/projects/P-1/records/"


def test_a_reporter_marks_an_approval_obtained(cast: Any, project: Any) -> None:
    item = project.approvals.order_by("sort").first()
    response = cast.client("reporter").post(URL, {"editor": "approval", "id": item.pk, "version": item.version,
                                                  "status": "已取得", "doc_no": "长发改审批〔2023〕12号",
                                                  "issued_on": "2023-06-01", "required": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.doc_no, item.version) == ("已取得", "长发改审批〔2023〕12号", 2)


def test_a_stale_approval_is_refused_with_409_and_a_message(cast: Any, project: Any) -> None:
    item = project.approvals.order_by("sort").first()
    client = cast.client("reporter")
    client.post(URL, {"editor": "approval", "id": item.pk, "version": item.version, "status": "办理中"})
    response = client.post(URL, {"editor": "approval", "id": item.pk, "version": item.version, "status": "已取得"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert ApprovalItem.objects.get(pk=item.pk).status == "办理中"


def test_a_problem_is_added_and_resolved_on_the_page(cast: Any, project: Any) -> None:
    client = cast.client("reporter")
    client.post(URL, {"editor": "problem", "title": "用地指标未落实", "kind": "用地", "status": "待协调",
                      "needs_coordination": "on"})
    problem = ProjectProblem.objects.get(project=project)
    client.post(URL, {"editor": "problem", "id": problem.pk, "version": problem.version, "title": problem.title,
                      "kind": "用地", "status": "已解决", "resolution": "已调剂指标", "resolved_on": "2023-07-05"})
    problem.refresh_from_db()
    assert (problem.status, problem.needs_coordination) == ("已解决", False)


def test_a_bad_problem_names_the_field_and_writes_nothing(cast: Any, project: Any) -> None:
    response = cast.client("reporter").post(URL, {"editor": "problem", "title": "", "kind": "用地"})
    assert response.status_code == 422
    assert not ProjectProblem.objects.exists()


def test_a_coordinator_records_and_corrects_a_disbursement_by_voucher_number(cast: Any, project: Any) -> None:
    bond = save_bond(project, {"requested_amount": "5000", "state": "审核通过", "declared_on": "2023-02-01"},
                     cast.coordinator)
    add_movement(bond, "quota", {"amount": "3000", "date": "2023-03-01", "batch": "第一批"}, cast.coordinator)
    bond.refresh_from_db()
    client = cast.client("coordinator")
    data = {"editor": "disbursement", "version": bond.version, "amount": "1000", "date": "2023-03-20",
            "kind": "拨付", "reference": "记-0318"}
    assert client.post(URL, data).status_code == 302
    bond.refresh_from_db()
    assert client.post(URL, {**data, "version": bond.version, "amount": "1100"}).status_code == 302
    assert list(BondDisbursement.objects.values_list("amount", flat=True)) == [Decimal(1100)]
    stale = client.post(URL, {**data, "amount": "1200"})  # the version read before the correction
    assert stale.status_code == 409


def test_reporters_do_not_edit_bond_money_and_viewers_and_outsiders_edit_nothing(cast: Any, project: Any) -> None:
    bond = save_bond(project, {"requested_amount": "5000", "state": "审核通过"}, cast.coordinator)
    quota = {"editor": "quota", "version": bond.version, "amount": "10", "date": "2023-03-01", "batch": "第一批"}
    assert cast.client("reporter").post(URL, quota).status_code == 403
    assert cast.client("viewer").get(URL).status_code == 403
    assert cast.client("outsider").get(URL).status_code == 404


def test_the_editors_page_renders_for_the_reporter(cast: Any, project: Any) -> None:
    body = cast.client("reporter").get(URL).content.decode()
    assert "前期手续" in body and 'name="doc_no"' in body
