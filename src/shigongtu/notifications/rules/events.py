"""What a rule raises (事件) and how it is keyed, over plain data.

An :class:`Event` is one object in one state a rule speaks about: a leaf missing its report, a
returned report, a red node, a 督办 item near or past its deadline. Its ``period`` says how often
the same event may be raised again: a missing report once per month, a red light once per month,
a returned report once per return, a deadline once per deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """One thing to tell people about. ``unit_path`` is the responsible unit's path (``/1/5/``)
    for finding recipients by role; ``page`` names the page to link; ``users`` names people
    directly (a report's submitter); ``leader`` is the 责任领导 named on the record, for escalation."""

    kind: str
    object_type: str
    object_id: str
    period: str
    title: str
    title_en: str
    body: str = ""
    body_en: str = ""
    unit_path: str = ""
    unit_name: str = ""
    page: tuple[str, str] | None = None  # (URL name, object code): the page it speaks of
    users: tuple[int, ...] = ()
    leader: str = ""
    escalated: bool = False

    @property
    def topic(self) -> str:
        """The event without its recipient: a group robot says one topic once."""
        return f"{self.kind}:{self.object_type}:{self.object_id}:{self.period}{':up' if self.escalated else ''}"

    def key(self, rule_id: int, user_id: int) -> str:
        """The dedupe key (rule, object, recipient, period): running twice raises nothing twice."""
        return f"{rule_id}:{self.topic}:{user_id}"


def upcoming_deadline(as_of: dt.date, deadline_day: int) -> tuple[int, int, dt.date]:
    """The next monthly report deadline on or after ``as_of``: (year, month of the period, deadline).

    Reports for month M are due by day D of month M+1 (contract §2): on or before D, the period is
    last month, due this month; after D, it is this month, due next month."""
    if as_of.day <= deadline_day:
        prev = as_of.replace(day=1) - dt.timedelta(days=1)
        return prev.year, prev.month, as_of.replace(day=deadline_day)
    nxt = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return as_of.year, as_of.month, nxt.replace(day=deadline_day)


def days_overdue(deadline: dt.date | None, as_of: dt.date) -> int:
    """Whole days past ``deadline`` at ``as_of`` (0 when not past or no deadline)."""
    return max(0, (as_of - deadline).days) if deadline is not None else 0


def escalates(deadline: dt.date | None, as_of: dt.date, after: int | None) -> bool:
    """An overdue item goes up to its 责任领导 once it is ``after`` days or more past its deadline."""
    return after is not None and deadline is not None and days_overdue(deadline, as_of) >= max(after, 1)


def month_key(as_of: dt.date) -> str:
    return f"{as_of.year:04d}-{as_of.month:02d}"
