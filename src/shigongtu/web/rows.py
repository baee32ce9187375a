"""Plain rows for the pages' tables, built from the computed roll-up (no template logic, no N+1).

The roll-up (``plans.compute``) already holds every node's numbers; these helpers pick the
rows a page shows (filters keep the matches' ancestors, big plans show their top levels
first) and attach what the tables print: unit names, labels, formatted percentages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.browse import is_overdue
from shigongtu.plans.documents import time_share
from shigongtu.plans.models import Report
from shigongtu.plans.rules.indicators import IndicatorOut
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, MISSING_REPORT, OVERDUE, Warning
from shigongtu.plans.selectors import Rollup

# Same words (and msgids) as web/components/light.html, so a light reads the same everywhere.
LIGHT_LABELS: dict[str, Promise] = {
    "red": pgettext_lazy("light", "滞后"),
    "yellow": pgettext_lazy("light", "预警"),
    "green": pgettext_lazy("light", "正常"),
    "pending": pgettext_lazy("light", "未开始"),
    "done": pgettext_lazy("light", "完成"),
    "cancelled": pgettext_lazy("light", "已取消"),
}
LIGHTS = tuple(LIGHT_LABELS)  # the order of the summary strip: what needs attention first

KIND_LABELS: dict[str, Promise] = {
    LAG: _("进度滞后"),
    OVERDUE: _("逾期"),
    MISSING_REPORT: _("未按时报送"),
    INDICATOR_LAG: _("指标滞后"),
}

def unit_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(OrgUnit.objects.filter(pk__in=wanted).values_list("id", "name"))


@dataclass(slots=True)
class TreeRow:
    """One node as a row of the plan tree."""

    id: int
    code: str
    parent: str | None
    title: str
    depth: int
    lead_unit: str
    leader: str
    start: dt.date
    due: dt.date
    progress: float
    expected: float
    light: str
    has_children: bool
    overdue: bool
    lazy: bool = False      # has children that are not on the page yet
    context: bool = False   # shown only as an ancestor of a filter match
    is_more = False         # a row of the tree, not the "more children" line (web.tree.MoreRow)

    @property
    def level(self) -> int:
        return min(self.depth, 5)

    @property
    def light_label(self) -> Any:
        return LIGHT_LABELS.get(self.light, "")

    @property
    def progress_css(self) -> str:
        return f"{self.progress:.2f}"

    @property
    def expected_css(self) -> str:
        return f"{self.expected:.2f}"

    @property
    def progress_text(self) -> str:
        return f"{self.progress:.1f}"

    @property
    def expected_text(self) -> str:
        return f"{self.expected:.1f}"


def node_row(rollup: Rollup, node_id: int, names: Mapping[int, str], as_of: dt.date,
         kids: Mapping[int | None, list[int]]) -> TreeRow:
    meta = rollup.meta[node_id]
    res = rollup.results[node_id]
    return TreeRow(
        id=node_id, code=meta.code, parent=meta.parent_code, title=meta.title, depth=res.depth,
        lead_unit=names.get(meta.lead_unit_id or 0, ""), leader=meta.leader, start=res.start, due=res.due,
        progress=res.progress, expected=res.expected, light=res.light, has_children=bool(kids.get(node_id)),
        overdue=is_overdue(res, as_of),
    )


@dataclass(slots=True)
class IndicatorRow:
    """An indicator judged at the as-of date, with its node."""

    out: IndicatorOut
    code: str
    title: str

    @property
    def completion_pct(self) -> float:
        return self.out.completion * 100

    @property
    def expected_pct(self) -> float:
        return self.out.expected_share * 100

    @property
    def time_pct(self) -> float | None:
        """序时进度 in %: by the calendar (min(1, m/D)); None for a rate, where it does not apply."""
        return None if self.out.kind == "rate" else time_share(self.out) * 100

    @property
    def plan_pct(self) -> float | None:
        """计划进度 in %: the plan curve at the month, when the indicator has one."""
        return self.out.expected_share * 100 if self.out.has_curve else None

    @property
    def verdict(self) -> str:
        """After its due date: 已完成 or 未完成; else empty."""
        if not self.out.after_due:
            return ""
        return str(_("已完成") if self.out.light == "done" else _("未完成"))


def indicator_rows(outs: Iterable[IndicatorOut], rollup: Rollup) -> list[IndicatorRow]:
    rows = []
    for out in outs:
        meta = rollup.meta.get(out.node_id)
        rows.append(IndicatorRow(out, meta.code if meta else "", meta.title if meta else ""))
    return rows


@dataclass(slots=True)
class WarningRow:
    kind: str
    code: str
    title: str
    light: str
    indicator: str | None
    detail: dict[str, Any]
    lead_unit: str
    leader: str

    @property
    def kind_label(self) -> Any:
        return KIND_LABELS.get(self.kind, self.kind)

    def pct(self, key: str, scale: float = 1.0) -> float | None:
        value = self.detail.get(key)
        return None if value is None else float(value) * scale

    @property
    def progress(self) -> float | None:
        return self.pct("progress")

    @property
    def expected(self) -> float | None:
        return self.pct("expected")

    @property
    def completion_pct(self) -> float | None:
        return self.pct("completion", 100)

    @property
    def expected_share_pct(self) -> float | None:
        return self.pct("expected_share", 100)


def warning_rows(warnings: Iterable[Warning], rollup: Rollup) -> list[WarningRow]:
    warnings = list(warnings)
    names = unit_names(rollup.meta[w.node_id].lead_unit_id for w in warnings if w.node_id in rollup.meta)
    rows = []
    for w in warnings:
        meta = rollup.meta.get(w.node_id)
        rows.append(WarningRow(
            kind=w.kind, code=w.code, title=meta.title if meta else "", light=w.light, indicator=w.indicator,
            detail=dict(w.detail or {}), lead_unit=names.get(meta.lead_unit_id or 0, "") if meta else "",
            leader=meta.leader if meta else "",
        ))
    return rows


def previous_progress(reports: list[Report]) -> dict[int, Any]:
    """For each report, the progress its node reported for the month before (latest counting report).

    One query for the whole page: the review queue compares each figure with last month's.
    """
    from shigongtu.lib.periods import Period

    wanted: dict[tuple[int, str], list[int]] = {}
    for r in reports:
        try:
            prev = Period.parse(r.period).prev().key
        except ValueError:
            continue
        wanted.setdefault((r.node_id, prev), []).append(r.pk)
    if not wanted:
        return {}
    found: dict[tuple[int, str], tuple[int, int, Any]] = {}
    rows = Report.objects.filter(
        node_id__in={k[0] for k in wanted}, period__in={k[1] for k in wanted},
        status__in=(Report.Status.SUBMITTED, Report.Status.APPROVED),
    ).values_list("id", "node_id", "period", "submitted_seq", "progress")
    for rid, node_id, period, seq, progress in rows:
        key = (node_id, period)
        if key in wanted and (key not in found or (seq, rid) > found[key][:2]):
            found[key] = (seq, rid, progress)
    out: dict[int, Any] = {}
    for key, report_ids in wanted.items():
        if key in found:
            for rid in report_ids:
                out[rid] = found[key][2]
    return out
