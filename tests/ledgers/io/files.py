"""Ledger specs and real files (xlsx, ods, csv) built on the spot for the ledger-engine tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from shigongtu.ledgers.io import Column, LedgerSpec

FIXTURES = Path(__file__).with_name("fixtures")

NODES = LedgerSpec(
    "nodes",
    "分施工图",
    (
        Column("编号", ("code",), required=True, help_zh="1、1.2、1.2.3"),
        Column("任务名称", ("title", "名称"), required=True, width=30),
        Column("牵头单位", ("lead unit", "责任单位")),
        Column("责任领导", ("leader", "包保领导")),
        Column("开始时间", ("start",)),
        Column("完成时限", ("due", "截止时间")),
        Column("权重", ("weight",)),
        Column("状态", ("status",), choices=("进行中", "取消")),
        Column("目标值", ("target",), number_format="#,##0.00"),
    ),
)

PROJECTS = LedgerSpec(
    "projects",
    "重点项目台账",
    (
        Column("项目编号", ("code", "编号"), required=True),
        Column("项目名称", ("name",), required=True),
        Column("项目阶段", ("stage",), choices=("谋划", "前期", "具备开工条件", "在建", "竣工")),
        Column("总投资", ("total investment",), number_format="#,##0.00"),
        Column("年度计划投资", ("annual plan",), number_format="#,##0.00"),
        Column("累计完成", ("completed",), number_format="#,##0.00"),
        Column("计划开工时间", ("planned start",)),
        Column("是否入统", ("in statistics",), choices=("是", "否")),
    ),
)

REPORTS = LedgerSpec(
    "reports",
    "月度填报",
    (
        Column("编号", ("code",), required=True),
        Column("填报月份", ("period",), required=True),
        Column("进度", ("progress",)),
        Column("本月进展", ("this month",)),
    ),
    dynamic_columns=True,
)


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Iterable[str] = (),
    title: str = "Sheet1",
    start: str = "A1",
    more_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
) -> bytes:
    """An .xlsx written by openpyxl, with ``rows`` placed from cell ``start``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    top = ws[start]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(row=top.row + i, column=top.column + j, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    for name, other in (more_sheets or {}).items():
        extra = wb.create_sheet(name)
        for row in other:
            extra.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple) and value[0] == "span":  # ("span", text, columns, rows)
        _, text, cols, rows = value
        return (
            f'<table:table-cell table:number-columns-spanned="{cols}" table:number-rows-spanned="{rows}" '
            f'office:value-type="string"><text:p>{escape(str(text))}</text:p></table:table-cell>'
        )
    if value == "covered":
        return "<table:covered-table-cell/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(rows: Sequence[Sequence[object]] | None = None, *, name: str = "台账", raw_rows: str | None = None) -> bytes:
    """A minimal OpenDocument spreadsheet, written by hand (no library in the project writes one)."""
    body = raw_rows
    if body is None:
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows or []
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()
