"""Enterprise registry pages (企业梯度培育): the registry list, the enterprise page (tiers, yearly
figures, criteria met and missed, history) and the tier page (targets, funnel, expiring, the
pool closest to qualifying first).

Views parse, call ``shigongtu.enterprises.selectors`` and render; rules and scoping live there.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from shigongtu.audit.models import AuditEntry
from shigongtu.enterprises import selectors
from shigongtu.enterprises.fields import BY_NAME
from shigongtu.enterprises.models import Enterprise
from shigongtu.enterprises.rules import eligibility as elig
from shigongtu.enterprises.rules import tiers as T
from shigongtu.orgs.access import VIEW, scoped
from shigongtu.web.views.common import as_of_for, bad_as_of, plan_for, plan_nav

HISTORY_LIMIT = 60
EXPIRING_SHOWN = 12


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


def tier_word(tier: str) -> str:
    """A tier as the active language says it."""
    return T.TIERS_EN.get(tier, tier) if english() else tier


def _target_word(name: str) -> str:
    """A target named after a tier (高新技术企业, 专精特新企业) in the active language."""
    try:
        return tier_word(T.read_tier(name))
    except ValueError:
        return name


def status_word(status: str) -> str:
    return T.STATUSES_EN.get(status, status) if english() else status


@login_required
@require_GET
def registry_list(request: HttpRequest, code: str) -> HttpResponse:
    """The registry of the plan's unit: filters (tier, status, expiring, industry, leader, text), 50 a page;
    the query count does not grow with the page (pinned in the tests)."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    flt = selectors.Filters.read(request.GET)
    ids = selectors.registry(plan.unit, flt, as_of).values_list("pk", flat=True)
    paginator = Paginator(ids, selectors.PAGE_SIZE)
    key = "enterprises:count:" + hashlib.sha256(
        f"{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}:{as_of}:{flt}".encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        cache.set(key, paginator.count, 600)
    else:
        paginator.count = count  # paging through the same filter counts once per registry change
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for e in selectors.page_rows(page.object_list):
        tiers = sorted(e.tiers.all(), key=lambda r: T.TIERS.index(r.tier) if r.tier in T.TIERS else 99)
        rows.append({"e": e, "tiers": [{"word": tier_word(r.tier), "status": status_word(r.status), "r": r,
                                        "valid": T.is_valid(r.status, r.granted_on, r.expires_on, as_of)}
                                       for r in tiers]})
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        **plan_nav(request, plan, "enterprises", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request), "flt": flt, "page": page, "rows": rows,
        "querystring": params.urlencode(),
        "tier_choices": [(t, tier_word(t)) for t in T.TIERS],
        "status_choices": [(s, status_word(s)) for s in T.STATUSES],
        "menus": _menus(plan),
        "detail_prefix": reverse("enterprises_web:list", args=[plan.code]),
    }
    return render(request, "web/enterprises/list.html", context)


def _criteria(e: Enterprise) -> list[dict[str, Any]]:
    """Each tier's criteria checked on the latest figures; none at all without figures."""
    out: list[dict[str, Any]] = []
    if selectors.figures_of(e) is None:
        return out
    for tier, results in selectors.eligibility(e).items():
        rows = [{"label": (r.criterion.label_en or r.criterion.label) if english() else r.criterion.label,
                 "outcome": r.outcome, "actual": r.actual, "unit": elig.METRICS[r.criterion.metric][2],
                 "op": "≥" if r.criterion.op == ">=" else "≤", "value": r.criterion.value} for r in results]
        out.append({"tier": tier_word(tier), "rows": rows, "met": sum(r.outcome == elig.MET for r in results),
                    "total": len(results), "closeness": elig.closeness(results)})
    return out


def _menus(plan: Any) -> dict[str, list[str]]:
    """The filter menus (industries, leaders), read again only when the registry changed."""
    key = f"enterprises:menus:{plan.pk}:{plan.created_at.timestamp()}:{plan.revision}"
    menus = cache.get(key)
    if menus is None:
        menus = selectors.choices(plan.unit)
        cache.set(key, menus, 600)
    return menus


def _field_word(name: str) -> str:
    """A changed field as the history shows it: its ledger header, or its English label."""
    spec = BY_NAME.get(name)
    if spec is None:
        return name
    return spec.en if english() else spec.header


@login_required
@require_GET
def enterprise_detail(request: HttpRequest, code: str, credit_code: str) -> HttpResponse:
    """One enterprise: its tiers, yearly figures, which criteria of each tier it meets, and its history."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    e = scoped(Enterprise.objects.within(plan.unit).select_related("unit"), request.user, VIEW,
                   credit_code=credit_code.upper())
    tiers = sorted(e.tiers.all(), key=lambda r: T.TIERS.index(r.tier) if r.tier in T.TIERS else 99)
    ids = {"enterprise": [e.pk], "enterprise_tier": [r.pk for r in tiers],
           "enterprise_year": list(e.years.values_list("pk", flat=True))}
    history = AuditEntry.objects.none()
    for kind, pks in ids.items():
        history = history | AuditEntry.objects.filter(object_type=kind, object_id__in=[str(pk) for pk in pks])
    context = {
        **plan_nav(request, plan, "enterprises", as_of, chosen),
        "as_of": as_of, "e": e,
        "tiers": [{"r": r, "word": tier_word(r.tier), "status": status_word(r.status),
                   "valid": T.is_valid(r.status, r.granted_on, r.expires_on, as_of),
                   "expiring": T.is_expiring(r.state(), as_of)} for r in tiers],
        "years": list(e.years.order_by("-year")),
        "criteria": _criteria(e),
        "history": [{"h": h, "changes": [(_field_word(k), v) for k, v in (h.changes or {}).items()]}
                    for h in history.order_by("-seq")[:HISTORY_LIMIT]],
        "list_url": reverse("enterprises_web:list", args=[plan.code]),
    }
    return render(request, "web/enterprises/detail.html", context)


@login_required
@require_GET
def tiers_page(request: HttpRequest, code: str) -> HttpResponse:
    """The tiers against the year's targets: each target by the stock rule, the funnel by tier, the
    certificates expiring within 180 days with no renewal filed, and one tier's pool by closeness."""
    plan = plan_for(request, code)
    as_of, chosen = as_of_for(request, plan)
    try:
        pool_tier = T.read_tier(request.GET.get("tier") or T.HIGH_TECH)
    except ValueError:
        pool_tier = T.HIGH_TECH
    s = selectors.summary(plan, as_of)
    soon = selectors.expiring(plan.unit, as_of, unrenewed_only=True, limit=None)
    context = {
        **plan_nav(request, plan, "enterprises", as_of, chosen),
        "as_of": as_of, "bad_as_of": bad_as_of(request),
        "targets": [{"t": t, "name": _target_word(t.name), "done": max(0.0, min(100.0, 100 * t.completion)),
                     "expected": 100 * t.expected_share}
                    for t in s.targets],
        "funnel": [{"f": f, "word": tier_word(f.tier)} for f in s.funnel],
        "expiring": [{"x": x, "word": tier_word(x.tier)} for x in soon[:EXPIRING_SHOWN]],
        "expiring_total": len(soon),
        "pool": selectors.pool(plan.unit, pool_tier, limit=50),
        "pool_tier": pool_tier, "pool_word": tier_word(pool_tier),
        "tier_choices": [(t, tier_word(t)) for t in T.TIERS],
        "list_url": reverse("enterprises_web:list", args=[plan.code]),
    }
    return render(request, "web/enterprises/tiers.html", context)
