"""The bulletin as PDF: its HTML version typeset by WeasyPrint — no browser involved.

The HTML version carries the same content and layout as the Word file (A4, official fonts
with Noto CJK fallbacks, page numbers 「— 1 —」 through CSS page-margin boxes, landscape
annexes). WeasyPrint lays it out with Pango and embeds the subset of each font it uses, so
the PDF reads the same on a machine without the fonts. It needs Pango (Debian
``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a CJK font (``fonts-noto-cjk``); the project's
set-up installs both, and :func:`problem` says what is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from typing import Any

from shigongtu.bulletins import render_html
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead

INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; pip install weasyprint"


class PdfUnavailable(RuntimeError):
    """The PDF cannot be typeset here (WeasyPrint, Pango or a CJK font missing); the message says which."""


@lru_cache(maxsize=1)
def _weasyprint() -> Any:
    """The ``weasyprint`` module, or the reason it cannot be loaded (a string)."""
    try:
        import weasyprint
    except ImportError:
        return "PDF 需要 WeasyPrint（pip install weasyprint）"
    except OSError as exc:  # the Python package is there, Pango is not
        return f"PDF 需要 Pango 库（apt-get install libpango-1.0-0 libpangoft2-1.0-0）：{exc}"
    return weasyprint


@lru_cache(maxsize=1)
def _cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,  # noqa: S607
                             timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(out.strip())


def problem() -> str | None:
    """Why a PDF cannot be typeset on this machine, or None when it can."""
    module = _weasyprint()
    if isinstance(module, str):
        return module
    if not _cjk_font_installed():
        return "PDF 需要中文字体（apt-get install fonts-noto-cjk）"
    return None


def html_to_pdf(html: str) -> bytes:
    """Typeset an HTML document (styles inlined, images as data URIs) to PDF bytes."""
    reason = problem()
    if reason is not None:
        raise PdfUnavailable(reason)
    module = _weasyprint()
    pdf: bytes = module.HTML(string=html).write_pdf()
    return pdf


def render(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> bytes:
    """The .pdf bytes of a bulletin."""
    return html_to_pdf(render_html.render(content, mast, images))
