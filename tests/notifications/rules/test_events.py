"""Events: the next report deadline, overdue days and escalation, keys."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.notifications.rules.events import Event, escalates, upcoming_deadline
from shigongtu.notifications.rules.recipients import Directory, Holder


def test_before_the_deadline_day_last_months_report_is_due_this_month() -> None:
    assert upcoming_deadline(dt.date(2023, 7, 2), 5) == (2023, 6, dt.date(2023, 7, 5))


def test_after_the_deadline_day_this_months_report_is_due_next_month() -> None:
    assert upcoming_deadline(dt.date(2023, 12, 20), 5) == (2023, 12, dt.date(2024, 1, 5))


@given(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 1)), st.integers(1, 28))
def test_the_upcoming_deadline_is_never_before_the_day(day: dt.date, deadline_day: int) -> None:
    year, month, deadline = upcoming_deadline(day, deadline_day)
    assert deadline >= day and deadline.day == deadline_day
    assert dt.date(year, month, 1) < deadline.replace(day=1)


def test_an_item_escalates_once_it_is_m_days_overdue() -> None:
    due = dt.date(2023, 6, 1)
    assert not escalates(due, dt.date(2023, 6, 7), 7)
    assert escalates(due, dt.date(2023, 6, 8), 7)
    assert not escalates(due, dt.date(2023, 6, 30), None) and not escalates(None, dt.date(2023, 6, 30), 1)


def test_the_key_names_rule_object_recipient_and_period() -> None:
    e = Event("node_red", "node", "1.1", "2023-06", "t", "t")
    assert e.key(3, 9) == "3:node_red:node:1.1:2023-06:9"
    assert Event("x", "item", "A", "p", "t", "t", escalated=True).topic.endswith(":up")


def test_roles_reach_down_from_the_unit_they_are_held_on() -> None:
    people = Directory([Holder(1, "/1/2/", "coordinator"), Holder(2, "/1/2/3/", "reporter"),
                        Holder(3, "/1/2/4/", "reporter"), Holder(4, "/1/", "viewer")], {"郑海": 4})
    assert people.covering("/1/2/3/", ["reporter", "coordinator"]) == (1, 2)
    assert people.on_unit("/1/2/", ["coordinator", "viewer"]) == (1,)
    assert people.named("郑海（示例）") == (4,) and people.named("李四") == ()
