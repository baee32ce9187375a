"""The bulletin as PDF: its HTML version printed by headless Chromium (Debian's ``chromium``).

LibreOffice is not part of the platform, so the Word file is not converted; the HTML version
carries the same content and layout (A4, official fonts with Noto CJK fallbacks, page numbers
「— 1 —」 through CSS page-margin boxes, landscape annexes) and Chromium embeds the fonts it
uses. The browser is found as ``$SHIGONGTU_CHROMIUM``, else ``chromium`` on the PATH; no
browser is ever downloaded. Playwright is not needed: the command-line printer does it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from shigongtu.bulletins import render_html
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw")
TIMEOUT_S = 180


class PdfUnavailable(RuntimeError):
    """No Chromium to print with, or it failed; the message says which."""


def chromium() -> str | None:
    """The Chromium executable to print with, or None."""
    configured = os.environ.get("SHIGONGTU_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str) -> bytes:
    """Print an HTML document to PDF with headless Chromium."""
    exe = chromium()
    if exe is None:
        raise PdfUnavailable("PDF needs Chromium (Debian package 'chromium'); none was found")
    with tempfile.TemporaryDirectory(prefix="shigongtu-pdf-") as tmp:
        page, out = Path(tmp) / "bulletin.html", Path(tmp) / "bulletin.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [exe, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False,  # noqa: S603
                                  env={**os.environ, "HOME": tmp})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"Chromium could not print the bulletin: {exc}") from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfUnavailable("Chromium did not produce a PDF: " + " / ".join(tail))
        return out.read_bytes()


def render(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> bytes:
    """The .pdf bytes of a bulletin."""
    return html_to_pdf(render_html.render(content, mast, images))
