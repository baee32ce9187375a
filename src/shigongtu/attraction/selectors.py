"""Reads of the attraction pipeline: the leads at a date, the year's summary, KPIs, the board,
and what the dashboard card and the bulletin section show. Every face calls these.

The stage at d is one rule (:func:`shigongtu.attraction.rules.stages.stage_at`); for lists and
counts over many leads it is also expressed as a filter (:func:`stage_q`), and tests check the
two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When

from shigongtu.attraction.models import MODES, Lead, LeadSettings
from shigongtu.attraction.rules import counting, sla, stages
from shigongtu.lib.amounts import convert, is_money_unit
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Indicator, Plan

ROW_FIELDS = ("pk", "code", "name", "investor", "mode", "team", "lead_unit__name", "industry", "investment", "funds",
              "stage", "signed_on", "registered_on", "started_on", "operating_on", "full_on", "exited_on",
              "increment", "project__code", "contacted_on", "answered_on", "assessed_on", "fed_back_on",
              "last_progress_on")
LATER = [attr for _, attr in stages.DATED]
CENTS4 = Decimal("0.0001")


# -- the stage at d as a filter -------------------------------------------------------------

def _none_after(attrs: Iterable[str], d: dt.date) -> Q:
    q = Q()
    for attr in attrs:
        q &= Q(**{f"{attr}__isnull": True}) | Q(**{f"{attr}__gt": d})
    return q


def stage_q(stage: str, d: dt.date, prefix: str = "") -> Q:
    """Leads whose stage at ``d`` is ``stage``, as a filter (the same rule as ``stages.stage_at``)."""
    exited = Q(exited_on__lte=d)
    if stage in stages.EXITS:
        q = exited & (Q(stage=stage) if stage == stages.LOST else ~Q(stage=stages.LOST))
        return q | (~exited & Q(stage=stage) & _none_after(LATER, d))
    if stage in stages.DATE_OF:
        later = LATER[LATER.index(stages.DATE_OF[stage]) + 1:]
        return ~exited & Q(**{f"{stages.DATE_OF[stage]}__lte": d}) & _none_after(later, d)
    undated = ~exited & _none_after(LATER, d)
    if stage == stages.CLUE:
        return undated & Q(stage=stages.CLUE)
    return undated & ~Q(stage__in=stages.UNDATED) | undated & Q(stage=stages.TALKS)


# -- rows -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeadAt:
    """One lead as the lists, the board and the JSON show it at a date."""

    pk: int
    code: str
    name: str
    investor: str
    mode: str
    team: str
    unit: str
    industry: str
    investment: Decimal
    funds: Decimal
    stage: str
    signed_on: dt.date | None
    started_on: dt.date | None
    project: str | None
    light: str
    warnings: tuple[sla.LeadWarning, ...] = ()


def _row(v: Mapping[str, Any], d: dt.date, rules: sla.SlaSettings) -> LeadAt:
    dates = {attr: v[attr] for attr in LATER}
    stage = stages.stage_at(v["stage"], dates, d, v["exited_on"])
    open_ = stage not in stages.EXITS and stage not in (stages.OPERATING, stages.FULL)
    warns = sla.warnings_at(sla.SlaIn(v["contacted_on"], v["answered_on"], v["assessed_on"], v["fed_back_on"],
                                      v["last_progress_on"], v["signed_on"], v["started_on"], stage, open_), d, rules)
    return LeadAt(v["pk"], v["code"], v["name"], v["investor"], v["mode"], v["team"], v["lead_unit__name"] or "",
                  v["industry"], v["investment"], v["funds"], stage, v["signed_on"], v["started_on"],
                  v["project__code"], sla.light_of(warns), tuple(warns))


def leads_at(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None = None) -> list[LeadAt]:
    """Every lead of the plan (or of ``qs``) with its stage, light and warnings at ``as_of``, by code."""
    rules = LeadSettings.rules_for(plan)
    qs = Lead.objects.filter(plan=plan) if qs is None else qs
    return [_row(v, as_of, rules) for v in qs.order_by("code").values(*ROW_FIELDS)]


# -- the year's figures ---------------------------------------------------------------------

def _figure_sums(d: dt.date) -> dict[str, Any]:
    """:func:`counting.add` as aggregates over the counted signings (the tests check they agree)."""
    first = Q(increment=False)
    started = Q(started_on__lte=d)
    return {"signed_investment": Sum("investment"), "funds": Sum("funds"), "signed": Count("pk", filter=first),
            "started": Count("pk", filter=first & started),
            "performing": Count("pk", filter=first & (started | Q(registered_on__lte=d))),
            "operating": Count("pk", filter=first & Q(operating_on__lte=d))}


def _sum(value: Any) -> Decimal:
    """A database sum of 万元 amounts as the amounts are kept (4 places; SQLite adds in floating point)."""
    return Decimal(value or 0).quantize(CENTS4)


def _figures(v: Mapping[str, Any]) -> counting.Figures:
    return counting.Figures(v["signed"], _sum(v["signed_investment"]), v["performing"], v["started"],
                            _sum(v["funds"]), v["operating"])


def _counted(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None) -> QuerySet[Lead]:
    """The leads whose signing counts at ``as_of`` (:func:`counting.counts`), as a filter."""
    qs = Lead.objects.filter(plan=plan) if qs is None else qs
    return qs.filter(signed_on__year=plan.year, signed_on__lte=as_of).order_by()


def summary(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None = None) -> counting.Figures:
    """The year's 招商 figures at ``as_of`` (contract §4 "Leads at d"): 签约数/签约额, 开工, 到位资金, rates.

    One aggregate query; the rule is :func:`counting.summarise`, which the tests hold it to."""
    return _figures(_counted(plan, as_of, qs).aggregate(**_figure_sums(as_of)))


COLUMNS = {"mode": "mode", "team": "team", "unit": "lead_unit__name"}


def _grouped(plan: Plan, as_of: dt.date, by: tuple[str, ...],
             qs: QuerySet[Lead] | None = None) -> dict[str, dict[str, counting.Figures]]:
    """The figures per group for each grouping in ``by`` (mode, team, unit), from one grouped query."""
    out: dict[str, dict[str, counting.Figures]] = {b: {} for b in by}
    for v in _counted(plan, as_of, qs).values(*(COLUMNS[b] for b in by)).annotate(**_figure_sums(as_of)):
        fig = _figures(v)
        for b in by:
            group = v[COLUMNS[b]] or "未填"
            out[b][group] = _add(out[b].get(group), fig)
    return out


def _add(a: counting.Figures | None, b: counting.Figures) -> counting.Figures:
    if a is None:
        return b
    return counting.Figures(a.signed + b.signed, a.signed_investment + b.signed_investment, a.performing + b.performing,
                            a.started + b.started, a.funds + b.funds, a.operating + b.operating)


GROUPS = {"mode": lambda r: r.mode or "未填", "team": lambda r: r.team or "未填", "unit": lambda r: r.unit or "未填"}


@dataclass(frozen=True)
class KpiRow:
    """One group's KPIs: 签约数/签约额, 履约率, 开工率, 资金到位率, 投产数."""

    group: str
    figures: counting.Figures


def kpis(plan: Plan, as_of: dt.date, by: str = "mode", qs: QuerySet[Lead] | None = None) -> list[KpiRow]:
    """KPIs by 招商方式 (``mode``), 小分队 (``team``) or 责任单位 (``unit``); modes in their own order
    (one grouped query; the rule is :func:`counting.grouped`)."""
    return _kpi_rows(_grouped(plan, as_of, (by,), qs)[by], by)


def _kpi_rows(groups: dict[str, counting.Figures], by: str) -> list[KpiRow]:
    order = list(MODES) if by == "mode" else sorted(groups, key=lambda g: (-groups[g].signed_investment, g))
    names = [g for g in order if g in groups] + [g for g in groups if g not in order]
    return [KpiRow(g, groups[g]) for g in names]


# -- one read of the plan's leads, cached per plan revision ---------------------------------------

SNAP_FIELDS = ("pk", "stage", "signed_on", "registered_on", "started_on", "operating_on", "full_on", "exited_on",
               "investment", "funds", "increment", "mode", "team", "lead_unit__name")


@dataclass(frozen=True)
class Snap:
    """The few columns every count reads, for every lead of the plan (one query)."""

    pk: int
    stage: str  # at d
    investment: Decimal
    row: counting.LeadRow


def cached(plan: Plan, key: str, compute: Any) -> Any:
    """``compute()`` kept until the plan's revision moves (every lead write bumps it)."""
    from django.core.cache import cache

    full = f"attraction:{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, 3600)
    return value


def snapshot(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None = None) -> list[Snap]:
    """Every lead's stage at ``as_of`` and counting row, from one query."""
    qs = Lead.objects.filter(plan=plan) if qs is None else qs
    out = []
    for pk, declared, s, r, st, op, full, ex, inv, funds, inc, mode, team, unit in qs.order_by().values_list(
            *SNAP_FIELDS):
        dates = {"signed_on": s, "registered_on": r, "started_on": st, "operating_on": op, "full_on": full}
        out.append(Snap(pk, stages.stage_at(declared, dates, as_of, ex), inv,
                        counting.LeadRow(inv, funds, s, r, st, op, inc, mode, team, unit or "")))
    return out


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    count: int
    investment: Decimal
    leads: list[LeadAt]


def stage_case(d: dt.date) -> Case:
    """The stage at ``d`` as a column: :func:`stages.stage_at` written as one CASE that tries the
    furthest date first (cheaper than a :func:`stage_q` per stage; the tests hold them equal)."""
    whens = [When(exited_on__lte=d, stage=stages.LOST, then=Value(stages.LOST)),
             When(exited_on__lte=d, then=Value(stages.ENDED))]
    whens += [When(**{f"{attr}__lte": d}, then=Value(stage)) for stage, attr in reversed(stages.DATED)]
    whens += [When(stage__in=(stages.CLUE, *stages.EXITS), then=F("stage"))]
    return Case(*whens, default=Value(stages.TALKS), output_field=CharField())


def stage_counts(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None = None) -> dict[str, tuple[int, Decimal]]:
    """Per stage at ``as_of``: how many leads and their investment (one grouped query)."""
    qs = Lead.objects.filter(plan=plan) if qs is None else qs
    counts: dict[str, tuple[int, Decimal]] = {s: (0, Decimal(0)) for s in stages.STAGES}
    for v in qs.order_by().values(at=stage_case(as_of)).annotate(n=Count("pk"), inv=Sum("investment")):
        counts[v["at"]] = (v["n"], _sum(v["inv"]))
    return counts


def board(plan: Plan, as_of: dt.date, qs: QuerySet[Lead] | None = None, per_column: int = 12) -> list[BoardColumn]:
    """The pipeline board: each stage with its count, its amount and its largest leads (by investment).

    A fixed number of queries whatever the number of leads: the counts by stage; the leads read
    largest first along the index on (plan, investment) until each stage has its share; their rows."""
    qs = Lead.objects.filter(plan=plan) if qs is None else qs
    counts = stage_counts(plan, as_of, qs)
    need = {s: min(per_column, n) for s, (n, _) in counts.items()}
    left = sum(need.values())
    ids: list[int] = []
    largest = qs.order_by("-investment", "pk").annotate(at=stage_case(as_of)).values_list("pk", "at")
    for pk, at in largest.iterator(chunk_size=500) if left else ():
        if need[at]:
            need[at] -= 1
            ids.append(pk)
            left -= 1
            if not left:
                break
    rows: dict[str, list[LeadAt]] = {s: [] for s in stages.STAGES}
    for row in leads_at(plan, as_of, Lead.objects.filter(pk__in=ids)) if ids else ():
        rows[row.stage].append(row)
    return [BoardColumn(s, counts[s][0], counts[s][1], sorted(rows[s], key=lambda r: (-r.investment, r.pk)))
            for s in stages.STAGES]


def figures_and_kpis(plan: Plan, as_of: dt.date) -> tuple[counting.Figures, dict[str, list[KpiRow]]]:
    """The year's figures and the KPIs by mode, team and unit (the KPI page): one query grouped by
    all three, folded into each; the year's figures are the sum of the modes'."""
    groups = _grouped(plan, as_of, tuple(GROUPS))
    fig = counting.Figures()
    for f in groups["mode"].values():
        fig = _add(fig, f)
    return fig, {by: _kpi_rows(groups[by], by) for by in GROUPS}


# -- targets, the dashboard card and the bulletin section ----------------------------------

@dataclass(frozen=True)
class Target:
    """A plan indicator fed by the leads and where it stands (its actual from the same figures)."""

    name: str
    unit: str
    source: str
    target: Decimal
    actual: Decimal

    @property
    def completion(self) -> float:
        return float(self.actual / self.target) if self.target else 0.0


def targets(plan: Plan, as_of: dt.date, fig: counting.Figures | None = None) -> list[Target]:
    """The plan's indicators whose actual comes from the leads (signed amount/count, started, funds)."""
    fig = fig or summary(plan, as_of)
    values = {"attraction.signed_investment": fig.signed_investment, "attraction.signed_count": Decimal(fig.signed),
              "attraction.started_count": Decimal(fig.started), "attraction.funds": fig.funds}
    out = []
    for ind in Indicator.objects.filter(plan=plan, source__startswith="attraction.").order_by("node__code", "pk"):
        actual = values.get(ind.source, Decimal(0))
        if is_money_unit(ind.unit) and ind.source in ("attraction.signed_investment", "attraction.funds"):
            actual = convert(actual, "万元", ind.unit)
        if ind.source_options:  # a restricted indicator (one mode, above an amount): its own count
            actual = Decimal(str(_restricted_actual(plan, ind, as_of)))
        out.append(Target(ind.name, ind.unit, ind.source, ind.target, actual))
    return out


def _restricted_actual(plan: Plan, ind: Indicator, as_of: dt.date) -> float:
    from shigongtu.attraction.indicators import SOURCES

    months = SOURCES[ind.source](plan, [ind], as_of).get(ind.pk, {})
    return sum(v for m, v in months.items() if m <= (as_of.month if as_of.year == plan.year else 12))


@dataclass(frozen=True)
class LeadCard:
    """The dashboard card (招商引资): funnel by stage, the year's figures, the targets."""

    as_of: dt.date
    funnel: list[tuple[str, int]]
    figures: counting.Figures
    targets: list[Target]
    red: int


def card(plan: Plan, as_of: dt.date) -> LeadCard:
    """What the dashboard card shows at ``as_of`` (a handful of queries whatever the number of leads)."""
    snaps = snapshot(plan, as_of)
    fig = counting.summarise([x.row for x in snaps], plan.year, as_of)
    funnel = [(s, sum(1 for x in snaps if x.stage == s)) for s in stages.PIPELINE]
    before = _months_before(plan, as_of)
    red = sum(1 for x in snaps if x.row.signed_on is not None and x.row.signed_on <= before
              and (x.row.started_on is None or x.row.started_on > as_of) and x.stage not in stages.EXITS)
    return LeadCard(as_of, funnel, fig, targets(plan, as_of, fig), red)


def _months_before(plan: Plan, as_of: dt.date) -> dt.date:
    months = LeadSettings.rules_for(plan).stall_months
    return sla.add_months(as_of, -months) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Signing:
    code: str
    name: str
    investor: str
    mode: str
    investment: Decimal
    signed_on: dt.date


@dataclass(frozen=True)
class LeadSection:
    """The bulletin section 「招商引资」 for a month: its signings, the year's figures and KPIs by mode."""

    period: str
    as_of: dt.date
    signings: list[Signing]
    figures: counting.Figures
    by_mode: list[KpiRow] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


def bulletin_section(plan: Plan, period: str) -> LeadSection:
    """The section's facts for ``period`` (YYYY-MM): figures at the month's last day."""
    p = Period.parse(period)
    as_of = p.last_day
    month = Lead.objects.filter(plan=plan, signed_on__gte=p.first_day, signed_on__lte=as_of)
    signings = [Signing(code, name, investor, mode, investment, signed_on) for code, name, investor, mode, investment,
                signed_on in month.order_by("signed_on", "code").values_list(
                    "code", "name", "investor", "mode", "investment", "signed_on") if signed_on is not None]
    fig = summary(plan, as_of)
    return LeadSection(period, as_of, signings, fig, kpis(plan, as_of, "mode"), targets(plan, as_of, fig))


def section_facts(section: LeadSection) -> Any:
    """The plain facts the section's sentences read (:mod:`shigongtu.attraction.rules.sentences`)."""
    from shigongtu.attraction.rules.sentences import SectionFacts

    target = next((t for t in section.targets if t.source == "attraction.signed_investment"), None)
    target_yi = convert(target.target, target.unit, "亿元") if target and is_money_unit(target.unit) else None
    f = section.figures
    return SectionFacts(
        month=section.as_of.month, month_signed=sum(1 for s in section.signings),
        month_investment=sum((s.investment for s in section.signings), Decimal(0)),
        signed=f.signed, signed_investment=f.signed_investment, started=f.started, start_rate=f.start_rate,
        funds=f.funds, funds_rate=f.funds_rate,
        by_mode=[(k.group, k.figures.signed, k.figures.signed_investment) for k in section.by_mode],
        target_yi=target_yi)
