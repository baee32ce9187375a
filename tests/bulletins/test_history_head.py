"""An issued bulletin prints the change history's head (sequence number and fingerprint) from its
frozen issue record, in Word, Excel, HTML and PDF, so a reader can check it with ``audit verify --anchors``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import openpyxl
import pytest
from docx import Document

from shigongtu.audit.models import AuditEntry, ChainHead
from shigongtu.audit.verify import verify_history
from shigongtu.bulletins import render_pdf, services
from tests.audit import forger

from .conftest import JUNE


@pytest.fixture
def issued(june_plan, cast, monkeypatch):
    monkeypatch.setattr(render_pdf, "problem", lambda: "PDF 需要 WeasyPrint（测试中停用）")
    head = ChainHead.objects.get()
    return services.issue(june_plan, JUNE, cast.coordinator), head


def line(bulletin):
    return f"印发时变更记录：第{bulletin.history_seq}条，指纹 {bulletin.history_fingerprint}"


def test_the_issue_freezes_the_head_the_figures_stood_on(issued):
    bulletin, head = issued
    assert (bulletin.history_seq, bulletin.history_fingerprint) == (head.last_seq, head.last_hash)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "issue" and entry.changes["history_head"] == {"seq": head.last_seq, "fingerprint": head.last_hash}


def test_the_word_file_prints_it_under_the_imprint(issued):
    bulletin, _ = issued
    texts = [p.text for p in Document(io.BytesIO(bulletin.file("docx"))).paragraphs]
    assert texts[-1] == line(bulletin) and "印发" in texts[-2]


def test_the_excel_file_carries_it_on_its_cover_sheet(issued):
    bulletin, _ = issued
    ws = openpyxl.load_workbook(io.BytesIO(bulletin.file("xlsx")))["说明"]
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert rows["变更记录"] == f"印发时第{bulletin.history_seq}条" and rows["记录指纹"] == bulletin.history_fingerprint


def test_the_issued_page_prints_it_and_a_draft_does_not(issued, cast):
    bulletin, _ = issued
    client = cast.client("viewer")
    assert line(bulletin) in client.get(f"/plans/JY-T/bulletins/{bulletin.number}/").content.decode()
    draft = client.get("/plans/JY-T/bulletins/", {"period": "2023-05"}).content.decode()
    assert "印发时变更记录" not in draft


@pytest.mark.skipif(render_pdf.problem() is not None or not shutil.which("pdftotext"),
                    reason="PDF needs WeasyPrint, a CJK font and poppler-utils")
def test_the_pdf_prints_it(june_plan, cast, tmp_path):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator)
    (tmp_path / "b.pdf").write_bytes(bulletin.file("pdf"))
    text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "").replace(" ", "")
    assert f"第{bulletin.history_seq}条" in text and bulletin.history_fingerprint in text


def test_the_printed_head_checks_as_an_anchor_and_catches_a_rewrite(issued, tmp_path):
    bulletin, _ = issued
    anchors = tmp_path / "from-the-bulletin.txt"
    anchors.write_text(json.dumps({"seq": bulletin.history_seq, "fingerprint": bulletin.history_fingerprint,
                                   "at": "第1期"}) + "\n")
    assert verify_history(anchors).ok
    forger.truncate_to(bulletin.history_seq - 1)
    assert any("truncated" in p for p in verify_history(anchors).problems())
