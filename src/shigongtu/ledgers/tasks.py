"""Ledger imports on the background queue: a large file's check (预览) and its import (导入).

The page starts a job (``utilities.jobs``) and enqueues ``run_import``; the task runs the same
``import_ledger`` as the page does for a small file — so the whole file is applied in one
transaction or nothing is — and reports the rows checked as it goes. When it is done, the job
links to the import's preview or result page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from shigongtu.ledgers.engine import import_ledger
from shigongtu.ledgers.models import ImportRecord
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.plans.models import Plan
from shigongtu.utilities import jobs
from shigongtu.utilities.models import Job

KIND = "ledger_import"


def in_background(size: int) -> bool:
    """Whether a file of ``size`` bytes is checked or imported on the queue rather than in the request."""
    return size > settings.LEDGER_BACKGROUND_BYTES


def start_check(plan: Plan, user: Any, data: bytes, filename: str, kind: str, options: dict[str, Any]) -> Job:
    """Queue the check (dry run) of an uploaded file; ``options``: create_units, sheet, period, mapping."""
    job = jobs.start(KIND, f"检查台账「{filename}」", f"Checking the ledger {filename}", user=user,
                     unit_id=plan.unit_id, payload=data,
                     params={"plan": plan.pk, "kind": kind, "filename": filename, "dry_run": True, **options})
    jobs.enqueued(job, run_import.enqueue(job.pk).id)
    return job


def start_apply(plan: Plan, user: Any, record: ImportRecord) -> Job:
    """Queue the import of a previewed file (read again from its record and applied all or nothing)."""
    reading = record.result.get("reading") or {}
    rows = record.created + record.updated + record.unchanged
    job = jobs.start(KIND, f"导入台账「{record.filename}」", f"Importing the ledger {record.filename}", user=user,
                     unit_id=plan.unit_id, total=rows,
                     params={"plan": plan.pk, "kind": record.kind, "filename": record.filename, "dry_run": False,
                             "record": record.pk, "create_units": bool(record.result.get("create_units")),
                             "sheet": record.result.get("sheet"), "period": record.result.get("period"),
                             "mapping": reading.get("mapping")})
    jobs.enqueued(job, run_import.enqueue(job.pk).id)
    return job


@task()
def run_import(job_id: int) -> None:
    """Check (or import) the job's ledger file, reporting rows as it goes; link to the result."""
    with jobs.running(job_id, expected=(InputRejected, NotAllowed)) as job:
        p = job.params
        plan = Plan.objects.get(pk=p["plan"])
        user = get_user_model().objects.get(pk=job.user_id) if job.user_id else None
        data = bytes(job.payload) if p["dry_run"] else bytes(ImportRecord.objects.get(pk=p["record"]).content)
        total = job.total

        verb, verb_en = ("已检查", "checked") if p["dry_run"] else ("已检查并写入", "checked and written")

        def tell(rows: int) -> None:
            jobs.report(job_id, rows, total, f"{verb} {rows} 行", f"{rows} rows {verb_en}")

        result = import_ledger(data, p["filename"], p["kind"], plan, user, dry_run=p["dry_run"],
                               create_units=bool(p.get("create_units")), sheet=p.get("sheet"),
                               period=p.get("period"), mapping=p.get("mapping"), progress=tell)
        url = reverse("ledgers_web:preview", args=[plan.code, result.record_id])
        if p["dry_run"]:
            message, message_en = "检查完成", "Checked"
        elif result.ok:
            message = f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，未变 {result.unchanged} 条。"
            message_en = f"Imported: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        else:
            message = "数据在预览后发生了变化，导入未执行，请查看新的检查结果。"
            message_en = "The data changed after the preview; nothing was imported. See the new check."
        jobs.finish(job_id, url, "查看结果", "See the result", message, message_en)
