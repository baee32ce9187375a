"""Building ledger files in tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(rows: Sequence[Sequence[Any]], merges: Sequence[str] = (), title: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"
    return text.encode(encoding)


def sheet_values(data: bytes, sheet: int | str = 0) -> list[list[Any]]:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]
