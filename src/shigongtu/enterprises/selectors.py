"""Reads of the enterprise registry and its read model: the list with filters, the counts at d,
the targets judged by the stock rule, the funnel, expiring certificates, the pool by closeness,
and what the dashboard card and the bulletin section show. Every face calls these.

Counts are SQL aggregates (one pass, twelve month ends at once) so that a registry of 100,000
enterprises answers in milliseconds; their definitions are the pure ones of :mod:`.rules.tiers`,
which tests compare them with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shigongtu.enterprises.models import (
    Enterprise,
    EnterpriseQuerySet,
    TierRecord,
    TierRule,
    YearFigures,
    units_within,
)
from shigongtu.enterprises.rules import eligibility as elig
from shigongtu.enterprises.rules import tiers as T
from shigongtu.enterprises.rules.targets import TargetStatus, judge_stock, section_sentences
from shigongtu.lib.periods import Period
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Plan

SOURCE = "enterprises.valid"
PAGE_SIZE = 50


# -- the registry and its filters ----------------------------------------------------------

def unit_ids(unit: OrgUnit) -> list[int]:
    """The ids of ``unit`` and the units below it, as a list: with the ids written out, the
    databases walk the indexes led by the unit in their order (the list's page, the grouped counts)."""
    return list(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def records_of(unit: OrgUnit) -> QuerySet[TierRecord]:
    """Every tier record of the enterprises of ``unit`` and below."""
    return TierRecord.objects.filter(unit_id__in=units_within(unit))


@dataclass(frozen=True)
class Filters:
    """The list's filters (API query, page form): tier, status, expiring within 180 days at ``as_of``,
    industry, 包保领导, a search text, and 'valid' (holding a valid certificate of the tier)."""

    tier: str = ""
    status: str = ""
    expiring: bool = False
    valid: bool = False
    unrenewed: bool = False  # with ``expiring``: only those with no renewal filed (the warnings)
    industry: str = ""
    leader: str = ""
    q: str = ""

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> Filters:
        def text(key: str) -> str:
            return str(data.get(key) or "").strip()

        def flag(key: str) -> bool:
            return text(key).lower() in ("1", "true", "yes", "on", "是")

        tier, status = text("tier"), text("status")
        try:
            tier = T.read_tier(tier) if tier else ""
            status = T.read_status(status) if status else ""
        except ValueError:
            tier, status = tier or "", status or ""
        return cls(tier, status, flag("expiring"), flag("valid"), flag("unrenewed"), text("industry"), text("leader"),
                   text("q"))


def registry(unit: OrgUnit, filters: Filters | None = None, as_of: dt.date | None = None) -> EnterpriseQuerySet:
    """The enterprises of ``unit`` and below that pass the filters, by credit code (the units'
    ids written out, so that a page walks the (unit, credit code) index and stops at its end)."""
    f = filters or Filters()
    qs = Enterprise.objects.filter(unit_id__in=unit_ids(unit))
    if f.industry:
        qs = qs.filter(industry=f.industry)
    if f.leader:
        qs = qs.filter(leader=f.leader)
    if f.q:
        qs = qs.filter(Q(name__contains=f.q) | Q(credit_code__startswith=f.q.upper()))
    record = Q(enterprise=OuterRef("pk"))
    if f.tier:
        record &= Q(tier=f.tier)
    if f.status:
        record &= Q(status=f.status)
    if f.valid or f.expiring:
        day = as_of or timezone.localdate()
        record &= _valid_q(day)
        if f.expiring:
            record &= Q(expires_on__lte=day + dt.timedelta(days=T.EXPIRING_DAYS))
        if f.expiring and f.unrenewed:
            record &= ~(Q(renewal_filed__isnull=False) & Q(renewal_filed__gte=F("granted_on")))
    if record != Q(enterprise=OuterRef("pk")):
        qs = qs.filter(Exists(TierRecord.objects.filter(record)))
    return qs.order_by("credit_code")


def with_tiers(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The enterprises with their tier records (one more query for a page)."""
    return qs.prefetch_related(Prefetch("tiers", queryset=TierRecord.objects.order_by("id")))


def page_rows(ids: Iterable[int], *related: str) -> list[Enterprise]:
    """A page's enterprises by credit code, with their tier records, from the page's ids: the page
    is chosen on the index alone (ids), its rows read by primary key (two queries)."""
    qs = Enterprise.objects.filter(pk__in=list(ids)).select_related(*related) if related else \
        Enterprise.objects.filter(pk__in=list(ids))
    return list(with_tiers(qs).order_by("credit_code"))


def _valid_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": T.GRANTED, f"{prefix}granted_on__lte": day}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day}))


def choices(unit: OrgUnit) -> dict[str, list[str]]:
    """The industries and leaders found in the registry, for the filter menus."""
    qs = Enterprise.objects.within(unit).order_by()
    return {"industry": sorted(qs.exclude(industry="").values_list("industry", flat=True).distinct()),
            "leader": sorted(qs.exclude(leader="").values_list("leader", flat=True).distinct())}


# -- counts at d ---------------------------------------------------------------------------

def _groups(ids: list[int], **lookup: Any) -> list[tuple[T.TierState, int]]:
    """The tier records of the units ``ids`` as (state, n) groups of alike records: one grouped
    query read off the covering index ``tier_counts`` in its own order (no sort, no table rows)."""
    rows = (TierRecord.objects.filter(unit_id__in=ids, **lookup)
            .values_list("unit_id", "status", "tier", "granted_on", "expires_on")
            .annotate(n=Count("*")).order_by("unit_id", "status", "tier", "granted_on", "expires_on"))
    return [(T.TierState(tier, status, granted, expires), n) for _, status, tier, granted, expires, n in rows]


def tier_counts(unit: OrgUnit, day: dt.date) -> list[T.TierCount]:
    """Each tier's counts at ``day`` (contract §4 "Enterprises at d"), in the order of the tiers:
    the records grouped, then those expiring with no renewal filed (the warnings) counted apart."""
    soon = day + dt.timedelta(days=T.EXPIRING_DAYS)
    renewal = Q(renewal_filed__isnull=False) & (Q(granted_on__isnull=True) | Q(renewal_filed__gte=F("granted_on")))
    ids = unit_ids(unit)
    unrenewed = dict(TierRecord.objects.filter(unit_id__in=ids, status=T.GRANTED, granted_on__lte=day,
                                               expires_on__gte=day, expires_on__lte=soon).exclude(renewal)
                     .values_list("tier").annotate(n=Count("*")).order_by())
    out = []
    for c in T.tally_at(_groups(ids), day):
        out.append(T.TierCount(c.tier, c.valid, c.pipeline, c.expiring, c.pool, c.planned, c.applied,
                               unrenewed.get(c.tier, 0)))
    return out


def monthly_valid(unit: OrgUnit, year: int, tiers: Iterable[str]) -> dict[int, int]:
    """Month → enterprises holding any of ``tiers`` valid at the month's end (each once): the
    tiers' grouped counts, less the second certificates of the few enterprises holding several."""
    wanted = list(tiers)
    by_tier = monthly_counts(unit, year)
    out = {m: sum(by_tier[t][m] for t in wanted if t in by_tier) for m in range(1, 13)}
    if len(wanted) > 1:
        mine = records_of(unit).filter(tier__in=wanted, status=T.GRANTED)
        shared = mine.values("enterprise_id").annotate(n=Count("*")).filter(n__gt=1).values("enterprise_id")
        states = [T.TierState(*row) for row in mine.filter(enterprise_id__in=shared).values_list(
            "tier", "status", "granted_on", "expires_on", "renewal_filed", "enterprise_id")]
        once = T.valid_by_month(states, year, wanted)
        each = T.tally_by_month([(s, 1) for s in states], year)
        for m in out:
            out[m] -= sum(each[t][m] for t in wanted if t in each) - once[m]
    return out


def monthly_counts(unit: OrgUnit, year: int) -> dict[str, dict[int, int]]:
    """Tier → month → records valid at the month's end: the recognised records grouped by their
    dates in one query, the twelve month ends tallied over the groups."""
    first_end = T.month_ends(year)[0][1]
    groups = _groups(unit_ids(unit), status=T.GRANTED, granted_on__lte=dt.date(year, 12, 31))
    return T.tally_by_month([(s, n) for s, n in groups if s.expires is None or s.expires >= first_end], year)


def valid_at(unit: OrgUnit, day: dt.date, tiers: Iterable[str]) -> int:
    """Enterprises holding any of ``tiers`` valid at ``day`` (each once)."""
    wanted = list(tiers)
    qs = records_of(unit).filter(_valid_q(day), tier__in=wanted)
    return qs.values("enterprise_id").distinct().count() if len(wanted) > 1 else qs.count()


def baseline(unit: OrgUnit, year: int, tiers: Iterable[str]) -> int:
    """The level at the end of the year before (上年末): the stock rule's baseline B."""
    return valid_at(unit, dt.date(year - 1, 12, 31), tiers)


# -- targets -------------------------------------------------------------------------------

def indicator_tiers(ind: Indicator) -> list[str]:
    """The tiers an indicator counts (``source_options["tiers"]``, default: the tier its name names)."""
    opts = ind.source_options if isinstance(ind.source_options, dict) else {}
    raw = opts.get("tiers") or ([opts["tier"]] if opts.get("tier") else [ind.name])
    out = []
    for name in raw:
        try:
            out.append(T.read_tier(name))
        except ValueError:
            continue
    return out


def tier_indicators(plan: Plan) -> list[Indicator]:
    """The plan's indicators that take their value from the registry."""
    return list(Indicator.objects.filter(plan=plan, source=SOURCE).order_by("node__sort_key", "id"))


def targets(plan: Plan, as_of: dt.date) -> list[TargetStatus]:
    """Each registry-sourced indicator judged at ``as_of`` by contract §2's stock rule, its baseline
    the registry's level at the end of the year before and its curve the batch months."""
    out = []
    for ind in tier_indicators(plan):
        wanted = indicator_tiers(ind)
        months = monthly_valid(plan.unit, plan.year, wanted)
        curve = [float(c) for c in ind.curve] if ind.curve else None
        out.append(judge_stock(ind.name, float(ind.target), float(baseline(plan.unit, plan.year, wanted)),
                               {m: float(v) for m, v in months.items()}, plan.year, as_of, curve))
    return out


# -- the summary, the card and the bulletin section ----------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    """One tier's funnel at d: pool → to apply → applied → recognised (valid), against its target."""

    tier: str
    pool: int
    planned: int
    applied: int
    valid: int
    target: float | None = None


@dataclass(frozen=True)
class Summary:
    """The registry at d for a plan: every tier's counts, the targets, the funnel."""

    plan: str
    as_of: dt.date
    tiers: list[T.TierCount]
    targets: list[TargetStatus]
    funnel: list[FunnelStep] = field(default_factory=list)


def summary(plan: Plan, as_of: dt.date) -> Summary:
    """What the dashboard card, the tier page and the JSON summary show (three queries and two per target)."""
    counts = tier_counts(plan.unit, as_of)
    judged = targets(plan, as_of)
    by_tier = {}
    for ind, status in zip(tier_indicators(plan), judged, strict=True):
        for tier in indicator_tiers(ind)[:1]:
            by_tier[tier] = status.target
    funnel = [FunnelStep(c.tier, c.pool, c.planned, c.applied, c.valid, by_tier.get(c.tier)) for c in counts]
    return Summary(plan.code, as_of, counts, judged, funnel)


@dataclass(frozen=True)
class ExpiringItem:
    name: str
    credit_code: str
    tier: str
    expires: dt.date
    days_left: int
    renewal_filed: dt.date | None
    leader: str


def expiring(unit: OrgUnit, day: dt.date, *, unrenewed_only: bool = False, limit: int | None = 100
             ) -> list[ExpiringItem]:
    """Valid certificates ending within 180 days after ``day``, soonest first (the expiry warnings
    with ``unrenewed_only``: no renewal filed since the certificate was granted)."""
    qs = records_of(unit).filter(_valid_q(day), expires_on__lte=day + dt.timedelta(days=T.EXPIRING_DAYS))
    if unrenewed_only:
        qs = qs.exclude(Q(renewal_filed__isnull=False) & Q(renewal_filed__gte=F("granted_on")))
    rows = qs.select_related("enterprise").order_by("expires_on", "enterprise__credit_code")
    if limit is not None:
        rows = rows[:limit]
    return [ExpiringItem(r.enterprise.name, r.enterprise.credit_code, r.tier, r.expires_on,
                         (r.expires_on - day).days, r.renewal_filed, r.enterprise.leader)
            for r in rows if r.expires_on is not None]


def new_recognitions(unit: OrgUnit, period: Period) -> dict[str, int]:
    """Tier → recognitions granted within the month (新认定), valid or not since."""
    rows = records_of(unit).filter(status=T.GRANTED, granted_on__gte=period.first_day,
                                   granted_on__lte=period.last_day).values("tier").annotate(n=Count("pk"))
    found = {r["tier"]: r["n"] for r in rows}
    return {t: found[t] for t in T.TIERS if found.get(t)}


@dataclass(frozen=True)
class TierCard:
    """The dashboard card: each target's actual, net increase and light; the counts; the warnings."""

    as_of: dt.date
    targets: list[TargetStatus]
    tiers: list[T.TierCount]
    expiring_unrenewed: int


def card(plan: Plan, as_of: dt.date) -> TierCard:
    """The dashboard card's figures."""
    s = summary(plan, as_of)
    return TierCard(as_of, s.targets, s.tiers, sum(c.unrenewed for c in s.tiers))


@dataclass(frozen=True)
class TierSection:
    """The bulletin's 「企业梯度培育」 section for a month: the figures and the draft sentences."""

    period: str
    as_of: dt.date
    targets: list[TargetStatus]
    new_this_month: dict[str, int]
    expiring: list[ExpiringItem]
    sentences: list[str]


def bulletin_section(plan: Plan, period: Period) -> TierSection:
    """The bulletin section at the month's end."""
    day = period.last_day
    judged = targets(plan, day)
    new = new_recognitions(plan.unit, period)
    soon = expiring(plan.unit, day, unrenewed_only=True, limit=None)
    by_tier: dict[str, int] = {}
    for item in soon:
        by_tier[item.tier] = by_tier.get(item.tier, 0) + 1
    return TierSection(period.key, day, judged, new, soon[:20], section_sentences(judged, new, by_tier))


# -- eligibility ---------------------------------------------------------------------------

def criteria() -> list[elig.Criterion]:
    """The active eligibility rule rows (认定条件), as the pure checks read them."""
    return [elig.Criterion(r.tier, r.code, r.label, r.metric, r.op, r.value, r.band_min, r.band_max, r.label_en)
            for r in TierRule.objects.filter(active=True).order_by("tier", "sort", "id")]


def figures_of(enterprise: Enterprise, years: Sequence[YearFigures] | None = None) -> elig.Figures | None:
    """The enterprise's latest yearly figures (with the year before's revenue for growth)."""
    rows = list(years) if years is not None else list(enterprise.years.order_by("-year")[:2])
    if not rows:
        return None
    latest = rows[0]
    previous = next((y for y in rows if y.year == latest.year - 1), None)
    return elig.Figures(latest.year, latest.revenue, latest.rd_expense, latest.staff_total, latest.tech_staff,
                        latest.ip_class1, latest.ip_class2, latest.equity_financing, enterprise.registered_on,
                        previous.revenue if previous is not None else None)


def eligibility(enterprise: Enterprise, rules: list[elig.Criterion] | None = None
                ) -> dict[str, list[elig.Result]]:
    """Tier → each criterion checked on the enterprise's latest figures (tiers with criteria only)."""
    rules = criteria() if rules is None else rules
    fig = figures_of(enterprise)
    return {t: res for t in T.TIERS if (res := elig.evaluate(rules, fig, t))}


@dataclass(frozen=True)
class PoolEntry:
    enterprise: Enterprise
    record: TierRecord
    closeness: float
    met: int
    missed: int
    unknown: int


def pool(unit: OrgUnit, tier: str, limit: int = 200) -> list[PoolEntry]:
    """The tier's pipeline (培育库, 拟申报, 已申报), closest to qualifying first."""
    rules = [c for c in criteria() if c.tier == tier]
    records = list(records_of(unit).filter(tier=tier, status__in=T.PIPELINE).select_related("enterprise"))
    years: dict[int, list[YearFigures]] = {}
    for y in YearFigures.objects.filter(enterprise_id__in=[r.enterprise_id for r in records]).order_by("-year"):
        years.setdefault(y.enterprise_id, []).append(y)
    out = []
    for r in records:
        fig = figures_of(r.enterprise, years.get(r.enterprise_id, []))
        res = elig.evaluate(rules, fig, tier)
        out.append(PoolEntry(r.enterprise, r, elig.closeness(res), sum(x.outcome == elig.MET for x in res),
                             sum(x.outcome == elig.MISSED for x in res), sum(x.outcome == elig.UNKNOWN for x in res)))
    out.sort(key=lambda e: (-e.closeness, e.missed, e.enterprise.credit_code))
    return out[:limit]
