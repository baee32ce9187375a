"""``shigongtu bench bulletin``: time to build and render a month's dispatch bulletin.

Two plans: a demo-size one (synthetic, branching 9×6 ≈ 60 nodes, like JY-2023) and a
20,000-node one (10×10×10×20). For each: content build, .docx, .xlsx and (when WeasyPrint
can typeset here) .pdf, cold (roll-up cache cleared first). Targets: demo .docx ≤ 3 s, 20k
.docx ≤ 10 s, demo .pdf ≤ 5 s. The 20k Word/PDF task annex keeps fronts and red/yellow rows (the full table is in
the .xlsx), see ``bulletins.masthead.FULL_ANNEX_LIMIT``.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.bench.util import timed
from shigongtu.bulletins import charts, render_docx, render_pdf, render_xlsx
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.masthead import Masthead
from shigongtu.lib.periods import Period
from shigongtu.plans.selectors import clear_cache

PERIOD = Period(2023, 6)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF timings")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plans afterwards")


def _measure(plan: Any, with_pdf: bool) -> dict[str, Any]:
    clear_cache()
    mast = Masthead(6, dt.date(2023, 7, 5), plan.unit.name)
    content_s, content = timed(lambda: build_content(plan, PERIOD))
    charts_s, images = timed(lambda: charts.render_all(content.charts()))
    docx_s, docx = timed(lambda: render_docx.render(content, mast, images))
    xlsx_s, xlsx = timed(lambda: render_xlsx.render(content, mast))
    out: dict[str, Any] = {
        "nodes": len(content.table("tasks").rows),
        "content_s": round(content_s, 3), "charts_s": round(charts_s, 3),
        "docx_render_s": round(docx_s, 3), "docx_total_s": round(content_s + charts_s + docx_s, 3),
        "docx_bytes": len(docx), "xlsx_total_s": round(content_s + xlsx_s, 3), "xlsx_bytes": len(xlsx),
    }
    if with_pdf and render_pdf.problem() is None:
        cpu = time.process_time()
        pdf_s, pdf = timed(lambda: render_pdf.render(content, mast, images))
        # CPU seconds too: on a shared machine the wall time mostly measures the neighbours
        out.update({"pdf_render_s": round(pdf_s, 3), "pdf_render_cpu_s": round(time.process_time() - cpu, 3),
                    "pdf_total_s": round(content_s + charts_s + pdf_s, 3), "pdf_bytes": len(pdf)})
    else:
        out["pdf_total_s"] = None
    return out


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    with_pdf = not options.get("no_pdf")
    tag = uuid.uuid4().hex[:6].upper()
    figures: dict[str, Any] = {}
    sizes = {"demo": (9, 6), "large": (10, 10, 10, max(2, round(20 * scale)))}
    for name, branching in sizes.items():
        code = f"BUL-{name.upper()}-{tag}"
        build_s, built = timed(lambda: build_plan(code, branching, months=6))  # noqa: B023 (called at once)
        plan = built["plan"]
        try:
            figures[name] = {"build_s": round(build_s, 3), **_measure(plan, with_pdf)}
        finally:
            if not options.get("keep"):
                drop_plan(plan)
    figures["targets"] = {"demo_docx_s": 3.0, "large_docx_s": 10.0, "demo_pdf_s": 5.0}
    demo_pdf = figures["demo"]["pdf_total_s"]
    figures["ok"] = (figures["demo"]["docx_total_s"] <= 3.0 and figures["large"]["docx_total_s"] <= 10.0
                     and (demo_pdf is None or demo_pdf <= 5.0))
    return figures
