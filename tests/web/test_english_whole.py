"""English is whole: the pages reworked here show no Chinese interface words in English (data — names of
units, people, projects and indicators — stays as entered), and service-layer warnings read in English."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib import admin
from django.utils import translation

from shigongtu.projects.models import ProjectProblem
from shigongtu.projects.selectors.warnings import KIND_LABELS, ProjectWarning
from tests.projects.conftest import make_project

HAN = re.compile(r"[\u3400-\u9fff]")


def english(client: Any) -> Any:
    client.cookies["django_language"] = "en"
    return client


def visible(html: str) -> str:
    """The page's text without tags, scripts, styles and attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<span class="brand-mark"[^>]*>施</span>', " ", html)  # the logo glyph
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture(autouse=True)
def _back_to_chinese() -> Any:
    yield
    translation.deactivate()


def test_the_settings_page_is_english_but_for_indicator_names(cast: Any) -> None:
    text = visible(english(cast.client("coordinator")).get("/plans/JY-T/settings/").content.decode())
    words = [w for w in re.findall(r"[\u3400-\u9fff（）]+", text) if w not in ("测试施工图", "中文")]
    assert words == [], words
    assert "Supervision warnings" in text and "monthly plans" in text


def test_the_bulletins_page_chrome_is_english(cast: Any) -> None:
    body = english(cast.client("coordinator")).get("/plans/JY-T/bulletins/?period=2023-06").content.decode()
    head = visible(body.split('class="bulletin-sheet"')[0])
    assert "Dispatch bulletin" in head and "No bulletin issued yet" in head and "Preview" in head
    words = set(re.findall(r"[\u3400-\u9fff]+", head)) - {"测试施工图", "中文"}
    assert not words, words


@pytest.mark.parametrize("kind", list(KIND_LABELS))
def test_every_project_warning_has_an_english_label_and_sentence(kind: str) -> None:
    detail = {"planned_start": "2023-03-01", "days_late": 5, "actual_start": "2023-04-01", "completion": 0.1,
              "expected_share": 0.3, "missing": ["施工许可"], "approval": "立项（备案）", "valid_until": "2023-07-20",
              "problem": "P", "deadline": "2023-05-15", "status": "待协调", "idle_days": 70, "unspent": 10,
              "progress": 0.1, "expected": 0.3}
    w = ProjectWarning(kind, "P-1", "项目", "yellow", detail)
    with translation.override("en"):
        assert not HAN.search(w.title + w.text), (w.title, w.text)
    with translation.override("zh-hans"):
        assert w.title == KIND_LABELS[kind] and w.text == w.message


def test_project_pages_name_stages_statuses_and_approvals_in_english(cast: Any) -> None:
    project = make_project(cast, stage="在建", level="市重点")
    ProjectProblem.objects.create(project=project, title="用地未落实", kind="用地", status="待协调",
                                  deadline=dt.date(2023, 5, 15))
    client = english(cast.client("coordinator"))
    page = visible(client.get(f"/plans/JY-T/projects/{project.code}/").content.decode())
    assert "Under construction" in page and "City key" in page and "To coordinate" in page
    listing = visible(client.get("/plans/JY-T/projects/").content.decode())
    assert "Under construction" in listing and "Preparation" in listing
    editors = client.get(f"/plans/JY-T/projects/{project.code}/records/").content.decode()
    assert 'value="待协调"' in editors and ">To coordinate<" in editors  # the value stays the stored word


def test_the_back_office_index_is_english(cast: Any, django_user_model: Any) -> None:
    from django.test import Client

    client = english(Client())
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.invalid", "x-correct-horse"))
    text = visible(client.get("/admin/").content.decode())
    for name in ("Investment attraction", "Supervision and rectification", "Dispatch bulletin", "Statistics"):
        assert name in text, name
    assert not HAN.search(text), sorted(set(re.findall(r"[\u3400-\u9fff]+", text)))
    assert admin.site.site_title
