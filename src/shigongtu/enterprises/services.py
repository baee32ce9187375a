"""Writes of the enterprise registry, one verb per function: validate → re-check scope → write in one
transaction → record the change (old → new) → bump the revision of the plans that count it.

``user`` None is a system job (the demo, a CLI run without a user) and acts with full rights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.enterprises.fields import (
    ENTERPRISE_NAMES,
    TIER_NAMES,
    YEAR_NAMES,
    clean_enterprise,
    clean_tier,
    clean_year,
)
from shigongtu.enterprises.models import Enterprise, TierRecord, YearFigures
from shigongtu.enterprises.rules.tiers import read_tier
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, Scope
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision

ENTERPRISE, TIER, YEAR = "enterprise", "enterprise_tier", "enterprise_year"


def require_unit(user: Any, unit: OrgUnit, action: str = MANAGE) -> None:
    """Raise NotAllowed unless ``user`` may ``action`` enterprises of ``unit`` (None: a system job)."""
    if user is None:
        return
    scope = Scope.of(user)
    if action == MANAGE and not scope.can_manage_unit(unit.path):
        raise NotAllowed(f"no {action} right on unit {unit.name}")


def bump_plans(unit: OrgUnit) -> None:
    """The plans of the unit and the units above it count its enterprises: their caches must refresh."""
    for plan in Plan.objects.filter(unit_id__in=unit.ancestor_ids):
        bump_revision(plan, aspect="enterprises")


def _lock(model: type[Any], pk: int, expected_version: int | None, what: str) -> Any:
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(what, obj.version)
    return obj


def enterprise_snapshot(e: Enterprise) -> dict[str, Any]:
    return {name: getattr(e, name) for name in ENTERPRISE_NAMES}


def tier_snapshot(t: TierRecord) -> dict[str, Any]:
    return {name: getattr(t, name) for name in TIER_NAMES}


def year_snapshot(y: YearFigures) -> dict[str, Any]:
    return {"year": y.year, **{name: getattr(y, name) for name in YEAR_NAMES}}


def _reject_if(problems: list[FieldError]) -> None:
    if problems:
        raise InputRejected(problems)


@transaction.atomic
def register_enterprise(unit: OrgUnit, data: Mapping[str, Any], user: Any = None) -> Enterprise:
    """Add an enterprise (企业入库) to ``unit``'s registry; its credit code must be new there."""
    clean, problems = clean_enterprise(data, new=True)
    _reject_if(problems)
    require_unit(user, unit)
    if Enterprise.objects.filter(unit=unit, credit_code=clean["credit_code"]).exists():
        raise InputRejected(FieldError(f"统一社会信用代码{clean['credit_code']}已在企业库中", field="credit_code",
                                       column="统一社会信用代码", value=clean["credit_code"],
                                       message_en=f"credit code {clean['credit_code']} is already registered"))
    enterprise = Enterprise(unit=unit, **clean)
    enterprise.save()
    audit.record("create", ENTERPRISE, enterprise.pk, audit.created(enterprise_snapshot(enterprise)),
                 actor_name(user), f"{enterprise.credit_code} {enterprise.name}")
    bump_plans(unit)
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, data: Mapping[str, Any], user: Any = None,
                      expected_version: int | None = None) -> Enterprise:
    """Change an enterprise's own fields (name, industry, 包保领导 …); its credit code is its key and stays."""
    data = {k: v for k, v in data.items() if k not in ("credit_code", "统一社会信用代码")}
    clean, problems = clean_enterprise(data, new=False)
    _reject_if(problems)
    require_unit(user, enterprise.unit)
    locked = _lock(Enterprise, enterprise.pk, expected_version, f"企业{enterprise.name}")
    old = enterprise_snapshot(locked)
    for name, value in clean.items():
        setattr(locked, name, value)
    if audit.save_tracked(locked, ENTERPRISE_NAMES, old, object_type=ENTERPRISE, actor=actor_name(user),
                          label=f"{locked.credit_code} {locked.name}", plan_code=""):
        bump_plans(locked.unit)  # names, industries and leaders show on the cached cards and menus
    return locked


@transaction.atomic
def save_tier(enterprise: Enterprise, data: Mapping[str, Any], user: Any = None,
              expected_version: int | None = None) -> TierRecord:
    """Record or change the enterprise's standing in one tier (梯度): status, certificate, dates.

    The tier names the record (one per enterprise and tier). A status move and new dates are
    checked as a ledger row is: 已认定 needs a 认定日期, 有效期至 after it (default: three years less
    a day for the certificated tiers)."""
    current = None
    tier_raw = data.get("tier", data.get("梯度类别"))
    if tier_raw:
        try:
            current = TierRecord.objects.filter(enterprise=enterprise, tier=read_tier(tier_raw)).first()
        except ValueError:
            current = None  # the clean below names the bad tier
    clean, problems = clean_tier(data, tier_snapshot(current) if current is not None else None)
    _reject_if(problems)
    require_unit(user, enterprise.unit)
    label = f"{enterprise.credit_code} {clean.get('tier') or (current.tier if current else '')}"
    if current is None:
        record = TierRecord(enterprise=enterprise, unit_id=enterprise.unit_id, **clean)
        record.save()
        audit.record("create", TIER, record.pk, audit.created(tier_snapshot(record)), actor_name(user), label)
    else:
        record = _lock(TierRecord, current.pk, expected_version, f"{enterprise.name}的{current.tier}记录")
        old = tier_snapshot(record)
        for name, value in clean.items():
            setattr(record, name, value)
        if not audit.save_tracked(record, TIER_NAMES, old, object_type=TIER, actor=actor_name(user), label=label,
                                  plan_code=""):
            return record
    bump_plans(enterprise.unit)
    return record


@transaction.atomic
def save_year(enterprise: Enterprise, data: Mapping[str, Any], user: Any = None,
              expected_version: int | None = None, today: dt.date | None = None) -> YearFigures:
    """Record or correct the enterprise's figures for one year (企业年度数据); none negative, no future year."""
    clean, problems = clean_year(data, today or timezone.localdate())
    _reject_if(problems)
    require_unit(user, enterprise.unit)
    label = f"{enterprise.credit_code} {clean['year']}"
    current = YearFigures.objects.filter(enterprise=enterprise, year=clean["year"]).first()
    if current is None:
        figures = YearFigures(enterprise=enterprise, **clean)
        figures.save()
        audit.record("create", YEAR, figures.pk, audit.created(year_snapshot(figures)), actor_name(user), label)
        bump_plans(enterprise.unit)  # the pool's closeness to qualifying reads the latest figures
        return figures
    figures = _lock(YearFigures, current.pk, expected_version, f"{enterprise.name}{clean['year']}年度数据")
    old = year_snapshot(figures)
    for name, value in clean.items():
        setattr(figures, name, value)
    if audit.save_tracked(figures, ("year", *YEAR_NAMES), old, object_type=YEAR, actor=actor_name(user),
                          label=label, plan_code=""):
        bump_plans(enterprise.unit)
    return figures
