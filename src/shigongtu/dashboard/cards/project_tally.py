"""The project library's contributions, kept per project and patched (项目侧累计).

The project panel's totals (counts, 年度计划, 本年完成, the starts), its stage funnel, each
front's projects, the 开工未入库 candidates and the map's located projects are sums (or sets)
over the projects. A :class:`Tally` keeps, per project, what it adds to each of them; a change of
some projects (the journal names them) subtracts what they added before and adds what they add
now, reading only those projects. Anything the journal cannot narrow builds it again. Every
view reads the same tally, so a patched tally and a fresh one print the same figures (the
read-model tests compare them after random writes).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.dates import latest_start
from shigongtu.projects.rules.stages import CLOSED, REMOVED
from shigongtu.projects.selectors import unit_q

COLUMNS = ("pk", "code", "name", "stage", "annual_plan", "ytd_investment", "planned_start", "actual_start",
           "spring_start", "total_investment", "in_statistics", "statistics_date", "lead_unit__name", "lng", "lat")
COUNTS = ("n", "planned", "due", "due_started", "started", "spring_planned", "spring_started",
          "big_planned", "big_started")


class Row(NamedTuple):
    pk: int
    code: str
    name: str
    stage: str
    annual_plan: Decimal | None
    ytd_investment: Decimal | None
    planned_start: dt.date | None
    actual_start: dt.date | None
    spring_start: bool
    total_investment: Decimal | None
    in_statistics: bool
    statistics_date: dt.date | None
    lead_unit: str | None
    lng: Any
    lat: Any


@dataclass(frozen=True)
class Window:
    """What the counts are judged against: the plan year, as-of, the spring window, the big-project
    threshold and the statistics rule (part of the tally's key, so a change of them is a new tally)."""

    as_of: dt.date
    year: int
    spring: tuple[str, str]
    big: Decimal
    stats_threshold: Decimal
    yellow_cut: dt.date
    red_cut: dt.date

    def within(self, day: dt.date | None, start: dt.date, end: dt.date) -> bool:
        return day is not None and start <= day <= end

    def counts(self, p: Row) -> tuple[int, ...]:
        """What one listed project adds to each of :data:`COUNTS`, as the panel's SQL would count it."""
        ys, ye = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        until = min(self.as_of, ye)
        sf, st = dt.date.fromisoformat(self.spring[0]), dt.date.fromisoformat(self.spring[1])
        big = p.total_investment is not None and p.total_investment >= self.big
        due = self.within(p.planned_start, ys, until)
        return (1, int(self.within(p.planned_start, ys, ye)), int(due),
                int(due and p.actual_start is not None and p.actual_start <= self.as_of),
                int(self.within(p.actual_start, ys, until)),
                int(bool(p.spring_start) or self.within(p.planned_start, sf, st)),
                int(self.within(p.actual_start, sf, min(st, self.as_of))),
                int(big and self.within(p.planned_start, ys, ye)), int(big and self.within(p.actual_start, ys, until)))

    def not_in_stats(self, p: Row) -> bool:
        """开工未入库: started long enough ago, over the threshold, still outside the statistics."""
        in_stats = p.in_statistics and (p.statistics_date is None or p.statistics_date <= self.as_of)
        return (p.stage not in CLOSED and not in_stats and p.actual_start is not None
                and p.total_investment is not None and p.total_investment >= self.stats_threshold
                and p.actual_start <= self.yellow_cut)


def window(plan: Plan, as_of: dt.date, spring: tuple[str, str], big: Decimal) -> Window:
    r = ProjectSettings.rules_for(plan)
    return Window(as_of, plan.year, spring, Decimal(big), Decimal(r.stats_threshold),
                  latest_start(as_of, r.stats_yellow_months), latest_start(as_of, r.stats_red_months))


@dataclass
class Tally:
    """Per project what it adds, and the sums kept over them."""

    window: Window
    rows: dict[int, Row] = field(default_factory=dict)
    fronts_of: dict[int, frozenset[str]] = field(default_factory=dict)
    counts: list[int] = field(default_factory=lambda: [0] * len(COUNTS))
    annual: Decimal = Decimal(0)
    ytd: Decimal = Decimal(0)
    annual_seen: int = 0    # listed projects with an annual plan (a sum over none is None)
    stages: dict[str, list[Any]] = field(default_factory=dict)   # stage → [count, Σ total, counted totals]
    fronts: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    not_in_stats: list[tuple[dt.date, str, int]] = field(default_factory=list)  # (start, code, pk), sorted
    not_in_stats_red: int = 0   # … of them started on or before the red cut
    located: list[tuple[Decimal, str, int]] = field(default_factory=list)  # (-total, code, pk), sorted

    @property
    def totals(self) -> dict[str, int]:
        return dict(zip(COUNTS, self.counts, strict=True))

    def _apply(self, p: Row, fronts: frozenset[str], sign: int) -> None:
        if p.stage != REMOVED:
            for i, v in enumerate(self.window.counts(p)):
                self.counts[i] += sign * v
            if p.annual_plan is not None:
                self.annual += sign * p.annual_plan
                self.annual_seen += sign
            self.ytd += sign * (p.ytd_investment or 0)
        stage = self.stages.setdefault(p.stage, [0, Decimal(0), 0])
        stage[0] += sign
        if p.total_investment is not None:
            stage[1] += sign * p.total_investment
            stage[2] += sign
        if not stage[0]:
            del self.stages[p.stage]
        for front in fronts:
            (self.fronts[front].add if sign > 0 else self.fronts[front].discard)(p.pk)
            if not self.fronts[front]:
                del self.fronts[front]
        if self.window.not_in_stats(p):
            self._sorted(self.not_in_stats, (p.actual_start, p.code, p.pk), sign)
            self.not_in_stats_red += sign * int(p.actual_start is not None and p.actual_start <= self.window.red_cut)
        if p.lng is not None and p.lat is not None and p.stage not in CLOSED:
            self._sorted(self.located, (-(p.total_investment or Decimal(0)), p.code, p.pk), sign)

    @staticmethod
    def _sorted(keys: list[Any], key: Any, sign: int) -> None:
        if sign > 0:
            bisect.insort(keys, key)
        else:
            del keys[bisect.bisect_left(keys, key)]

    def add(self, p: Row, fronts: frozenset[str]) -> None:
        self.rows[p.pk], self.fronts_of[p.pk] = p, fronts
        self._apply(p, fronts, 1)

    def remove(self, pk: int) -> None:
        p = self.rows.pop(pk, None)
        if p is not None:
            self._apply(p, self.fronts_of.pop(pk), -1)


def _read(plan: Plan, path: str | None, ids: Iterable[int] | None = None) -> tuple[list[Row], dict[int, set[str]]]:
    """The projects' rows and front codes (all the plan's or unit's, or only ``ids``)."""
    base = Project.objects.filter(plan=plan).filter(unit_q(path))
    if ids is not None:
        base = base.filter(pk__in=list(ids))
    rows = [Row(*values) for values in base.values_list(*COLUMNS).order_by()]
    fronts: dict[int, set[str]] = defaultdict(set)
    through = Project.nodes.through
    links = through.objects.filter(project__in=base.values("pk"))
    for pid, code in links.values_list("project_id", "node__code").order_by():
        fronts[pid].add(code.split(".", 1)[0])
    return rows, fronts


def _build(plan: Plan, key: Hashable, win: Window) -> Tally:
    tally = Tally(win)
    rows, fronts = _read(plan, key[1])  # type: ignore[index]
    for p in rows:
        tally.add(p, frozenset(fronts.get(p.pk, ())))
    return tally


def _bring(plan: Plan, key: Hashable, value: Tally, changes: Changes, win: Window) -> Tally | None:
    if not changes.project_side:
        return value
    if changes.any_project or not changes.projects:
        return None
    rows, fronts = _read(plan, key[1], changes.projects)  # type: ignore[index]
    for pk in changes.projects:
        value.remove(pk)
    for p in rows:
        value.add(p, frozenset(fronts.get(p.pk, ())))
    return value


TALLIES: Memo[Tally] = Memo("dashboard.project_tally", _build, patch=_bring)


def tally(plan: Plan, path: str | None, win: Window) -> Tally:
    """The plan's (or unit's) project tally at the window, brought forward from the journal."""
    return TALLIES.get(plan, (win, path), win)


def stage_counts(t: Tally) -> dict[str, tuple[int, Decimal | None]]:
    """Stage → (projects, Σ 总投资 or None when none has one), as the grouped query answers."""
    return {stage: (n, total if counted else None) for stage, (n, total, counted) in t.stages.items()}

