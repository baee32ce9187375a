"""The bulletin as PDF: its HTML version typeset by WeasyPrint — no browser involved.

The HTML version carries the same content and layout as the Word file (A4, official fonts
with Noto CJK fallbacks, page numbers 「— 1 —」 through CSS page-margin boxes, landscape
annexes). WeasyPrint lays it out with Pango and embeds the subset of each font it uses, so
the PDF reads the same on a machine without the fonts. It needs Pango (Debian
``libpango-1.0-0``, ``libpangoft2-1.0-0``) and a CJK font (``fonts-noto-cjk``); the project's
set-up installs both, and :func:`problem` says what is missing.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from shigongtu.bulletins import render_html
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead

INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; pip install weasyprint"

# The longest a PDF may take to typeset. It stays below the server's worker timeout
# (settings.WORKER_TIMEOUT_S), so a page that asks for one gets an answer, not a killed worker.
TIMEOUT_S = 180


class PdfUnavailable(RuntimeError):
    """The PDF cannot be typeset here (WeasyPrint, Pango or a CJK font missing); the message says which."""


class PdfTooSlow(PdfUnavailable):
    """Typesetting took longer than :data:`TIMEOUT_S` (a very large plan): the Word file has it all."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the work after ``seconds`` with :class:`PdfTooSlow` (main thread only: gunicorn's sync
    workers and the CLI run requests there; elsewhere the worker timeout is the bound)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _stop(signum: int, frame: Any) -> None:
        raise PdfTooSlow(f"PDF 排版超过 {seconds} 秒，请下载 Word 版")

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    with _time_limit(TIMEOUT_S):
        pdf: bytes = module.HTML(string=html).write_pdf()
    return pdf


def render(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> bytes:
    """The .pdf bytes of a bulletin."""
    return html_to_pdf(render_html.render(content, mast, images))
