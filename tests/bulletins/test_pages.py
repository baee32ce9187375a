"""The bulletin page: preview, downloads and the issue button, by role."""

from __future__ import annotations

import pytest

from shigongtu.bulletins import render_pdf
from shigongtu.bulletins.models import Bulletin

URL = "/plans/JY-T/bulletins/"


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("reporter", 200), ("viewer", 200),
                                             ("outsider", 404)])
def test_the_page_is_scoped(june_plan, cast, who, status):
    assert cast.client(who).get(URL, {"period": "2023-06"}).status_code == status


def test_the_page_previews_the_month_as_the_document_reads(june_plan, cast):
    html = cast.client("viewer").get(URL, {"period": "2023-06"}).content.decode()
    assert "关于2023年6月份测试施工图推进情况的通报" in html
    assert "一、总体情况" in html and "任务进展情况表" in html
    assert "印发2023年6月通报" not in html  # viewers see no issue button


def test_coordinators_see_the_issue_button_and_can_issue(june_plan, cast):
    client = cast.client("coordinator")
    assert "印发2023年6月通报" in client.get(URL, {"period": "2023-06"}).content.decode()
    response = client.post(URL + "issue", {"period": "2023-06"})
    assert response.status_code == 302 and response["Location"].endswith("/bulletins/1/")
    assert "第1期" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("who", "status"), [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_others_cannot_issue(june_plan, cast, who, status):
    assert cast.client(who).post(URL + "issue", {"period": "2023-06"}).status_code == status
    assert not Bulletin.objects.exists()


def test_a_bad_period_falls_back_and_says_so(june_plan, cast):
    html = cast.client("viewer").get(URL, {"period": "2022-01"}).content.decode()
    assert "不在施工图" in html


def test_the_download_button_gives_a_word_file(june_plan, cast):
    response = cast.client("viewer").get(URL + "file", {"period": "2023-06", "format": "docx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
