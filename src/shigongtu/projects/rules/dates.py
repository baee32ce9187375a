"""Calendar arithmetic the lights share: whole months forward and back, clipped to month ends."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_start(as_of: dt.date, months: int) -> dt.date:
    """The latest day d with ``add_months(d, months) <= as_of``: a date ``months`` before as-of,
    taking month ends into account (at 28 Feb, one month back reaches 31 Jan)."""
    back = add_months(as_of, -months)
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back

