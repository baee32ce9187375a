"""When and how an outside message goes: quiet hours, back-off, the daily cap, digests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """``"22:00-07:00"`` → (22:00, 07:00); empty → None. A bad value raises ValueError naming it."""
    text = text.strip()
    if not text:
        return None
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-", 1))
    except ValueError as exc:
        raise ValueError(f"quiet hours must read HH:MM-HH:MM, got {text!r}") from exc
    return start, end


def quiet_until(now: dt.datetime, quiet: tuple[dt.time, dt.time] | None) -> dt.datetime | None:
    """The end of the quiet hours ``now`` falls in (local time), or None when sending is allowed.

    A window may run over midnight (22:00-07:00)."""
    if quiet is None or quiet[0] == quiet[1]:
        return None
    start, end = quiet
    t = now.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = now.date() if t < end else now.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=now.tzinfo)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt ``attempts + 1`` after ``attempts`` failures: 1, 4, 16 … minutes, at most 6 hours."""
    seconds = BACKOFF_BASE_SECONDS * 4 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def within_cap(sent_today: int, batch: int, cap: int) -> int:
    """How many of ``batch`` messages may still go to a person today (0 = none; cap 0 = no limit)."""
    if cap <= 0:
        return batch
    return max(0, min(batch, cap - sent_today))


def digest_text(titles: Sequence[str], heading: str) -> str:
    """Several notices as one message (每日汇总): a heading and one numbered line each."""
    lines = [heading] + [f"{i}. {t}" for i, t in enumerate(titles, 1)]
    return "\n".join(lines)
