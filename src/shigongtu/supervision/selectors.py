"""Reads of supervision items: the filtered list, the summary "at d", lights, the map, the
dashboard card and the bulletin section. Every face (CLI, API, pages, dashboard, bulletins,
ledgers) calls these; a figure is defined once, here or in ``rules``.

The light of contract §4 is computed in SQL (:func:`light_q`) for filters and counts and in
Python (:func:`light_of`) for rows shown; both read the same stored facts and agree (tested).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from shigongtu.lib.periods import Period
from shigongtu.plans.models import Plan
from shigongtu.supervision.models import SupervisionItem, SupervisionSettings
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.supervision.rules import lights
from shigongtu.supervision.rules.sentences import OverdueGroup, SectionFacts, section_sentences

PAGE_SIZE = 50


def yellow_days(plan: Plan) -> int:
    return SupervisionSettings.for_plan(plan).yellow_days


# -- lights ------------------------------------------------------------------------------------

def facts_of(item: SupervisionItem) -> lights.ItemFacts:
    return lights.ItemFacts(status=item.status, deadline=item.deadline, closed_on=item.closed_on,
                            node_missed_after=item.node_due, feedback_due=item.feedback_due)


def light_of(item: SupervisionItem, as_of: dt.date, days: int = lights.YELLOW_DAYS) -> str:
    """One item's light at ``as_of`` (the pure rule over its stored facts)."""
    return lights.light(facts_of(item), as_of, days)


def closed_q(as_of: dt.date) -> Q:
    return Q(closed_on__lte=as_of)


def done_q(as_of: dt.date) -> Q:
    return closed_q(as_of) | Q(status__in=(lc.DONE, lc.NO_ACTION))


def light_q(light: str, as_of: dt.date, days: int = lights.YELLOW_DAYS) -> Q:
    """The items whose light at ``as_of`` is ``light`` (the same rule as :func:`light_of`, in SQL)."""
    open_ = ~done_q(as_of)
    timed = Q(deadline__isnull=False)
    red = open_ & timed & (Q(deadline__lt=as_of) | Q(feedback_due__lt=as_of))
    if light == lights.DONE_LIGHT:
        return done_q(as_of)
    if light == lights.RED:
        return red
    yellow = open_ & timed & ~red & (Q(deadline__lte=as_of + dt.timedelta(days=days)) | Q(node_due__lt=as_of))
    if light == lights.YELLOW:
        return yellow
    if light == lights.GREEN:
        return open_ & ~red & ~yellow
    raise ValueError(f"unknown light {light!r}")


# -- the list ----------------------------------------------------------------------------------

@dataclass
class ItemFilter:
    """The list's filters: source, campaign, state, light, lead unit, overdue only, text."""

    source: str = ""
    campaign: str = ""
    state: str = ""
    light: str = ""
    unit: int | None = None
    overdue: bool = False
    q: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ItemFilter:
        """Read query parameters; a value that names nothing is ignored and noted in ``problems``."""
        f = cls()
        for name, allowed in (("source", lc.SOURCES), ("state", lc.STATES), ("light", lights.LIGHTS)):
            value = str(params.get(name) or "").strip()
            if value and value not in allowed:
                f.problems.append((name, value))
            elif value:
                setattr(f, name, value)
        f.campaign = str(params.get("campaign") or "").strip()
        f.q = str(params.get("q") or "").strip()
        unit = str(params.get("unit") or "").strip()
        if unit.isdigit():
            f.unit = int(unit)
        elif unit:
            f.problems.append(("unit", unit))
        f.overdue = str(params.get("overdue") or "").strip().lower() in ("1", "true", "yes", "on", "是")
        return f

    def apply(self, qs: QuerySet[SupervisionItem], as_of: dt.date, days: int = lights.YELLOW_DAYS,
              *, skip_light: bool = False) -> QuerySet[SupervisionItem]:
        if self.source:
            qs = qs.filter(source=self.source)
        if self.campaign:
            qs = qs.filter(campaign=self.campaign)
        if self.state:
            qs = qs.filter(status=self.state)
        if self.unit is not None:
            qs = qs.filter(lead_unit_id=self.unit)
        if self.q:
            qs = qs.filter(Q(code__icontains=self.q) | Q(title__icontains=self.q) | Q(leader__icontains=self.q))
        if self.light and not skip_light:
            qs = qs.filter(light_q(self.light, as_of, days))
        if self.overdue:
            qs = qs.filter(light_q(lights.RED, as_of, days))
        return qs

    def params(self) -> dict[str, str]:
        out = {k: str(getattr(self, k)) for k in ("source", "campaign", "state", "light", "q") if getattr(self, k)}
        if self.unit is not None:
            out["unit"] = str(self.unit)
        if self.overdue:
            out["overdue"] = "1"
        return out


def items(plan: Plan, user: Any = None) -> QuerySet[SupervisionItem]:
    """The plan's items (the user's scope when given: viewing an item is viewing its plan)."""
    qs = SupervisionItem.objects.filter(plan=plan)
    return qs.for_user(user, "view") if user is not None else qs


def light_case(as_of: dt.date, days: int = lights.YELLOW_DAYS) -> Case:
    """The light at ``as_of`` as one SQL expression (the rule of :func:`light_q`, first match wins)."""
    return Case(When(done_q(as_of), then=Value(lights.DONE_LIGHT)),
                When(light_q(lights.RED, as_of, days), then=Value(lights.RED)),
                When(Q(deadline__isnull=False) & (Q(deadline__lte=as_of + dt.timedelta(days=days))
                                                  | Q(node_due__lt=as_of)), then=Value(lights.YELLOW)),
                default=Value(lights.GREEN), output_field=CharField())


def tally(qs: QuerySet[SupervisionItem], as_of: dt.date, days: int = lights.YELLOW_DAYS
          ) -> tuple[dict[str, int], int]:
    """Counts by light and the number closed at ``as_of``, in one grouped query."""
    counts = dict.fromkeys(lights.LIGHTS, 0)
    closed = 0
    rows = qs.order_by().annotate(light=light_case(as_of, days)).values("light").annotate(
        n=Count("pk"), c=Count("pk", filter=closed_q(as_of))).values_list("light", "n", "c")
    for light, n, c in rows:
        counts[light] = int(n)
        closed += int(c)
    return counts, closed


def light_counts(qs: QuerySet[SupervisionItem], as_of: dt.date, days: int = lights.YELLOW_DAYS) -> dict[str, int]:
    """How many items of ``qs`` have each light at ``as_of`` (one query)."""
    return tally(qs, as_of, days)[0]


# -- summary "at d" ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    """Contract §4: total, closed (销号日期 ≤ d), done (closed or 已办结), overdue (red), closure_rate."""

    total: int
    closed: int
    done: int
    overdue: int

    @property
    def closure_rate(self) -> float:
        return self.closed / self.total if self.total else 0.0

    @property
    def done_rate(self) -> float:
        return self.done / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "closed": self.closed, "done": self.done, "overdue": self.overdue,
                "closure_rate": self.closure_rate}


def summary(plan: Plan, as_of: dt.date, qs: QuerySet[SupervisionItem] | None = None) -> Summary:
    """The plan's (or ``qs``'s) items at ``as_of``, counted in one query."""
    qs = items(plan) if qs is None else qs
    return summary_of(*tally(qs, as_of, yellow_days(plan)))


def summary_of(counts: Mapping[str, int], closed: int) -> Summary:
    """The summary from a :func:`tally` (so a page that counts lights needs no second query)."""
    return Summary(sum(counts.values()), closed, counts[lights.DONE_LIGHT], counts[lights.RED])


# -- map, dashboard card, bulletin section ------------------------------------------------------

def _cached(kind: str, plan: Plan, as_of: dt.date, compute: Any) -> Any:
    """A plan-wide read at ``as_of``, kept until the plan's revision moves (every write bumps it)."""
    key = f"supervision:{kind}:{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}:{as_of.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, 600)
    return found


def map_points(plan: Plan, as_of: dt.date, user: Any = None) -> list[dict[str, Any]]:
    """Findings with coordinates, by type and light: what the map component draws (WGS84).
    Viewing an item is viewing its plan, so the points are the same for everyone who sees it."""
    return _cached("map", plan, as_of, lambda: _map_points(plan, as_of))


def _map_points(plan: Plan, as_of: dt.date) -> list[dict[str, Any]]:
    rows = items(plan).filter(lng__isnull=False, lat__isnull=False).order_by().annotate(
        light=light_case(as_of, yellow_days(plan))).values_list("code", "title", "source", "finding_type", "light",
                                                                "lng", "lat")
    return [{"code": code, "title": title, "source": source, "type": kind or "其他", "light": light,
             "lng": float(lng or 0), "lat": float(lat or 0)} for code, title, source, kind, light, lng, lat in rows]


def map_json(plan: Plan, as_of: dt.date) -> str:
    """The map document as JSON text, encoded once per plan revision (tens of thousands of points)."""
    def compute() -> str:
        doc = {"plan": plan.code, "as_of": as_of.isoformat(), "points": _map_points(plan, as_of)}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

    return _cached("mapjson", plan, as_of, compute)


def overdue_by_unit(plan: Plan, as_of: dt.date) -> list[OverdueGroup]:
    """Red items grouped by lead unit (most first) with their leaders, counted in SQL."""
    red = items(plan).filter(light_q(lights.RED, as_of, yellow_days(plan))).order_by()
    counts = red.values("lead_unit__name").annotate(n=Count("pk")).values_list("lead_unit__name", "n")
    leaders: dict[str, list[str]] = defaultdict(list)
    for unit, leader in red.exclude(leader="").values_list("lead_unit__name", "leader").distinct():
        leaders[unit or "未指定单位"].append(leader)
    groups = sorted(((unit or "未指定单位", int(n)) for unit, n in counts), key=lambda g: (-g[1], g[0]))
    return [OverdueGroup(unit, n, tuple(sorted(leaders.get(unit, [])))) for unit, n in groups]


@dataclass(frozen=True)
class Card:
    """The dashboard card: total, closed, 销号率, overdue by unit."""

    summary: Summary
    lights: dict[str, int]
    overdue_by_unit: list[OverdueGroup]


def card(plan: Plan, as_of: dt.date) -> Card:
    """What the dashboard card shows for the plan at ``as_of`` (kept per plan revision)."""
    def compute() -> Card:
        counts, closed = tally(items(plan), as_of, yellow_days(plan))
        return Card(summary_of(counts, closed), counts, overdue_by_unit(plan, as_of))

    return _cached("card", plan, as_of, compute)


def bulletin_section(plan: Plan, period: Period) -> SectionFacts:
    """The figures of the bulletin section 「督办事项办理情况」 for a month (as at its last day)."""
    end = period.last_day
    s = summary(plan, end)
    month = items(plan).filter(closed_on__gte=period.first_day, closed_on__lte=end).count()
    return SectionFacts(month_label=f"{period.month}月", total=s.total, closed=s.closed, done=s.done,
                        closed_this_month=month, overdue=s.overdue, done_rate=s.done_rate,
                        closure_rate=s.closure_rate, overdue_by_unit=tuple(overdue_by_unit(plan, end)))


def bulletin_sentences(plan: Plan, period: Period) -> list[str]:
    """The section's sentences (draft, Chinese), from :func:`bulletin_section`."""
    return section_sentences(bulletin_section(plan, period))


def campaigns(plan: Plan) -> list[str]:
    return sorted(c for c in items(plan).order_by().values_list("campaign", flat=True).distinct() if c)


# -- the weekly report (督办周报) ----------------------------------------------------------------

WEEKLY_ROWS = 300  # rows a table of the weekly report lists; the rest are counted and left to the ledger


@dataclass(frozen=True)
class WeeklyRow:
    """One item in a table of the weekly report, grouped by lead unit and leader (包保领导)."""

    unit: str
    leader: str
    code: str
    title: str
    deadline: dt.date | None  # None: 长期坚持 (or none given)
    status: str
    day: dt.date | None


@dataclass(frozen=True)
class WeeklyTable:
    """本周新交办 / 本周办结 / 逾期事项: at most :data:`WEEKLY_ROWS` rows and how many there are."""

    rows: tuple[WeeklyRow, ...]
    total: int


@dataclass(frozen=True)
class Weekly:
    """The weekly 督办周报: the week (Monday to Sunday), the summary at ``until`` (its Sunday, or the
    day of the report within the week) and three tables."""

    plan: Plan
    first: dt.date
    last: dt.date
    until: dt.date
    summary: Summary
    new: WeeklyTable
    done: WeeklyTable
    overdue: WeeklyTable


def week_span(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of the week holding ``day``."""
    first = day - dt.timedelta(days=day.weekday())
    return first, first + dt.timedelta(days=6)


def _weekly_table(qs: QuerySet[SupervisionItem], day_field: str) -> WeeklyTable:
    qs = qs.order_by("lead_unit__path", "leader", "code")
    fields = ("lead_unit__name", "leader", "code", "title", "deadline", "status", day_field)
    rows = tuple(WeeklyRow(unit or "未指定单位", leader, code, title, deadline, status, day)
                 for unit, leader, code, title, deadline, status, day in qs.values_list(*fields)[:WEEKLY_ROWS])
    total = len(rows) if len(rows) < WEEKLY_ROWS else qs.count()
    return WeeklyTable(rows, total)


def weekly(plan: Plan, day: dt.date, until: dt.date | None = None) -> Weekly:
    """The week holding ``day``: items assigned in it (交办日期), items done in it (申请办结 or 销号
    in the week), and the items overdue at ``until`` (the Sunday; a day inside the week when the
    report is written before the week ends); the summary is the one of contract §4 at ``until``."""
    first, last = week_span(day)
    until = until if until is not None and first <= until <= last else last
    base = items(plan).select_related(None)
    done_ids = base.filter(Q(closed_on__range=(first, until)) | Q(
        events__kind="done", events__on__range=(first, until))).values("pk")
    return Weekly(
        plan=plan, first=first, last=last, until=until, summary=summary(plan, until),
        new=_weekly_table(base.filter(assigned_on__range=(first, until)), "assigned_on"),
        done=_weekly_table(base.filter(pk__in=done_ids), "closed_on"),
        overdue=_weekly_table(base.filter(light_q(lights.RED, until, yellow_days(plan))), "assigned_on"),
    )
