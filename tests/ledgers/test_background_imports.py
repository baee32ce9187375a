"""Large ledgers from the page go through the background queue: checked, then imported all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers import engine
from shigongtu.ledgers.models import ImportRecord
from shigongtu.plans.models import Node
from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job
from tests.ledgers.helpers import xlsx

ROWS = [["编号", "任务名称"], *[[f"1.{n}", f"任务{n}"] for n in range(3, 40)]]


@pytest.fixture
def large(settings):
    settings.LEDGER_BACKGROUND_BYTES = 0  # every file counts as large


def upload(client, rows=ROWS):
    return client.post("/plans/JY-T/ledgers/upload", {"kind": "nodes", "file": SimpleUploadedFile("大表.xlsx", xlsx(rows))})


def test_a_small_file_is_still_checked_in_the_request(cast):
    upload(cast.client("coordinator"))
    assert not Job.objects.exists() and ImportRecord.objects.count() == 1


def test_a_large_file_is_checked_on_the_queue_and_leads_to_its_preview(cast, large):
    response = upload(cast.client("coordinator"))
    job = Job.objects.get()
    record = ImportRecord.objects.get()
    assert job.status == Job.Status.DONE and job.user == cast.coordinator and job.payload == b""
    assert response.url == job.result_url == f"/plans/JY-T/ledgers/imports/{record.pk}/"
    assert record.dry_run and record.ok and record.created == 37
    assert not Node.objects.filter(plan=cast.plan, code="1.3").exists()


def test_the_task_reports_the_rows_it_has_checked(cast, large, monkeypatch):
    told = []
    real = jobs.report
    monkeypatch.setattr(jobs, "report", lambda job_id, done, *a, **k: (told.append(done), real(job_id, done, *a, **k)))
    upload(cast.client("coordinator"))
    assert told and told[-1] == 37


def test_the_confirmed_import_runs_on_the_queue_all_at_once(cast, large):
    client = cast.client("coordinator")
    upload(client)
    record = ImportRecord.objects.get()
    response = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/apply")
    job = Job.objects.order_by("-pk").first()
    assert job.params["record"] == record.pk and job.total == 37 and job.status == Job.Status.DONE
    assert "新增 37 条" in job.message
    assert Node.objects.filter(plan=cast.plan, code__startswith="1.").count() == 2 + 37
    assert response.url == job.result_url  # the import's result page


def test_a_task_that_breaks_part_way_writes_nothing_and_says_so(cast, large, monkeypatch):
    client = cast.client("coordinator")
    upload(client)
    record = ImportRecord.objects.get()
    before_nodes, before_history = Node.objects.count(), AuditEntry.objects.count()
    real = engine._check_and_apply

    def breaks_after_writing(*args, **kwargs):
        real(*args, **kwargs)  # every row written …
        raise RuntimeError("disk full")  # … then the work breaks before the transaction ends

    monkeypatch.setattr(engine, "_check_and_apply", breaks_after_writing)
    response = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/apply")
    job = Job.objects.order_by("-pk").first()
    assert job.status == Job.Status.FAILED and "未写入任何数据" in job.error
    assert Node.objects.count() == before_nodes and AuditEntry.objects.count() == before_history
    assert response.url == f"/plans/JY-T/jobs/{job.pk}/"
    assert "未写入任何数据" in client.get(response.url).content.decode()


def test_a_file_with_errors_checked_on_the_queue_shows_them_on_its_preview(cast, large):
    response = upload(cast.client("coordinator"), [["编号", "任务名称", "开始时间"], ["1.3", "新任务", "某天"]])
    record = ImportRecord.objects.get()
    assert not record.ok and response.url.endswith(f"/imports/{record.pk}/")
    assert "开始时间" in cast.client("coordinator").get(response.url).content.decode()


def test_an_unknown_kind_is_refused_before_queueing(cast, large):
    client = cast.client("coordinator")
    client.post("/plans/JY-T/ledgers/upload", {"kind": "nope", "file": SimpleUploadedFile("a.xlsx", xlsx(ROWS))})
    assert not Job.objects.exists()


def test_an_htmx_upload_is_sent_to_the_result(cast, large):
    response = cast.client("coordinator").post(
        "/plans/JY-T/ledgers/upload", {"kind": "nodes", "file": SimpleUploadedFile("大表.xlsx", xlsx(ROWS))},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == Job.objects.get().result_url
