"""The evidence pages: a record's files, scoped downloads, the watermark, and the phone report form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shigongtu.evidence import services
from shigongtu.evidence.models import Attachment
from shigongtu.projects.models import InvestmentReport, Project
from tests.evidence.conftest import upload
from tests.evidence.photos import PDF, SITE, jpeg
from tests.evidence.test_services import FAR, JUNE_15, june_report


def files_url(report: InvestmentReport) -> str:
    return f"/evidence/investment/{report.pk}/"


def test_the_reporter_uploads_on_the_page_and_sees_the_verdict(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    client = cast.client("reporter")
    photo = SimpleUploadedFile("别处.jpg", jpeg(JUNE_15, FAR), content_type="image/jpeg")
    response = client.post(files_url(report), {"file": [photo]})
    assert response.status_code == 302
    page = client.get(files_url(report)).content.decode()
    assert "别处.jpg" in page and "照片时间/位置与项目不符" in page and "已上传 1 个文件" in page


def test_a_refused_file_is_named_on_the_page(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    fake = SimpleUploadedFile("伪装.jpg", PDF, content_type="image/jpeg")
    response = cast.client("reporter").post(files_url(report), {"file": [fake]})
    assert response.status_code == 422
    assert "伪装.jpg" in response.content.decode() and not Attachment.objects.exists()


def test_the_project_page_shows_the_reviewer_the_flag(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    services.attach("investment", report.pk, [upload("别处.jpg", jpeg(JUNE_15, FAR))], cast.reporter)
    page = cast.client("coordinator").get(f"/plans/{cast.plan.code}/projects/{site_project.code}/").content.decode()
    assert "照片时间/位置与项目不符 1" in page and files_url(report) in page


def test_downloads_are_scoped(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    [a] = services.attach("investment", report.pk, [upload("凭证.pdf", PDF)], cast.reporter)
    viewer = cast.client("viewer").get(f"/evidence/files/{a.pk}")
    assert viewer.status_code == 200 and b"".join(viewer.streaming_content) == PDF
    assert "attachment" in viewer["Content-Disposition"] and viewer["Cache-Control"] == "private, no-store"
    assert cast.client("outsider").get(f"/evidence/files/{a.pk}").status_code == 404
    assert cast.client("outsider").get(files_url(report)).status_code == 404
    assert cast.client("viewer").post(f"/evidence/files/{a.pk}/delete").status_code == 403


def test_an_exported_photo_carries_a_watermark(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    original = jpeg(JUNE_15, SITE, (640, 480))
    [a] = services.attach("investment", report.pk, [upload("现场.jpg", original)], cast.reporter)
    response = cast.client("coordinator").get(f"/evidence/files/{a.pk}/watermarked.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    marked = Image.open(io.BytesIO(response.content)).convert("L")
    plain = Image.open(io.BytesIO(original)).convert("L")
    # the bottom band is darkened and written on; the top of the picture is untouched
    assert marked.crop((0, 440, 640, 480)).getextrema() != plain.crop((0, 440, 640, 480)).getextrema()
    assert abs(marked.getpixel((320, 20)) - plain.getpixel((320, 20))) < 8


def test_the_files_page_has_a_fixed_number_of_queries(cast: Any, site_project: Project,
                                                      django_assert_max_num_queries: Any) -> None:
    report = june_report(site_project)
    services.attach("investment", report.pk, [upload(f"{i}.pdf", PDF) for i in range(8)], cast.reporter)
    client = cast.client("reporter")
    client.get(files_url(report))
    with django_assert_max_num_queries(12):
        assert client.get(files_url(report)).status_code == 200


@pytest.fixture
def july() -> Any:
    with time_machine.travel(dt.datetime(2023, 7, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.usefixtures("july")
class TestThePhoneForm:
    def url(self, cast: Any, project: Project) -> str:
        return f"/plans/{cast.plan.code}/projects/{project.code}/phone/"

    def test_it_shows_one_column_with_the_camera_input(self, cast: Any, site_project: Project) -> None:
        page = cast.client("reporter").get(self.url(cast, site_project)).content.decode()
        assert 'accept="image/*" capture="environment"' in page and "phone-report.js" in page
        assert 'value="2023-06" selected' in page

    def test_it_reads_in_english(self, cast: Any, site_project: Project) -> None:
        client = cast.client("reporter")
        client.cookies["django_language"] = "en"
        page = client.get(self.url(cast, site_project), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Site photos" in page and "现场照片" not in page

    def test_the_script_files_the_month_with_photos_and_position(self, cast: Any, site_project: Project) -> None:
        photo = SimpleUploadedFile("现场.jpg", jpeg(JUNE_15), content_type="image/jpeg")
        response = cast.client("reporter").post(self.url(cast, site_project), {
            "period": "2023-06", "amount": "350", "progress_pct": "40", "progress_text": "主体封顶",
            "next_steps": "二次结构", "photos": [photo], "lng": str(SITE[0]), "lat": str(SITE[1]),
            "action": "submit"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200 and response.json()["ok"]
        report = InvestmentReport.objects.get()
        assert report.amount == 350 and report.progress_text == "主体封顶" and report.status == "submitted"
        attachment = Attachment.objects.get()
        assert attachment.place_source == "browser" and attachment.verdict == "valid"

    def test_bad_input_answers_with_named_errors_and_writes_nothing(self, cast: Any, site_project: Project) -> None:
        fake = SimpleUploadedFile("伪装.jpg", PDF, content_type="image/jpeg")
        response = cast.client("reporter").post(self.url(cast, site_project), {
            "period": "2023-06", "amount": "350", "photos": [fake], "action": "submit"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 422
        assert "伪装.jpg" in response.json()["errors"][0]["message"]
        assert not InvestmentReport.objects.exists() and not Attachment.objects.exists()

    def test_its_two_progress_fields_have_different_names(self, cast: Any, site_project: Project) -> None:
        page = cast.client("reporter").get(self.url(cast, site_project)).content.decode()
        assert "形象进度（%）</label>" in page and "形象进度说明</label>" in page

    def test_recent_months_count_unverified_photos_too(self, cast: Any, site_project: Project) -> None:
        report = june_report(site_project)
        services.attach("investment", report.pk, [upload("无信息.jpg", jpeg(None))], cast.reporter)
        page = cast.client("reporter").get(self.url(cast, site_project)).content.decode()
        assert "未核验 1" in page

    def test_outsiders_get_404_and_viewers_403(self, cast: Any, site_project: Project) -> None:
        assert cast.client("outsider").get(self.url(cast, site_project)).status_code == 404
        assert cast.client("viewer").get(self.url(cast, site_project)).status_code == 403


def test_a_coordinator_sets_the_photo_rule_on_its_page(cast: Any) -> None:
    url = f"/plans/{cast.plan.code}/evidence/settings/"
    client = cast.client("coordinator")
    assert "需现场照片的月投资额" in client.get(url).content.decode()
    assert client.post(url, {"photo_required_above": "800", "version": "1"}).status_code == 302
    assert services.required_above(cast.plan) == 800
    refused = client.post(url, {"photo_required_above": "很多", "version": "2"})
    assert refused.status_code == 422 and "请输入金额" in refused.content.decode()
    assert cast.client("reporter").get(url).status_code == 403
    assert cast.client("outsider").get(url).status_code == 404


def test_the_files_page_keeps_the_plan_navigation_and_an_english_breadcrumb(cast: Any, site_project: Project) -> None:
    report = june_report(site_project)
    client = cast.client("reporter")
    page = client.get(files_url(report)).content.decode()
    assert f'href="/plans/{cast.plan.code}/projects/"' in page  # the plan's left navigation, 重点项目 active
    client.cookies["django_language"] = "en"
    english = client.get(files_url(report)).content.decode()
    assert ">Monthly investment report</a>" in english


def test_the_project_header_offers_the_phone_form_to_its_reporter_only(cast: Any, site_project: Project) -> None:
    url = f"/plans/{cast.plan.code}/projects/{site_project.code}/"
    phone = f'class="btn btn--phone-only" href="{url}phone/"'
    assert phone in cast.client("reporter").get(url).content.decode()
    assert phone not in cast.client("viewer").get(url).content.decode()


def test_the_settings_page_lists_file_types_with_the_comma_of_its_language(cast: Any) -> None:
    url = f"/plans/{cast.plan.code}/evidence/settings/"
    client = cast.client("coordinator")
    assert "jpg、jpeg" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "jpg, jpeg" in english and "jpg、jpeg" not in english
