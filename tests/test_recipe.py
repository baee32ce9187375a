"""The recipe of ARCHITECTURE.md ("Adding a record type"), walked once with a tiny example.

An illustrative record type (示例事项, nothing real) adds one entry to each face's list, and
nothing else: its ledger kind to ``ledgers/kinds/__init__.py:ALL``, its card to
``dashboard/cards/__init__.py:CARDS`` (with its field on ``Dashboard``), its section to
``bulletins/sections/__init__.py:SECTIONS``. The engine imports its files, the dashboard
builds its card and the bulletin composes its section, numbered in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from shigongtu.bulletins import sections, sentences
from shigongtu.bulletins.blocks import Section
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.facts import Facts
from shigongtu.dashboard import cards, data
from shigongtu.dashboard.cards import CardContext
from shigongtu.ledgers import kinds
from shigongtu.ledgers.engine import import_ledger
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib.periods import Period
from tests.ledgers.helpers import xlsx

TODAY = dt.datetime(2023, 7, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
STORED: list[str] = []  # the example's "table": what its ledger kind applied


class ExampleKind(LedgerKind):
    """The example's ledger (示例事项台账): a name and a note, one row per item."""

    name = "examples"
    title_zh = "示例事项台账"
    title_en = "Example items"
    spec = LedgerSpec("examples", "示例事项台账", (Column("事项名称", ("name",), required=True), Column("备注")))

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        for row in rows:
            errs = ctx.row_errors(row)
            title = str(row.values.get("事项名称") or "").strip()
            if not title:
                errs.add("事项名称", None, "必填：事项名称", en="required: item name")
            if ctx.keep(errs):
                yield RowPlan(row.number, title, CREATE, {"事项名称": [None, title]}, {"title": title})

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        STORED.extend(p.payload["title"] for p in plans)

    def export_rows(self, plan: Any, user: Any, filters: Any = None) -> list[dict[str, Any]]:
        return [{"事项名称": title} for title in STORED]


def example_card(ctx: CardContext) -> dict[str, Any]:
    """The example's dashboard card: how many items it holds at the as-of date."""
    return {"examples": {"count": len(STORED), "as_of": ctx.as_of}}


@dataclass
class DashboardWithExamples(data.Dashboard):
    examples: dict[str, Any] | None = None  # the card's field, as a real record type adds it


def example_section(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """The example's bulletin section (示例事项推进情况), silent when there is nothing to say."""
    if not STORED:
        return None
    figures["examples"] = len(STORED)
    section = Section("examples", "示例事项推进情况")
    section.para(f"本月共有示例事项{len(STORED)}项。")
    return section


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    STORED.clear()
    monkeypatch.setattr(kinds, "ALL", (*kinds.ALL, ExampleKind()))
    monkeypatch.setattr(cards, "CARDS", (*cards.CARDS, example_card))
    monkeypatch.setattr(data, "Dashboard", DashboardWithExamples)
    monkeypatch.setattr(sections, "SECTIONS", (*sections.SECTIONS, example_section))
    yield
    STORED.clear()


def test_the_ledger_engine_imports_the_new_kind_once_it_is_in_the_tuple(cast: Any, example: None) -> None:
    result = import_ledger(xlsx([["事项名称", "备注"], ["示例一", "首批"], ["示例二", ""]]), "示例.xlsx", "examples", cast.plan,
                           cast.coordinator)
    assert result.ok and result.created == 2
    assert STORED == ["示例一", "示例二"]


def test_a_bad_row_of_the_new_kind_is_named_and_nothing_is_written(cast: Any, example: None) -> None:
    result = import_ledger(xlsx([["事项名称", "备注"], ["示例一", ""], ["", "名称漏填"]]), "示例.xlsx", "examples", cast.plan,
                           cast.coordinator)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "事项名称")]
    assert STORED == []


def test_the_dashboard_builds_the_new_card(cast: Any, example: None) -> None:
    STORED.append("示例一")
    with time_machine.travel(TODAY, tick=False):
        board = data.build_dashboard(cast.plan, dt.date(2023, 6, 30))
    assert board.examples == {"count": 1, "as_of": dt.date(2023, 6, 30)}
    assert board.fronts  # the cards before it still run


def test_the_bulletin_composes_the_new_section_last_and_numbered(cast: Any, example: None) -> None:
    STORED.append("示例一")
    with time_machine.travel(TODAY, tick=False):
        content = build_content(cast.plan, Period(2023, 6))
    section = content.section("examples")
    assert section is not None and content.sections[-1] is section
    assert section.heading == f"{sentences.ordinal(len(content.sections))}、示例事项推进情况"
    assert content.figures["examples"] == 1


def test_without_the_entries_no_face_knows_the_example(cast: Any) -> None:
    assert kinds.get("examples") is None
    assert example_card not in cards.CARDS and example_section not in sections.SECTIONS
