"""Quiet hours, back-off, the daily cap and digests, as plain rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.notifications.rules.delivery import backoff, digest_text, parse_quiet_hours, quiet_until, within_cap

NIGHT = parse_quiet_hours("22:00-07:00")


def at(h: int, m: int = 0, day: int = 2) -> dt.datetime:
    return dt.datetime(2023, 7, day, h, m, tzinfo=dt.UTC)


def test_quiet_hours_over_midnight_hold_until_the_morning() -> None:
    assert quiet_until(at(23, 30), NIGHT) == at(7, 0, day=3)
    assert quiet_until(at(3), NIGHT) == at(7, 0, day=2)
    assert quiet_until(at(7), NIGHT) is None and quiet_until(at(12), NIGHT) is None


def test_no_quiet_hours_never_hold() -> None:
    assert parse_quiet_hours("") is None and quiet_until(at(3), None) is None


def test_bad_quiet_hours_name_the_value() -> None:
    with pytest.raises(ValueError, match="25:00-07:00"):
        parse_quiet_hours("25:00-07:00")


def test_back_off_grows_fourfold_and_stops_at_six_hours() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 240, 960]
    assert backoff(20) == dt.timedelta(hours=6)


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_the_cap_never_lets_more_than_it_allows_through(sent: int, batch: int, cap: int) -> None:
    allowed = within_cap(sent, batch, cap)
    assert 0 <= allowed <= batch
    if cap:
        assert sent + allowed <= max(cap, sent)


def test_a_digest_numbers_its_lines() -> None:
    assert digest_text(["甲", "乙"], "今日 2 条") == "今日 2 条\n1. 甲\n2. 乙"
