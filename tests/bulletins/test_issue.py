"""Issuing: numbered per plan and year, frozen, corrections, refusals, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.bulletins import render_pdf, services
from shigongtu.bulletins.models import Bulletin
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.lib.periods import Period
from shigongtu.plans import services as plan_services
from shigongtu.plans.models import Plan

from .conftest import JUNE, at


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    """Issuing renders a PDF too; these tests are about the archive, so skip the typesetting."""
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")


def test_issuing_numbers_bulletins_per_plan_and_year(june_plan, cast):
    first = services.issue(june_plan, Period(2023, 5), cast.coordinator)
    second = services.issue(june_plan, JUNE, cast.coordinator)
    other = plan_services.create_plan("JY-T2", "另一施工图", 2023, unit=cast.zone)
    third = services.issue(other, JUNE, cast.coordinator)
    assert (first.number, second.number, third.number) == (1, 2, 1)
    assert second.doc_date == dt.date(2023, 7, 10)


def test_an_issued_bulletin_is_frozen_when_data_changes(june_plan, cast):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator)
    docx, xlsx, snapshot = bulletin.file("docx"), bulletin.file("xlsx"), dict(bulletin.content)
    with at(dt.date(2023, 7, 12)):
        plan_services.file_report(cast.node("1.2"), "2023-06", {"progress": Decimal(100)})
    fresh = Bulletin.objects.get(pk=bulletin.pk)
    assert fresh.file("docx") == docx and fresh.file("xlsx") == xlsx
    assert fresh.content == snapshot
    assert services.document(june_plan, JUNE, "docx").data == docx
    draft = services.document(june_plan, JUNE, "xlsx", draft=True)
    assert draft.bulletin is None and draft.data != xlsx
    row = next(r for r in services.issued_content(fresh).table("tasks").rows if r[0] == "1.2")
    assert row[5] == "48.0"


def test_issuing_an_issued_period_again_is_refused(june_plan, cast):
    services.issue(june_plan, JUNE, cast.coordinator)
    with pytest.raises(InputRejected, match="已印发（第1期）"):
        services.issue(june_plan, JUNE, cast.coordinator)


def test_a_correction_gets_a_new_number_and_supersedes_the_first(june_plan, cast):
    first = services.issue(june_plan, JUNE, cast.coordinator)
    fixed = services.issue(june_plan, JUNE, cast.coordinator, correct=True)
    first.refresh_from_db()
    assert fixed.number == 2 and fixed.corrects == first
    assert first.status == Bulletin.Status.SUPERSEDED
    assert services.current(june_plan, JUNE) == fixed


def test_a_month_not_yet_over_cannot_be_issued(june_plan, cast):
    with pytest.raises(InputRejected, match="尚未结束"):
        services.issue(june_plan, Period(2023, 7), cast.coordinator)


def test_a_month_outside_the_plan_year_is_refused(june_plan, cast):
    with pytest.raises(InputRejected, match="不在施工图"):
        services.issue(june_plan, "2022-12", cast.coordinator)


@pytest.mark.parametrize("who", ["reporter", "viewer", "outsider"])
def test_only_managers_issue(june_plan, cast, who):
    with pytest.raises(NotAllowed):
        services.issue(june_plan, JUNE, getattr(cast, who))
    assert not Bulletin.objects.exists()


def test_every_issue_is_audited_with_the_files_digests(june_plan, cast):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator)
    entry = AuditEntry.objects.filter(object_type="bulletin").get()
    assert entry.action == "issue" and entry.actor == "coord" and entry.plan_code == "JY-T"
    assert entry.changes["sha256"]["docx"] == bulletin.digests["docx"]


def test_without_a_pdf_engine_the_bulletin_is_issued_without_its_pdf(june_plan, cast):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator)
    assert bulletin.pdf is None and bulletin.digests["pdf"] is None
    with pytest.raises(services.FileUnavailable):
        services.stored_file(bulletin, "pdf")


def test_the_monthly_job_issues_every_published_plan_once(june_plan, cast, tmp_path):
    from django.core.management import call_command

    call_command("bulletins_monthly", "--dir", str(tmp_path), "--issue", "--formats", "docx,xlsx")
    call_command("bulletins_monthly", "--dir", str(tmp_path), "--issue", "--formats", "docx")
    assert Bulletin.objects.filter(plan=june_plan).count() == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "JY-T-2023-06-调度通报第1期.docx", "JY-T-2023-06-调度通报第1期.xlsx"]
    assert Plan.objects.get(pk=june_plan.pk).bulletins.get().period == "2023-06"
