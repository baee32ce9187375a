"""The bulletin workbook goes through the ledgers' formula rule: a title like "=HYPERLINK(…)" stays text."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import load_workbook

from shigongtu.bulletins import render_xlsx
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.masthead import Masthead
from shigongtu.plans.models import Node

from .conftest import JUNE

MAST = Masthead(None, dt.date(2023, 7, 10), "净月高新区")
HOSTILE = '=HYPERLINK("http://example.invalid","点击")'


def test_a_node_title_that_looks_like_a_formula_is_written_as_text(june_plan):
    node = Node.objects.filter(plan=june_plan).order_by("sort_key").first()
    Node.objects.filter(pk=node.pk).update(title=HOSTILE)
    data = render_xlsx.render(build_content(june_plan, JUNE), MAST)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml for xml in sheets)
    wb = load_workbook(io.BytesIO(data))
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert texts
    assert all(c.data_type == "s" for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == HOSTILE)
