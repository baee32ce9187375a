"""SLA timers on a lead (办理时限) and the stalled-signing light, as warnings at a date.

A new lead is answered within 1 working day, assessed (研判) within 3, fed back to its source
within 7, and its progress reported every 14 days while it is open (plan settings). A signed
lead not started N months (default 6) after signing is red. Working days are Monday–Friday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SlaSettings:
    answer_days: int = 1
    assess_days: int = 3
    feedback_days: int = 7
    progress_days: int = 14
    stall_months: int = 6


@dataclass(frozen=True)
class SlaIn:
    contacted_on: dt.date | None
    answered_on: dt.date | None
    assessed_on: dt.date | None
    fed_back_on: dt.date | None
    last_progress_on: dt.date | None
    signed_on: dt.date | None
    started_on: dt.date | None
    stage: str  # at d
    open: bool  # not exited, not yet in operation


@dataclass(frozen=True)
class LeadWarning:
    kind: str  # answer | assess | feedback | progress | stalled
    light: str  # yellow | red
    due: dt.date
    message: str
    message_en: str


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days (Mon–Fri) after ``day``."""
    out = day
    while n > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            n -= 1
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def warnings_at(lead: SlaIn, d: dt.date, s: SlaSettings) -> list[LeadWarning]:
    """The lead's overdue timers at ``d`` (each a yellow warning) and a stalled signing (red)."""
    out: list[LeadWarning] = []
    early = lead.stage in ("线索", "洽谈")  # the first-contact timers end once the lead is signed
    if lead.open and early and lead.contacted_on is not None and lead.contacted_on <= d:
        steps = (("answer", lead.answered_on, s.answer_days, "未按时响应", "not answered in time"),
                 ("assess", lead.assessed_on, s.assess_days, "未按时研判", "not assessed in time"),
                 ("feedback", lead.fed_back_on, s.feedback_days, "未按时反馈", "no feedback in time"))
        for kind, done, days, zh, en in steps:
            due = add_working_days(lead.contacted_on, days)
            if (done is None or done > d) and d > due:
                out.append(LeadWarning(kind, "yellow", due, f"{zh}（时限{due.isoformat()}）", f"{en} (due {due})"))
    if lead.open and lead.contacted_on is not None and lead.contacted_on <= d:
        last = lead.last_progress_on if lead.last_progress_on and lead.last_progress_on <= d else lead.contacted_on
        due = last + dt.timedelta(days=s.progress_days)
        if d > due:
            out.append(LeadWarning("progress", "yellow", due, f"超过{s.progress_days}天未报进展",
                                   f"no progress report for over {s.progress_days} days"))
    if lead.signed_on is not None and lead.signed_on <= d and (lead.started_on is None or lead.started_on > d) \
            and lead.open:
        due = add_months(lead.signed_on, s.stall_months)
        if d > due:
            out.append(LeadWarning("stalled", "red", due, f"签约超过{s.stall_months}个月未开工",
                                   f"signed over {s.stall_months} months ago and not started"))
    return out


def light_of(warnings: list[LeadWarning]) -> str:
    """The lead's light: the worst of its warnings, green when none."""
    lights = {w.light for w in warnings}
    return "red" if "red" in lights else "yellow" if "yellow" in lights else "green"
