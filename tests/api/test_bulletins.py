"""The bulletin API, tried by the whole cast."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from shigongtu.bulletins import render_pdf, services
from shigongtu.plans.selectors import compute_indicators
from tests.bulletins.conftest import JUNE, at, build

BASE = "/api/v1/plans/JY-T/bulletins"


@pytest.fixture
def june_plan(cast: Any) -> Any:
    """The bulletins' half-year plan (tests/bulletins/conftest.py), seen on 10 July 2023."""
    plan = build(cast)
    with at(dt.date(2023, 7, 10)):
        yield plan


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("reporter", 200), ("viewer", 200),
                                             ("outsider", 404)])
def test_list_is_scoped(june_plan, cast, who, status):
    assert cast.client(who).get(BASE).status_code == status


def test_the_preview_has_the_figures_of_compute_indicators(june_plan, cast):
    doc = cast.client("viewer").get(f"{BASE}/preview", {"period": "2023-06"}).json()
    assert doc["status"] == "draft"
    figures = {f["name"]: f for f in doc["content"]["figures"]["indicators"]}
    from shigongtu.bulletins import numbers as N

    for ind in compute_indicators(june_plan, JUNE.last_day):
        assert figures[ind.name]["completion"] == N.text(N.percent(ind.completion))


@pytest.mark.parametrize(("who", "status"), [("coordinator", 201), ("reporter", 403), ("viewer", 403),
                                             ("outsider", 404)])
def test_issuing_needs_the_manage_right(june_plan, cast, who, status):
    response = cast.client(who).post(BASE, {"period": "2023-06"}, content_type="application/json")
    assert response.status_code == status
    if status == 201:
        assert response.json()["number"] == 1 and response.json()["formats"] == ["docx", "xlsx"]


def test_a_bad_period_is_a_422_naming_the_field(june_plan, cast):
    response = cast.client("coordinator").post(BASE, {"period": "2023-13"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "period"


def test_downloads_are_the_issued_files(june_plan, cast):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator)
    client = cast.client("viewer")
    by_number = client.get(f"{BASE}/1/file", {"format": "docx"})
    by_period = client.get(f"{BASE}/file", {"period": "2023-06", "format": "docx"})
    assert by_number.content == by_period.content == bulletin.file("docx")
    assert "attachment" in by_number["Content-Disposition"]
    assert Document(io.BytesIO(by_number.content)).paragraphs[1].text == "第1期"


def test_a_draft_downloads_without_a_number(june_plan, cast):
    response = cast.client("viewer").get(f"{BASE}/file", {"period": "2023-06", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_unknown_format_is_a_422(june_plan, cast):
    response = cast.client("viewer").get(f"{BASE}/file", {"period": "2023-06", "format": "odt"})
    assert response.status_code == 422


def test_one_issued_bulletin_carries_its_snapshot(june_plan, cast):
    services.issue(june_plan, JUNE, cast.coordinator)
    doc = cast.client("viewer").get(f"{BASE}/1").json()
    assert doc["period"] == "2023-06" and doc["content"]["period"] == "2023-06"
    assert cast.client("outsider").get(f"{BASE}/1").status_code == 404
