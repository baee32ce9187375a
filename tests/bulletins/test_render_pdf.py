"""The PDF version, typeset by WeasyPrint (no browser) and rendered back to a picture."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from shigongtu.bulletins import render_pdf
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.masthead import Masthead

from .conftest import JUNE

pytestmark = pytest.mark.skipif(render_pdf.problem() is not None or shutil.which("pdftoppm") is None,
                                reason="needs WeasyPrint with Pango, a CJK font and pdftoppm (poppler-utils)")


def test_the_pdf_renders_to_pages_that_are_not_blank(june_plan, tmp_path):
    from PIL import Image

    pdf = render_pdf.render(build_content(june_plan, JUNE), Masthead(1, dt.date(2023, 7, 10), "净月高新区"))
    assert pdf.startswith(b"%PDF")
    (tmp_path / "b.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "b.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(page.histogram()[:128])
    assert dark > 500
    # the masthead is red
    rgb = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    assert any(r > 150 and g < 80 and b < 80 for _, (r, g, b) in rgb.getcolors(1 << 24))


def test_the_pdf_embeds_its_fonts(june_plan, tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("needs pdffonts")
    pdf = render_pdf.render(build_content(june_plan, JUNE), Masthead(None, dt.date(2023, 7, 10), "净月高新区"))
    (tmp_path / "b.pdf").write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(tmp_path / "b.pdf")], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines)  # every font embedded (as a subset)
    assert any("CJK" in line for line in lines)


def test_the_pdf_needs_no_browser(june_plan, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no chromium (nor anything else) on the path
    pdf = render_pdf.html_to_pdf("<html><body><p>调度通报</p></body></html>")
    assert pdf.startswith(b"%PDF")


def test_without_weasyprint_the_pdf_is_refused_clearly(june_plan, monkeypatch):
    monkeypatch.setattr(render_pdf, "_weasyprint", lambda: "PDF 需要 WeasyPrint（pip install weasyprint）")
    with pytest.raises(render_pdf.PdfUnavailable, match="WeasyPrint"):
        render_pdf.render(build_content(june_plan, JUNE), Masthead(None, dt.date(2023, 7, 10), "净月高新区"))


def test_typesetting_that_runs_past_its_limit_stops_with_a_clear_error():
    import time

    from shigongtu.bulletins import render_pdf

    with pytest.raises(render_pdf.PdfTooSlow, match="Word"), render_pdf._time_limit(0.05):
        time.sleep(1)


def test_the_pdf_limit_stays_below_the_worker_timeout():
    from django.conf import settings

    from shigongtu.bulletins import render_pdf

    assert render_pdf.TIMEOUT_S < settings.WORKER_TIMEOUT_S
