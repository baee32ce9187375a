"""Attaching evidence: checked, scoped, stored once, recorded in the history, and nothing left behind
when refused; the plan's photo rule on a month's investment."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404

from shigongtu.audit.models import AuditEntry
from shigongtu.evidence import services
from shigongtu.evidence.models import Attachment
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.investment import submit_investment as file_investment
from tests.evidence.conftest import stored_files, upload
from tests.evidence.photos import PDF, SITE, jpeg

JULY_3 = dt.date(2023, 7, 3)
JUNE_15 = dt.datetime(2023, 6, 15, 10, 30)
FAR = (SITE[0] + 0.05, SITE[1])


def june_report(project: Project, amount: str = "800") -> InvestmentReport:
    return file_investment(project, {"period": "2023-06", "amount": amount}, today=JULY_3)


def test_a_photo_taken_on_site_in_the_month_is_valid(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    [a] = services.attach("investment", report.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE))], cast.reporter)
    assert a.verdict == Attachment.Verdict.VALID and a.place_source == "exif"
    assert a.project_id == site_project.pk and a.period == "2023-06"


def test_a_photo_taken_elsewhere_is_flagged_for_the_reviewer(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    [a] = services.attach("investment", report.pk, [upload("别处.jpg", jpeg(JUNE_15, FAR))], cast.reporter)
    assert a.verdict == Attachment.Verdict.MISMATCH
    assert a.get_verdict_display() == "照片时间/位置与项目不符" and "超过500米" in a.verdict_note


def test_a_photo_without_exif_is_accepted_and_unverified(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    [a] = services.attach("investment", report.pk, [upload("无信息.jpg", jpeg())], cast.reporter)
    assert a.verdict == Attachment.Verdict.UNVERIFIED and "EXIF" in a.verdict_note


def test_the_browser_position_stands_in_for_missing_gps(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    [a] = services.attach("investment", report.pk, [upload("拍摄.jpg", jpeg(JUNE_15))], cast.reporter,
                          point=services.browser_point(str(SITE[0]), str(SITE[1])))
    assert a.place_source == "browser" and a.verdict == Attachment.Verdict.VALID


def test_the_sha256_goes_into_the_history(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    data = PDF
    [a] = services.attach("investment", report.pk, [upload("凭证.pdf", data)], cast.reporter)
    entry = AuditEntry.objects.filter(object_type="attachment", object_id=str(a.pk)).get()
    assert entry.action == "attach" and entry.changes["sha256"] == [None, hashlib.sha256(data).hexdigest()]
    assert a.mime == "application/pdf" and not a.is_photo


def test_removing_a_file_records_it_and_deletes_the_bytes(cast: Any, site_project: Project,
                                                          evidence_store: Path,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    report = june_report(site_project)
    with django_capture_on_commit_callbacks(execute=True):
        [a] = services.attach("investment", report.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE))], cast.reporter)
    assert len(stored_files(evidence_store)) == 2  # the photo and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(a, cast.reporter)
    assert not Attachment.objects.exists() and stored_files(evidence_store) == []
    entry = AuditEntry.objects.filter(object_type="attachment", action="delete").get()
    assert entry.changes["sha256"] == [a.sha256, None]


def test_a_thumbnail_is_made_in_the_background_after_commit(cast: Any, site_project: Project,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    report = june_report(site_project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [a] = services.attach("investment", report.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE, (800, 600)))],
                              cast.reporter)
    assert Attachment.objects.get(pk=a.pk).thumb == ""  # the upload answered without it
    for callback in callbacks:
        callback()
    assert Attachment.objects.get(pk=a.pk).thumb.endswith("-thumb.jpg")


@pytest.mark.parametrize(("name", "data", "words"), [
    ("伪装.jpg", PDF, "与扩展名 .jpg 不符"),
    ("程序.exe", b"MZ\x90\x00" * 10, "不接受「.exe」"),
])
def test_bad_files_are_refused_and_leave_nothing(cast: Any, site_project: Project, evidence_store: Path,
                                                 name: str, data: bytes, words: str) -> None:
    report = june_report(site_project)
    with pytest.raises(InputRejected) as exc:
        services.attach("investment", report.pk, [upload("好的.pdf", PDF), upload(name, data)], cast.reporter)
    assert words in str(exc.value) and exc.value.problems[0].value == name
    assert not Attachment.objects.exists() and stored_files(evidence_store) == []


def test_a_file_over_the_limit_is_refused(cast: Any, site_project: Project, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    report = june_report(site_project)
    with pytest.raises(InputRejected, match="超过上限"):
        services.attach("investment", report.pk, [upload("大.jpg", jpeg(JUNE_15, SITE, (400, 300), noise=True))],
                        cast.reporter)


def test_an_outsider_gets_404_and_a_viewer_is_not_allowed(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    with pytest.raises(Http404):
        services.attach("investment", report.pk, [upload("a.pdf", PDF)], cast.outsider)
    with pytest.raises(NotAllowed):
        services.attach("investment", report.pk, [upload("a.pdf", PDF)], cast.viewer)
    with pytest.raises(Http404):
        services.attach("no-such-kind", report.pk, [upload("a.pdf", PDF)], cast.coordinator)


def test_every_record_type_takes_attachments(cast: Any, site_project: Project) -> None:
    from shigongtu.evidence.targets import TARGETS

    assert {t.kind for t in TARGETS} == {"investment", "node-report", "approval", "problem", "supervision-step",
                                         "bond-expenditure"}


class TestThePhotoRule:
    def test_a_month_above_the_threshold_needs_a_valid_photo(self, cast: Any, site_project: Project,
                                                             evidence_store: Path) -> None:
        services.save_settings(cast.plan, "500", cast.coordinator)
        with pytest.raises(InputRejected) as exc:
            services.submit_investment(site_project, {"period": "2023-06", "amount": "800"}, cast.reporter,
                                       today=JULY_3, uploads=[upload("别处.jpg", jpeg(JUNE_15, FAR))])
        assert "超过500万元，需至少一张现场有效照片" in str(exc.value)
        assert exc.value.problems[0].field == "photos"
        assert not InvestmentReport.objects.exists() and not Attachment.objects.exists()
        assert stored_files(evidence_store) == []  # no orphan bytes

    def test_a_valid_photo_lets_it_through(self, cast: Any, site_project: Project) -> None:
        services.save_settings(cast.plan, "500", cast.coordinator)
        report = services.submit_investment(site_project, {"period": "2023-06", "amount": "800"}, cast.reporter,
                                            today=JULY_3, uploads=[upload("现场.jpg", jpeg(JUNE_15, SITE))])
        assert report.status == "submitted"
        assert Attachment.objects.get().object_id == report.pk

    def test_a_photo_attached_to_the_draft_earlier_counts(self, cast: Any, site_project: Project) -> None:
        services.save_settings(cast.plan, "500", cast.coordinator)
        draft = services.submit_investment(site_project, {"period": "2023-06", "amount": "800"}, cast.reporter,
                                           today=JULY_3, submit=False)
        services.attach("investment", draft.pk, [upload("现场.jpg", jpeg(JUNE_15, SITE))], cast.reporter)
        report = services.submit_investment(site_project, {"period": "2023-06", "amount": "800"}, cast.reporter,
                                            today=JULY_3)
        assert report.status == "submitted"

    def test_a_month_at_or_below_the_threshold_needs_none(self, cast: Any, site_project: Project) -> None:
        services.save_settings(cast.plan, "500", cast.coordinator)
        report = services.submit_investment(site_project, {"period": "2023-06", "amount": "500"}, cast.reporter,
                                            today=JULY_3)
        assert report.status == "submitted"

    def test_only_a_coordinator_sets_it_and_the_change_is_in_the_history(self, cast: Any) -> None:
        with pytest.raises(NotAllowed):
            services.save_settings(cast.plan, "500", cast.reporter)
        with pytest.raises(InputRejected, match="负数"):
            services.save_settings(cast.plan, "-1", cast.coordinator)
        services.save_settings(cast.plan, "500", cast.coordinator)
        assert AuditEntry.objects.filter(object_type="evidence_settings").get().changes == {
            "photo_required_above": [None, "500"]}
