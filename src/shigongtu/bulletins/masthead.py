"""What a rendered bulletin carries besides its content: number, date, issuer, correction —
and the rule that keeps very large annex tables out of the Word and PDF versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shigongtu.bulletins.blocks import Table
from shigongtu.bulletins.sentences import number_label

FULL_ANNEX_LIMIT = 3000
"""A task annex longer than this keeps its fronts and red/yellow rows in .docx/.pdf/HTML;
the .xlsx always has every row."""


@dataclass(frozen=True)
class Masthead:
    """The 版头 of a bulletin: 第N期 (None for a draft), the document date, the issuing unit, and
    the number of the bulletin this one corrects (更正), if any."""

    number: int | None
    date: dt.date
    issuer: str
    correction_of: int | None = None
    history_seq: int | None = None  # the change history's head when issued (None for a draft)
    history_fingerprint: str = ""

    @property
    def number_label(self) -> str:
        return number_label(self.number)

    @property
    def history_line(self) -> str:
        """The history's head as printed on an issued bulletin, for checking with
        ``shigongtu audit verify --anchors`` later; empty for a draft."""
        if self.history_seq is None:
            return ""
        return f"印发时变更记录：第{self.history_seq}条，指纹 {self.history_fingerprint}"


def annex_rows(table: Table) -> tuple[list[list[str]], list[int], str]:
    """The rows of an annex table as the paged formats print it, with a note when shortened."""
    if table.key != "tasks" or len(table.rows) <= FULL_ANNEX_LIMIT:
        return table.rows, table.levels, table.note
    light = table.column("灯色")
    fronts = [i for i, _ in enumerate(table.rows) if table.levels and table.levels[i] == 0]
    reds = [i for i, row in enumerate(table.rows) if row[light] == "红灯" and i not in fronts]
    yellows = [i for i, row in enumerate(table.rows) if row[light] == "黄灯" and i not in fronts]
    keep = sorted((fronts + reds + yellows)[:FULL_ANNEX_LIMIT])
    whole = len(fronts) + len(reds) + len(yellows) <= FULL_ANNEX_LIMIT
    shown = "各战线及红灯、黄灯任务" if whole else "各战线及部分红灯任务"
    note = (f"本表共{len(table.rows)}项任务，此处列出{shown}{len(keep)}项；全部任务见本通报Excel版同名工作表。")
    return [table.rows[i] for i in keep], [table.levels[i] for i in keep] if table.levels else [], note
