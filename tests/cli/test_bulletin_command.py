"""``shigongtu bulletin``: the file per suffix, issued vs draft, and clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from shigongtu.bulletins import render_pdf
from tests.bulletins.conftest import at, build


@pytest.fixture
def june_plan(cast: Any) -> Any:
    """The bulletins' half-year plan (tests/bulletins/conftest.py), seen on 10 July 2023."""
    plan = build(cast)
    with at(dt.date(2023, 7, 10)):
        yield plan


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch):
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")


def run(*args: str) -> str:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        call_command("bulletin", *args)
    return out.getvalue()


def test_it_writes_a_draft_per_the_suffix(june_plan, tmp_path):
    doc = json.loads(run("--plan", "JY-T", "--period", "2023-06", "-o", str(tmp_path / "june.xlsx"), "--json"))
    assert doc["status"] == "draft" and doc["number"] is None
    assert "说明" in load_workbook(tmp_path / "june.xlsx").sheetnames


def test_with_issue_it_writes_the_issued_file(june_plan, tmp_path):
    run("--plan", "JY-T", "--period", "2023-06", "-o", str(tmp_path / "june.docx"), "--issue", "--date", "2023-07-10")
    paragraphs = [p.text for p in Document(tmp_path / "june.docx").paragraphs]
    assert paragraphs[1] == "第1期" and paragraphs[2].endswith("2023年7月10日")
    run("--plan", "JY-T", "--period", "2023-06", "-o", str(tmp_path / "again.docx"))
    assert (tmp_path / "again.docx").read_bytes() == (tmp_path / "june.docx").read_bytes()


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--plan", "NOPE", "--period", "2023-06"], 1, "no plan"),
    (["--plan", "JY-T", "--period", "2023-13"], 2, "YYYY-MM"),
    (["--plan", "JY-T", "--period", "June"], 2, "YYYY-MM"),
    (["--plan", "JY-T", "--period", "2023-06", "--date", "7/5"], 2, "--date"),
])
def test_bad_input_exits_with_a_clear_message(june_plan, tmp_path, args, code, message):
    with pytest.raises(CommandError, match=message) as caught:
        run(*args, "-o", str(tmp_path / "b.docx"))
    assert caught.value.returncode == code


def test_an_unknown_suffix_is_a_usage_error(june_plan, tmp_path):
    with pytest.raises(CommandError, match="unknown output format") as caught:
        run("--plan", "JY-T", "--period", "2023-06", "-o", str(tmp_path / "b.odt"))
    assert caught.value.returncode == 2


def test_a_period_outside_the_plan_year_exits_1(june_plan, tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        run("--plan", "JY-T", "--period", "2022-06", "-o", str(tmp_path / "b.docx"))
    assert caught.value.code == 1
    assert "不在施工图" in capsys.readouterr().err
    assert not (tmp_path / "b.docx").exists()


def test_a_pdf_without_weasyprint_exits_1(june_plan, tmp_path):
    with pytest.raises(CommandError, match="WeasyPrint") as caught:
        run("--plan", "JY-T", "--period", "2023-06", "-o", str(tmp_path / "b.pdf"))
    assert caught.value.returncode == 1
