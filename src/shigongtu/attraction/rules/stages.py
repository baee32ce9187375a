"""The lead lifecycle (线索 → 洽谈 → 签约 → 注册 → 开工 → 投产 → 达产; exits 终止 / 流失).

A lead's stage at a date is read from its stage dates (contract §4 "Leads at d"): the furthest
stage whose date is on or before d; with none, the declared stage (the ledger's 阶段 column)
when it is one that carries no date (线索, 洽谈, an exit), else 洽谈. An exit with its own date
(终止日期) on or before d wins over every other stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

CLUE, TALKS, SIGNED, REGISTERED, STARTED, OPERATING, FULL = "线索", "洽谈", "签约", "注册", "开工", "投产", "达产"
ENDED, LOST = "终止", "流失"
PIPELINE = (CLUE, TALKS, SIGNED, REGISTERED, STARTED, OPERATING, FULL)
EXITS = (ENDED, LOST)
STAGES = (*PIPELINE, *EXITS)
# The stages a date marks, in order, with the lead's attribute that holds it.
DATED: tuple[tuple[str, str], ...] = (
    (SIGNED, "signed_on"), (REGISTERED, "registered_on"), (STARTED, "started_on"),
    (OPERATING, "operating_on"), (FULL, "full_on"),
)
DATE_OF = dict(DATED)
# The declared stage needs its date for these (a signing or a start is a fact with a day).
NEEDS_DATE = (SIGNED, STARTED)
UNDATED = (CLUE, TALKS, *EXITS)
ALIASES = {
    "在谈": TALKS, "洽谈中": TALKS, "跟进": TALKS, "已签约": SIGNED, "新签约": SIGNED, "签约项目": SIGNED,
    "已注册": REGISTERED, "已开工": STARTED, "在建": STARTED, "已投产": OPERATING, "已达产": FULL,
    "已终止": ENDED, "放弃": ENDED, "已流失": LOST, "线索登记": CLUE,
    "clue": CLUE, "lead": CLUE, "talks": TALKS, "negotiating": TALKS, "signed": SIGNED, "registered": REGISTERED,
    "started": STARTED, "in operation": OPERATING, "operating": OPERATING, "full production": FULL,
    "ended": ENDED, "terminated": ENDED, "lost": LOST,
}
EN = {CLUE: "lead", TALKS: "talks", SIGNED: "signed", REGISTERED: "registered", STARTED: "started",
      OPERATING: "in operation", FULL: "full production", ENDED: "ended", LOST: "lost"}
SIGNING_KINDS = ("框架协议", "正式合同")
SIGNING_ALIASES = {"框架": "框架协议", "正式": "正式合同", "合同": "正式合同", "framework": "框架协议",
                   "contract": "正式合同"}


def read_stage(raw: object) -> str | None:
    """A stage word as people write it (``已签约``, ``在谈``, ``signed``) → the stage, or None."""
    text = str(raw or "").strip()
    if text in STAGES:
        return text
    return ALIASES.get(text) or ALIASES.get(text.lower())


def read_signing_kind(raw: object) -> str | None:
    text = str(raw or "").strip()
    if text in SIGNING_KINDS:
        return text
    return SIGNING_ALIASES.get(text) or SIGNING_ALIASES.get(text.lower())


def stage_at(declared: str, dates: Mapping[str, dt.date | None], d: dt.date,
             exited_on: dt.date | None = None) -> str:
    """The lead's stage at ``d`` from its declared stage and its stage dates (by attribute name)."""
    if exited_on is not None and exited_on <= d:
        return declared if declared in EXITS else ENDED
    reached = ""
    for stage, attr in DATED:
        day = dates.get(attr)
        if day is not None and day <= d:
            reached = stage
    if reached:
        return reached
    return declared if declared in UNDATED else TALKS


def declared_from_dates(dates: Mapping[str, dt.date | None]) -> str:
    """The stage a new lead declares when none is given: its furthest dated stage, else 线索."""
    reached = CLUE
    for stage, attr in DATED:
        if dates.get(attr) is not None:
            reached = stage
    return reached


@dataclass(frozen=True)
class OrderProblem:
    """A stage date before the one before it: ``later`` (attribute) is before ``earlier``."""

    earlier: str
    later: str


def order_problems(dates: Mapping[str, dt.date | None], contacted_on: dt.date | None = None) -> list[OrderProblem]:
    """Each given stage date must not be before the nearest earlier given one (登记 → 签约 → … → 达产)."""
    chain = [("contacted_on", contacted_on), *((attr, dates.get(attr)) for _, attr in DATED)]
    out: list[OrderProblem] = []
    last: tuple[str, dt.date] | None = None
    for attr, day in chain:
        if day is None:
            continue
        if last is not None and day < last[1]:
            out.append(OrderProblem(last[0], attr))
            continue
        last = (attr, day)
    return out


def missing_date(declared: str, dates: Mapping[str, dt.date | None]) -> str | None:
    """The attribute a declared stage needs and lacks (签约 needs 签约日期, 开工 开工日期), else None."""
    if declared in NEEDS_DATE and dates.get(DATE_OF[declared]) is None:
        return DATE_OF[declared]
    return None


def label(stage: str, english: bool = False) -> str:
    return EN.get(stage, stage) if english else stage
