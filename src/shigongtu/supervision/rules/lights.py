"""An item's light at a date (contract §4 "Supervision at d"), plus the issue's two extras. Pure.

done when closed (销号日期 ≤ d), 已办结 or 无需整改; green when long-term (长期坚持); red when d is
past the deadline, or when two report cycles passed without feedback; yellow when the deadline is
at most ``yellow_days`` after d, or a time node (时间节点) was missed; else green.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from shigongtu.supervision.rules.lifecycle import DONE, NO_ACTION

DONE_LIGHT: Final = "done"
RED: Final = "red"
YELLOW: Final = "yellow"
GREEN: Final = "green"
LIGHTS: Final = (RED, YELLOW, GREEN, DONE_LIGHT)
YELLOW_DAYS: Final = 3
CYCLE_DAYS: Final = {"每周": 7, "每月": 30}


@dataclass(frozen=True)
class ItemFacts:
    """What the light reads of one item."""

    status: str
    deadline: dt.date | None
    closed_on: dt.date | None = None
    node_missed_after: dt.date | None = None  # the earliest time node not done: missed once d is past it
    feedback_due: dt.date | None = None  # the last feedback plus two report cycles


def is_closed(facts: ItemFacts, day: dt.date) -> bool:
    return facts.closed_on is not None and facts.closed_on <= day


def is_done(facts: ItemFacts, day: dt.date) -> bool:
    return is_closed(facts, day) or facts.status in (DONE, NO_ACTION)


def light(facts: ItemFacts, day: dt.date, yellow_days: int = YELLOW_DAYS) -> str:
    """The item's light at ``day``: done, green, yellow or red."""
    if is_done(facts, day):
        return DONE_LIGHT
    if facts.deadline is None:
        return GREEN
    if day > facts.deadline or (facts.feedback_due is not None and day > facts.feedback_due):
        return RED
    if (facts.deadline - day).days <= yellow_days:
        return YELLOW
    if facts.node_missed_after is not None and day > facts.node_missed_after:
        return YELLOW
    return GREEN


def feedback_due(cycle: str, last_feedback: dt.date | None) -> dt.date | None:
    """The day after which a silent item turns red: two report cycles after its last feedback
    (每周 7 days, 每月 30); none for 节点 or no cycle, or before any feedback was expected."""
    days = CYCLE_DAYS.get(cycle)
    if days is None or last_feedback is None:
        return None
    return last_feedback + dt.timedelta(days=2 * days)


def first_open_node(nodes: list[dict[str, object]]) -> dt.date | None:
    """The earliest date among the time nodes (时间节点) not yet done."""
    dates = [dt.date.fromisoformat(str(n["date"])) for n in nodes if n.get("date") and not n.get("done_on")]
    return min(dates) if dates else None
