"""The phone report form in a phone-sized Chromium: a submission made offline is kept on the phone,
photos included, and sent when the connection is back; screenshots in Chinese and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from shigongtu.evidence.models import Attachment
from shigongtu.projects.models import InvestmentReport
from tests.evidence.photos import SITE, jpeg
from tests.projects.conftest import make_project

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_project(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> Any:
    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "ev")}}}
    return make_project(cast, lng=Decimal(str(SITE[0])), lat=Decimal(str(SITE[1])))


def test_an_offline_submission_is_kept_and_sent_when_back_online(phone_project: Any, cast: Any,
                                                                 open_session: Any, tmp_path: Path) -> None:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg(dt.datetime(2023, 6, 15, 10, 0), SITE, (320, 240)))
    session = open_session("reporter", PHONE, geolocation={"longitude": SITE[0], "latitude": SITE[1]},
                           permissions=["geolocation"], is_mobile=True, has_touch=True)
    page = session.page
    session.open(f"/plans/{cast.plan.code}/projects/{phone_project.code}/phone/")
    session.shot("phone-report-zh.png", full_page=True)
    page.select_option("#id_period", "2023-06")
    page.fill("#id_amount", "350")
    page.fill("#id_progress_text", "主体封顶")
    page.set_input_files("#phone-photos", str(photo))
    session.context.set_offline(True)
    page.click("button[value=submit]")
    expect(page.locator("#phone-status")).to_contain_text("联网后自动重新提交")
    assert not InvestmentReport.objects.exists()
    session.context.set_offline(False)
    expect(page.locator("#phone-status")).to_contain_text("已提交")
    report = InvestmentReport.objects.get()
    assert (report.period, report.amount, report.progress_text) == ("2023-06", 350, "主体封顶")
    assert Attachment.objects.get().object_id == report.pk
    assert session.errors == []


def test_the_form_reads_in_english(phone_project: Any, cast: Any, open_session: Any) -> None:
    session = open_session("reporter", PHONE)
    session.context.add_cookies([{"name": "django_language", "value": "en", "url": session.base}])
    session.open(f"/plans/{cast.plan.code}/projects/{phone_project.code}/phone/")
    text = session.page.inner_text("main")
    assert "Site photos" in text and "Take or choose photos" in text and "现场照片" not in text
    session.shot("phone-report-en.png", full_page=True)
