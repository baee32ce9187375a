"""The pieces a bulletin is made of: sections of paragraphs, sub-headings, notes, tables and charts.

Plain data that turns into JSON and back; the sections build them and the renderers lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TEXT, NUMBER, LIGHT = "text", "number", "light"


@dataclass
class Column:
    """A table column: its header, what it holds (text, number, light), the decimals of a
    number, and a relative width."""

    label: str
    kind: str = TEXT
    digits: int = 0
    width: float = 1.0


@dataclass
class Table:
    """A table: ``rows`` of printed cells; ``levels`` (optional, one per row) is the row's depth
    in the plan tree, for indentation and bold fronts."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[str]]
    levels: list[int] = field(default_factory=list)
    note: str = ""

    def column(self, label: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.label == label)


@dataclass
class Chart:
    """A chart to draw: ``kind`` ``curve`` (cumulative actual vs plan curve and linear 序时) or
    ``bars`` (progress vs 序时 per front); ``data`` is JSON-ready."""

    key: str
    title: str
    kind: str
    data: dict[str, Any]


@dataclass
class Block:
    """One piece of a section: a paragraph (``para``, with an optional bold ``lead``), a
    sub-heading (``sub``, （一）…), a note, a table or a chart."""

    kind: str
    text: str = ""
    lead: str = ""
    table: Table | None = None
    chart: Chart | None = None


@dataclass
class Section:
    key: str
    heading: str
    blocks: list[Block] = field(default_factory=list)

    def para(self, text: str, lead: str = "") -> None:
        self.blocks.append(Block("para", text=text, lead=lead))

    def sub(self, text: str) -> None:
        self.blocks.append(Block("sub", text=text))

    def note(self, text: str) -> None:
        self.blocks.append(Block("note", text=text))

    def add_table(self, table: Table) -> None:
        self.blocks.append(Block("table", table=table))

    def add_chart(self, chart: Chart) -> None:
        self.blocks.append(Block("chart", chart=chart))

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]
