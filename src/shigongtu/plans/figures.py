"""The plans' side of the incremental read model: indicators, warnings and reporting records.

``plans.selectors.month_figures`` and ``reporting_record`` answer from here; each figure is a
:class:`~shigongtu.plans.readmodel.Memo` brought forward from the revision journal:

- the judged indicators are kept unless a changed leaf carries an indicator (then all are judged
  again); the indicators drawn from what else changed (the project library, its investment
  reports, a side's records) are judged again alone;
- the warnings are kept per node: a filed report re-judges only the nodes whose roll-up result
  changed (the leaf and its ancestors, :meth:`Rollup.changed_since`) and the leaf's missing
  report; the indicators' warnings follow the indicators;
- a month's reporting record re-reads the first filing day of the changed leaves only.

Each equals its fresh build (``selectors.fresh_month_figures``, ``compute_reporting_record``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Plan, Report
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.warnings import Warning, indicator_warnings, missing_reports, node_warnings
from shigongtu.plans.selectors import (
    COUNTING,
    MISSING,
    ON_TIME,
    SOURCE_ASPECTS,
    Filing,
    MonthFigures,
    ReportingRecord,
    Rollup,
    filing_of,
    first_filed,
    get_rollup,
    judge_indicators,
    reported_periods,
    reporting_deadline,
)

Judged = tuple[list[Indicator], list[IndicatorOut], dict[int, dict[int, float]]]


# -- indicators ----------------------------------------------------------------------------------

def _judge(plan: Plan, as_of: Any) -> Judged:
    return judge_indicators(plan, as_of)


def _keep_judged(plan: Plan, as_of: Any, value: Judged, changes: Changes) -> Judged | None:
    """Keep the judged indicators, re-judging only those whose source the changes reach (a changed
    leaf's report indicators make it judge all again)."""
    indicators, outs, values = value
    if changes.nodes & {ind.node_id for ind in indicators}:
        return None
    moved = [i for i, ind in enumerate(indicators) if _reached(ind.source, changes)]
    if not moved:
        return value
    picked = [indicators[i] for i in moved]
    _, fresh, found = judge_indicators(plan, as_of, picked)
    outs, values = list(outs), dict(values)
    for i, out in zip(moved, fresh, strict=True):
        outs[i] = out
    for ind in picked:
        values.pop(ind.pk, None)
        if ind.pk in found:
            values[ind.pk] = found[ind.pk]
    return indicators, outs, values


def _reached(source: str, changes: Changes) -> bool:
    """Whether the changes reach an indicator drawn from ``source``."""
    if source == Indicator.Source.REPORTS:
        return False  # its leaves' reports: the changed nodes, checked above
    reads = SOURCE_ASPECTS.get(source)
    if reads is None:
        return changes.project_side or bool(changes.sides)
    touched = set(changes.sides)
    if changes.project_side:
        touched |= changes.aspects or {""}
    return bool(touched & reads)


INDICATORS: Memo[Judged] = Memo("indicators", _judge, patch=_keep_judged)


# -- warnings ------------------------------------------------------------------------------------

def _order_key(w: Warning) -> tuple[str, str]:
    return (w.kind, w.indicator or "")


@dataclass
class _Warnings:
    rollup: Rollup
    revision: int                       # the roll-up's revision these warnings read
    judged: list[IndicatorOut]
    own: dict[int, list[Warning]]       # node id → its node and missing-report warnings
    listed: list[Warning]               # every warning in the order compute_warnings gives


def _own(plan: Plan, as_of: dt.date, rollup: Rollup, ids: Iterable[int] | None) -> dict[int, list[Warning]]:
    """The node and missing-report warnings of ``ids`` (every node when None), per node."""
    results = rollup.results if ids is None else {i: rollup.results[i] for i in ids if i in rollup.results}
    prev = Period.of(as_of.replace(day=1) - dt.timedelta(days=1))
    reported = reported_periods(plan, prev.key, None if ids is None else list(results))
    out: dict[int, list[Warning]] = {i: [] for i in results}
    for w in node_warnings(results, as_of) + missing_reports(results, reported, plan.year, as_of,
                                                             plan.report_deadline_day):
        out[w.node_id].append(w)
    return out


def _by_node(rollup: Rollup, judged: list[IndicatorOut]) -> dict[int, list[Warning]]:
    """The indicators' warnings, per node."""
    by_node: dict[int, list[Warning]] = {}
    for w in indicator_warnings(judged, rollup.codes):
        by_node.setdefault(w.node_id, []).append(w)
    return by_node


def _of_node(mine: list[Warning] | None, theirs: list[Warning] | None) -> list[Warning]:
    """One node's warnings in the listed order: its own, its indicators', its missing report."""
    if mine and not theirs and len(mine) == 1:
        return [mine[0]]
    ws = [w for w in (mine or ()) if w.kind != "missing_report"] + (theirs or []) + [
        w for w in (mine or ()) if w.kind == "missing_report"]
    return sorted(ws, key=_order_key)


def _listed(rollup: Rollup, own: dict[int, list[Warning]], judged: list[IndicatorOut]) -> list[Warning]:
    by_node = _by_node(rollup, judged)
    found: list[Warning] = []
    for node_id in rollup.order:
        mine, theirs = own.get(node_id), by_node.get(node_id)
        if mine or theirs:
            found += _of_node(mine, theirs)
    return found


def _relisted(rollup: Rollup, listed: list[Warning], own: dict[int, list[Warning]], before: list[IndicatorOut],
              judged: list[IndicatorOut], ids: set[int]) -> list[Warning]:
    """``listed`` brought forward (a new list): the warnings of ``ids`` and of the indicators' nodes,
    before and now, listed again and put back in their places in the code order."""
    by_node = _by_node(rollup, judged)
    touched = set(ids) | set(_by_node(rollup, before)) | set(by_node)
    pos = rollup.positions
    kept = [w for w in listed if w.node_id not in touched]
    keys = [pos[w.node_id] for w in kept]
    for node_id in sorted((n for n in touched if n in pos), key=pos.__getitem__, reverse=True):
        mine, theirs = own.get(node_id), by_node.get(node_id)
        if mine or theirs:  # right to left: the places found in ``keys`` stay true to the left
            at = bisect_left(keys, pos[node_id])
            kept[at:at] = _of_node(mine, theirs)
    return kept


def _warnings(plan: Plan, as_of: Any) -> _Warnings:
    rollup = get_rollup(plan, as_of)
    judged = INDICATORS.get(plan, as_of)[1]
    own = _own(plan, as_of, rollup, None)
    return _Warnings(rollup, rollup.revision, judged, own, _listed(rollup, own, judged))


def _bring_warnings(plan: Plan, as_of: Any, value: _Warnings, changes: Changes) -> _Warnings | None:
    rollup = get_rollup(plan, as_of)
    changed = rollup.changed_since(value.revision) if rollup is value.rollup else None
    if changed is None:
        return None
    ids = changed | changes.nodes
    if ids:
        value.own.update(_own(plan, as_of, rollup, ids))
    judged = INDICATORS.get(plan, as_of)[1]
    if ids or (judged is not value.judged and judged != value.judged):
        value.listed = _relisted(rollup, value.listed, value.own, value.judged, judged, ids)
        value.judged = judged
    value.revision = rollup.revision
    return value


WARNINGS: Memo[_Warnings] = Memo("warnings", _warnings, patch=_bring_warnings)


def month_figures(plan: Plan, as_of: dt.date) -> MonthFigures:
    """``selectors.month_figures``: the roll-up, the judged indicators and the warnings at ``as_of``."""
    rollup = get_rollup(plan, as_of)
    indicators, judged, values = INDICATORS.get(plan, as_of)
    warned = WARNINGS.get(plan, as_of)
    return MonthFigures(plan, as_of, rollup, indicators, judged, values, list(warned.listed))


# -- the month's reporting record --------------------------------------------------------------------

@dataclass
class _Record:
    rollup: Rollup
    revision: int
    filed: dict[int, dt.date | None]
    lines: dict[int, Filing]
    units: dict[int | None, list[int]] = field(default_factory=dict)  # lead unit → [had to, filed, on time]

    def count(self, line: Filing, sign: int) -> None:
        tally = self.units.setdefault(line.lead_unit_id, [0, 0, 0])
        tally[0] += sign
        tally[1] += sign * (line.status != MISSING)
        tally[2] += sign * (line.status == ON_TIME)


def _record(plan: Plan, key: Any) -> _Record:
    period = Period.parse(key)
    rollup = get_rollup(plan, period.last_day)
    filed = first_filed(plan, period)
    deadline = reporting_deadline(plan, period)
    record = _Record(rollup, rollup.revision, filed, {})
    for node_id in rollup.order:
        line = filing_of(rollup, node_id, filed, period, deadline)
        if line is not None:
            record.lines[node_id] = line
            record.count(line, 1)
    return record


def _bring_record(plan: Plan, key: Any, value: _Record, changes: Changes) -> _Record | None:
    period = Period.parse(key)
    rollup = get_rollup(plan, period.last_day)
    changed = rollup.changed_since(value.revision) if rollup is value.rollup else None
    if changed is None:
        return None
    if changes.nodes:
        for node_id in changes.nodes:
            value.filed.pop(node_id, None)
        value.filed.update(first_filed(plan, period, changes.nodes))
    deadline = reporting_deadline(plan, period)
    for node_id in changed | changes.nodes:
        if node_id not in rollup.results:
            continue
        line = filing_of(rollup, node_id, value.filed, period, deadline)
        old = value.lines.pop(node_id, None)
        if old is not None:
            value.count(old, -1)
        if line is not None:
            value.lines[node_id] = line
            value.count(line, 1)
    value.revision = rollup.revision
    return value


RECORDS: Memo[_Record] = Memo("reporting", _record, patch=_bring_record)


def reporting_tallies(plan: Plan, period: Period) -> dict[int | None, tuple[int, int, int]]:
    """Per lead unit, of the month's reporting record: (had to report, filed, filed on time) —
    the record's filings counted, kept by the read model."""
    return {unit: (a, b, c) for unit, (a, b, c) in RECORDS.get(plan, period.key).units.items() if a}


def reporting_record(plan: Plan, period: Period) -> ReportingRecord:
    """``selectors.reporting_record``, kept per month by the read model."""
    value = RECORDS.get(plan, period.key)
    lines = value.lines
    return ReportingRecord(period, reporting_deadline(plan, period),
                           [lines[i] for i in value.rollup.order if i in lines])




# -- small counts every dashboard view reads ----------------------------------------------------------

def _waiting(plan: Plan, key: Any) -> dict[int, int]:
    rows = (Report.objects.filter(node__plan=plan, status=Report.Status.SUBMITTED).values_list("node_id")
            .annotate(n=Count("pk")).order_by())
    return dict(rows.values_list("node_id", "n"))


def _bring_waiting(plan: Plan, key: Any, value: dict[int, int], changes: Changes) -> dict[int, int] | None:
    if changes.nodes:
        value = dict(value)
        for node_id in changes.nodes:
            value.pop(node_id, None)
        value.update(_waiting_of(changes.nodes))
    return value


def _waiting_of(node_ids: set[int]) -> dict[int, int]:
    rows = (Report.objects.filter(node_id__in=list(node_ids), status=Report.Status.SUBMITTED).values_list("node_id")
            .annotate(n=Count("pk")).order_by())
    return dict(rows.values_list("node_id", "n"))


WAITING: Memo[dict[int, int]] = Memo("review_waiting", _waiting, patch=_bring_waiting)


def review_waiting(plan: Plan) -> int:
    """How many of the plan's reports wait for review (待审核), kept per node by the read model."""
    return sum(WAITING.get(plan).values())


def _latest(plan: Plan, key: Any) -> str | bool:
    """The latest counting period, False without any (None is the memo's "rebuild")."""
    return (Report.objects.filter(node__plan=plan, status__in=COUNTING)
            .order_by("-period").values_list("period", flat=True).first()) or False


def _bring_latest(plan: Plan, key: Any, value: str | bool, changes: Changes) -> str | bool | None:
    if not changes.nodes:
        return value
    found = (Report.objects.filter(node_id__in=list(changes.nodes), status__in=COUNTING)
             .order_by("-period").values_list("period", flat=True).first())
    if found is not None and (value is False or found >= str(value)):
        return found
    if value is False:
        return False
    if Report.objects.filter(node__plan=plan, status__in=COUNTING, period=value).exists():
        return value
    return None  # the latest period may have gone: rebuild


LATEST: Memo[str | bool] = Memo("latest_period", _latest, patch=_bring_latest)


def latest_reported_period(plan: Plan) -> str | None:
    """The latest period any counting report of the plan is for (None without any), kept by the read model."""
    found = LATEST.get(plan)
    return found if isinstance(found, str) else None


def _months(plan: Plan, key: Any) -> tuple[str, ...]:
    """The months of the plan's year that hold any report, latest first (one probe a month)."""
    months = [f"{plan.year:04d}-{m:02d}" for m in range(12, 0, -1)]
    return tuple(m for m in months if Report.objects.filter(node__plan=plan, period=m).exists())


def _bring_months(plan: Plan, key: Any, value: tuple[str, ...], changes: Changes) -> tuple[str, ...] | None:
    if not changes.nodes:
        return value
    added = set(Report.objects.filter(node_id__in=list(changes.nodes)).values_list("period", flat=True).distinct())
    if added <= set(value):
        return value
    return tuple(sorted(set(value) | added, reverse=True))


MONTHS: Memo[tuple[str, ...]] = Memo("report_months", _months, patch=_bring_months)


def report_months(plan: Plan) -> list[str]:
    """The months that hold reports of the plan, latest first, kept by the read model (a filed
    report adds its month; a month emptied stays listed until anything else rebuilds it, and
    reading it finds nothing)."""
    return list(MONTHS.get(plan))
