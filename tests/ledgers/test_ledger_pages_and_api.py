"""Ledger upload → preview → confirm in the browser flow and the API, for every role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shigongtu.ledgers.models import ImportRecord
from shigongtu.plans.models import Node
from tests.ledgers.helpers import xlsx

GOOD = [["编号", "任务名称"], ["1.3", "新任务"]]
BAD = [["编号", "任务名称", "开始时间"], ["1.3", "新任务", "某天"]]


def upload(client, rows, kind="nodes"):
    return client.post("/plans/JY-T/ledgers/upload",
                       {"kind": kind, "file": SimpleUploadedFile("台账.xlsx", xlsx(rows))})


@pytest.mark.parametrize("role,status", [("coordinator", 200), ("reporter", 200), ("viewer", 200), ("outsider", 404)])
def test_the_ledger_page_is_seen_by_plan_members_only(cast, role, status):
    assert cast.client(role).get("/plans/JY-T/ledgers/").status_code == status


@pytest.mark.parametrize("role,status", [("coordinator", 302), ("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_only_coordinators_upload(cast, role, status):
    assert upload(cast.client(role), GOOD).status_code == status


def test_an_upload_is_previewed_then_applied_on_confirmation(cast):
    client = cast.client("coordinator")
    response = upload(client, GOOD)
    record = ImportRecord.objects.get()
    assert response.url.endswith(f"/imports/{record.pk}/")
    assert not Node.objects.filter(code="1.3").exists()
    page = client.get(response.url)
    assert "新任务" in page.content.decode() and "确认导入" in page.content.decode()
    applied = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/apply")
    assert applied.status_code == 302
    assert cast.node("1.3").title == "新任务"


def test_errors_are_shown_and_the_marked_file_downloads(cast):
    client = cast.client("coordinator")
    response = upload(client, BAD)
    page = client.get(response.url).content.decode()
    assert "某天" in page and "开始时间" in page
    record = ImportRecord.objects.get()
    marked = client.get(f"/plans/JY-T/ledgers/imports/{record.pk}/errors.xlsx")
    assert marked.status_code == 200 and marked["Content-Type"].startswith("application/vnd.openxml")
    assert client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/apply").status_code == 302
    assert not Node.objects.filter(code="1.3").exists()


@pytest.mark.parametrize("role,status", [("coordinator", 200), ("viewer", 200), ("outsider", 404)])
def test_exports_follow_the_scope(cast, role, status):
    response = cast.client(role).get("/plans/JY-T/ledgers/export?kind=nodes")
    assert response.status_code == status


def test_the_api_import_answers_in_the_contract_shape(cast):
    client = cast.client("coordinator")
    response = client.post("/api/v1/plans/JY-T/ledgers/nodes/import",
                           {"file": SimpleUploadedFile("n.xlsx", xlsx(GOOD)), "dry_run": "true"})
    assert response.status_code == 200
    doc = response.json()
    assert {k: doc[k] for k in ("ok", "dry_run", "created", "updated", "unchanged", "errors")} == {
        "ok": True, "dry_run": True, "created": 1, "updated": 0, "unchanged": 0, "errors": []}


def test_the_api_import_names_row_and_column_and_writes_nothing(cast):
    response = cast.client("coordinator").post("/api/v1/plans/JY-T/ledgers/nodes/import",
                                               {"file": SimpleUploadedFile("n.xlsx", xlsx(BAD))})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (2, "开始时间", "某天")
    assert not Node.objects.filter(code="1.3").exists()


@pytest.mark.parametrize("role,status", [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_the_api_import_is_for_coordinators(cast, role, status):
    response = cast.client(role).post("/api/v1/plans/JY-T/ledgers/nodes/import",
                                      {"file": SimpleUploadedFile("n.xlsx", xlsx(GOOD))})
    assert response.status_code == status
