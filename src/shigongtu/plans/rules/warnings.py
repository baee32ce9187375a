"""Warnings (预警) from a rolled-up plan at an as-of date — contract §2.

Pure rules over the plain results of :mod:`shigongtu.plans.rules.rollup` and
:mod:`shigongtu.plans.rules.indicators`: no Django, no ORM. Kinds:

- ``lag`` (滞后): a node lit yellow or red while not yet past its due date;
- ``overdue`` (逾期): a node lit yellow or red after its due date;
- ``indicator_lag`` (指标滞后): an indicator lit yellow or red;
- ``missing_report`` (未按时填报): a leaf without its last month's report after the deadline day.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from shigongtu.lib.periods import Period
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.lights import DONE, WARNING_LIGHTS, YELLOW
from shigongtu.plans.rules.rollup import NodeOut, natural_code_key

LAG = "lag"
OVERDUE = "overdue"
MISSING_REPORT = "missing_report"
INDICATOR_LAG = "indicator_lag"
KINDS = (LAG, OVERDUE, MISSING_REPORT, INDICATOR_LAG)

DEFAULT_DEADLINE_DAY = 5


@dataclass(frozen=True)
class Warning:  # the domain's name; it shadows the builtin in modules that import it
    """One warning on a node: its ``kind``, the node's id and ``code``, and the ``light``.

    ``indicator`` names the indicator for ``indicator_lag``. ``detail`` holds the numbers
    behind it, JSON-ready (dates as ISO strings, numbers unrounded).
    """

    kind: str
    node_id: int
    code: str
    light: str
    indicator: str | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False)


def warning_sort_key(warning: Warning) -> tuple[Any, ...]:
    """By node code in natural order (1.2 before 1.10), then kind, then indicator name."""
    return (natural_code_key(warning.code), warning.code, warning.kind, warning.indicator or "")


def node_warnings(results: Mapping[int, NodeOut], as_of: date) -> list[Warning]:
    """One warning per yellow or red node: ``overdue`` if ``as_of`` is after its due date, else ``lag``."""
    warnings = []
    for out in results.values():
        if out.light not in WARNING_LIGHTS:
            continue
        overdue = as_of > out.due
        detail: dict[str, Any] = {
            "progress": out.progress,
            "expected": out.expected,
            "lag": out.lag,
            "start": out.start.isoformat(),
            "due": out.due.isoformat(),
        }
        if overdue:
            detail["days_overdue"] = (as_of - out.due).days
        warnings.append(Warning(OVERDUE if overdue else LAG, out.id, out.code, out.light, detail=detail))
    return sorted(warnings, key=warning_sort_key)


def indicator_warnings(outs: Iterable[IndicatorOut], codes_by_node: Mapping[int, str]) -> list[Warning]:
    """One ``indicator_lag`` warning per yellow or red indicator, on the indicator's node."""
    warnings = []
    for out in outs:
        if out.light not in WARNING_LIGHTS:
            continue
        detail = {
            "unit": out.unit,
            "indicator_kind": out.kind,
            "target": out.target,
            "actual": out.actual,
            "completion": out.completion,
            "expected_share": out.expected_share,
            "lag": out.lag,
            "month": out.month,
        }
        code = codes_by_node[out.node_id]
        warnings.append(Warning(INDICATOR_LAG, out.node_id, code, out.light, out.name, detail))
    return sorted(warnings, key=warning_sort_key)


def missing_reports(
    results: Mapping[int, NodeOut],
    reported_periods: Mapping[int, Collection[str]],
    plan_year: int,
    as_of: date,
    deadline_day: int = DEFAULT_DEADLINE_DAY,
) -> list[Warning]:
    """Leaves that missed last month's report (contract §2, missing report), light yellow.

    Reports for month M are due by day ``deadline_day`` (D) of month M+1. At ``as_of``,
    with M the month before its month and inside the plan year, a leaf that is neither
    done nor cancelled (itself or by an ancestor), that started by the last day of M, and
    has no counted report for M (``reported_periods``: node id → ``YYYY-MM`` periods with a
    non-returned report) is missing once ``as_of``'s day is after D.
    """
    if not 1 <= deadline_day <= 31:
        raise ValueError(f"the report deadline day must be 1..31, got {deadline_day}")
    month = Period.of(as_of).prev()  # M: its reports are due by day D of as_of's month
    if month.year != plan_year or as_of.day <= deadline_day:
        return []
    period, month_end = month.key, month.last_day
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    deadline = as_of.replace(day=min(deadline_day, days_in_month))
    warnings = []
    for out in results.values():
        if not out.is_leaf or out.cancelled_effective or out.light == DONE or out.start > month_end:
            continue
        if period in reported_periods.get(out.id, ()):
            continue
        detail = {"period": period, "deadline": deadline.isoformat(), "progress": out.progress}
        warnings.append(Warning(MISSING_REPORT, out.id, out.code, YELLOW, detail=detail))
    return sorted(warnings, key=warning_sort_key)


def all_warnings(
    results: Mapping[int, NodeOut],
    indicator_outs: Iterable[IndicatorOut],
    reported_periods: Mapping[int, Collection[str]],
    plan_year: int,
    as_of: date,
    deadline_day: int = DEFAULT_DEADLINE_DAY,
) -> list[Warning]:
    """Every warning of a plan at ``as_of``, ordered by node code (natural order), then kind."""
    codes_by_node = {node_id: out.code for node_id, out in results.items()}
    warnings = [
        *node_warnings(results, as_of),
        *indicator_warnings(indicator_outs, codes_by_node),
        *missing_reports(results, reported_periods, plan_year, as_of, deadline_day),
    ]
    return sorted(warnings, key=warning_sort_key)
