"""The bulletin as HTML: the same content and layout as the Word version, for the page
preview and for printing to PDF (:mod:`.render_pdf`). Charts are embedded as data URIs."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from shigongtu.bulletins import charts as C
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Section, Table
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead, annex_rows
from shigongtu.lib.periods import format_date_zh

CSS = Path(__file__).parent / "static" / "bulletins" / "document.css"
LIGHT_CLASS = {"红灯": "red", "黄灯": "yellow", "绿灯": "green", "已完成": "done", "未开始": "pending",
               "已取消": "cancelled"}


@dataclass
class HtmlTable:
    title: str
    head: list[str]
    widths: list[float]
    rows: list[list[tuple[str, str]]]
    note: str


def _table(table: Table, rows: list[list[str]] | None = None, levels: list[int] | None = None,
           note: str | None = None) -> HtmlTable:
    rows = table.rows if rows is None else rows
    levels = table.levels if levels is None else levels
    total = sum(c.width for c in table.columns) or 1
    out = []
    for i, row in enumerate(rows):
        level = levels[i] if i < len(levels) else None
        cells = []
        for j, (text, col) in enumerate(zip(row, table.columns, strict=True)):
            css = "num" if col.kind == NUMBER else ""
            if col.kind == LIGHT:
                css = f"light light--{LIGHT_CLASS.get(text, 'none')}"
            if level is not None and j == 1 and level:
                css += f" lvl lvl{min(level, 4)}"
            if level == 0:
                css += " front"
            cells.append((text, css.strip()))
        out.append(cells)
    return HtmlTable(table.title, [c.label for c in table.columns],
                     [round(100 * c.width / total, 2) for c in table.columns], out,
                     table.note if note is None else note)


def _blocks(sec: Section, images: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in sec.blocks:
        if b.table is not None:
            out.append({"kind": "table", "table": _table(b.table)})
        elif b.chart is not None:
            out.append({"kind": "chart", "src": images.get(b.chart.key, ""), "title": b.chart.title})
        else:
            out.append({"kind": b.kind, "text": b.text, "lead": b.lead})
    return out


def context(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The template context of ``bulletins/_document.html``."""
    pngs = C.render_all(content.charts()) if images is None else images
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in pngs.items()}
    annexes = []
    for n, annex in enumerate(content.annexes, start=1):
        for table in annex.tables():
            rows, levels, note = annex_rows(table)
            annexes.append({"n": n, "table": _table(table, rows, levels, note)})
    return {
        "c": content, "mast": mast, "date_zh": format_date_zh(mast.date),
        "sections": [{"heading": s.heading, "key": s.key, "blocks": _blocks(s, uris)} for s in content.sections],
        "annexes": annexes,
        "annex_titles": [t.title for a in content.annexes for t in a.tables()],
    }


def render(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> str:
    """A standalone HTML document for printing (styles inlined, A4 pages, page numbers)."""
    ctx = context(content, mast, images)
    ctx["css"] = CSS.read_text(encoding="utf-8")
    return render_to_string("bulletins/print.html", ctx)
