"""Ledger rows of the enterprise registry (企业梯度培育台账): checked in chunks, written in bulk.

A row is one enterprise in one tier, keyed by 统一社会信用代码 and 梯度类别 within the plan's
org unit. :class:`RowChecker` checks rows and writes nothing (what spans the chunks of one
file — keys seen, enterprises first met — lives in it, so a chunk reads the same whether the
one before was applied or not); :func:`apply_rows` writes the checked rows with the same values
and change history the services give one at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.enterprises.fields import ENTERPRISE_NAMES, TIER_NAMES, clean_enterprise, clean_tier
from shigongtu.enterprises.models import Enterprise, TierRecord
from shigongtu.enterprises.rules.tiers import read_tier
from shigongtu.enterprises.services import ENTERPRISE, TIER, bump_plans
from shigongtu.lib.codes import validate_credit_code
from shigongtu.lib.errors import FieldError
from shigongtu.orgs.models import OrgUnit
from shigongtu.utilities import bulk

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class CheckedRow:
    """One clean row: what it does to its enterprise and its tier record."""

    row: int
    code: str
    tier: str
    action: str
    enterprise: dict[str, Any]  # clean enterprise fields (by API name)
    record: dict[str, Any]  # clean tier fields
    changes: dict[str, list[Any]] = field(default_factory=dict)  # by canonical header, for the preview
    enterprise_changes: dict[str, list[Any]] = field(default_factory=dict)
    tier_changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Existing:
    """The chunk's enterprises (by credit code) and their tier records (by code and tier)."""

    enterprises: dict[str, Enterprise]
    records: dict[tuple[str, str], TierRecord]


def known_codes(unit: OrgUnit) -> set[str]:
    """The credit codes registered in ``unit`` or below: read once per file, so that a chunk of
    enterprises new to the registry asks the database nothing."""
    return set(Enterprise.objects.within(unit).values_list("credit_code", flat=True))


def load_existing(unit: OrgUnit, codes: Iterable[str]) -> Existing:
    """The enterprises with these credit codes in ``unit`` or below (``unit``'s own first), and their tiers."""
    codes = set(codes)
    if not codes:
        return Existing({}, {})
    found: dict[str, Enterprise] = {}
    for e in Enterprise.objects.within(unit).filter(credit_code__in=codes).order_by("-unit_id"):
        if e.credit_code not in found or e.unit_id == unit.pk:
            found[e.credit_code] = e
    by_id = {e.pk: e for e in found.values()}
    records = {(by_id[t.enterprise_id].credit_code, t.tier): t
               for t in TierRecord.objects.filter(enterprise_id__in=list(by_id))}
    return Existing(found, records)


HEADERS = {"name": "企业名称", "credit_code": "统一社会信用代码", "industry": "所属行业", "leader": "包保领导",
           "officer": "服务专员", "registered_on": "注册日期", "above_scale": "是否规上", "above_scale_on": "入规日期",
           "address": "注册地址", "lng": "经度", "lat": "纬度", "tier": "梯度类别", "status": "状态",
           "granted_on": "认定日期", "expires_on": "有效期至", "certificate_no": "证书编号", "level": "级别",
           "batch": "批次", "renewal_filed": "重新认定申报日期"}


@dataclass
class RowChecker:
    """Checks the rows of one file, chunk after chunk."""

    seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (code, tier) → first row
    firsts: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)  # code → first row, its fields

    def check(self, number: int, values: Mapping[str, Any], existing: Existing) -> tuple[CheckedRow | None,
                                                                                        list[FieldError]]:
        code = _code(values)
        known = existing.enterprises.get(code)
        ent, problems = clean_enterprise(values, new=known is None)
        tier_raw = values.get("梯度类别")
        record = None
        if code and tier_raw not in (None, ""):
            try:
                record = existing.records.get((code, read_tier(tier_raw)))
            except ValueError:
                record = None
        tier, tier_problems = clean_tier(values, _snapshot(record) if record is not None else None)
        problems += tier_problems
        if problems or not code:
            self._remember(number, code, tier.get("tier"))
            return None, problems
        problems += self._repeats(number, code, tier["tier"], ent)
        if problems:
            return None, problems
        out = CheckedRow(number, code, tier["tier"], UNCHANGED, ent, tier)
        if number == self.firsts[code][0] and known is not None:
            out.enterprise_changes = audit.diff(_fields(known, ENTERPRISE_NAMES), {**_fields(known, ENTERPRISE_NAMES),
                                                                                   **ent})
        elif known is None and number == self.firsts[code][0]:
            out.enterprise_changes = audit.created(ent)
        old = _snapshot(record) if record is not None else None
        out.tier_changes = audit.diff(old, {**(old or {}), **tier})
        out.action = CREATE if record is None else UPDATE if out.tier_changes or out.enterprise_changes else UNCHANGED
        out.changes = {HEADERS[k]: v for k, v in {**out.enterprise_changes, **out.tier_changes}.items()}
        return out, []

    def _remember(self, number: int, code: str, tier: str | None) -> None:
        if code and tier:
            self.seen.setdefault((code, tier), number)

    def _repeats(self, number: int, code: str, tier: str, ent: Mapping[str, Any]) -> list[FieldError]:
        """The same enterprise and tier twice in the file, or one enterprise named two ways."""
        out = []
        first = self.seen.setdefault((code, tier), number)
        if first != number:
            out.append(FieldError(f"企业{code}的{tier}在表中重复（第{first}行与第{number}行）", field="tier",
                                  column="梯度类别", value=tier,
                                  message_en=f"enterprise {code}, tier {tier}: given twice (rows {first}, {number})"))
        row, fields = self.firsts.setdefault(code, (number, dict(ent)))
        for name, value in ent.items():
            if row != number and name in fields and value not in ("", None) and fields[name] not in ("", None) \
                    and fields[name] != value:
                out.append(FieldError(f"同一企业{code}在第{row}行与第{number}行的{HEADERS[name]}不一致",
                                      field=name, column=HEADERS[name], value=str(value),
                                      message_en=f"enterprise {code}: {name} differs from row {row}"))
        return out


def _code(values: Mapping[str, Any]) -> str:
    """The row's credit code as it is keyed: checked and normalised when it can be, else as written."""
    raw = values.get("统一社会信用代码")
    if raw is None:
        return ""
    if type(raw) is str and len(raw) == 18 and raw.isascii() and raw.isalnum() and raw == raw.upper():
        return raw  # the usual case, already in its key form (its check character is read with the fields)
    try:
        return validate_credit_code(str(raw))
    except ValueError:
        return "".join(str(raw).split()).upper()


def row_codes(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """The credit codes of some rows, as they are keyed."""
    return {code for values in rows if (code := _code(values))}


def _fields(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(obj, n) for n in names}


def _snapshot(record: TierRecord) -> dict[str, Any]:
    return _fields(record, TIER_NAMES)


def apply_rows(unit: OrgUnit, rows: list[CheckedRow], existing: Existing, user: Any = None,
               plan_code: str = "") -> None:
    """Write checked rows of one chunk: new enterprises and tier records inserted, changed ones
    updated (version bumped), one history entry per change. The caller holds the transaction
    and bumps the plans' revisions once per file (:func:`finish`)."""
    now = timezone.now()
    actor = getattr(user, "username", None) or "system"
    items: list[dict[str, Any]] = []
    ids = _create_enterprises(unit, rows, existing, now, items, plan_code)
    _update_enterprises(rows, existing, now, items, plan_code)
    _write_tiers(rows, existing, ids, unit, now, items, plan_code)
    audit.record_many(items, actor)


def _item(action: str, kind: str, pk: int, label: str, changes: dict[str, Any], plan_code: str) -> dict[str, Any]:
    return {"action": action, "object_type": kind, "object_id": pk, "label": label, "plan_code": plan_code,
            "changes": changes}


def _last_id(model: type[Any]) -> int:
    """The highest id so far: the rows about to be inserted come after it, so they are read back by
    an id range instead of a list of thousands of keys."""
    return int(model.objects.aggregate(last=Max("pk"))["last"] or 0)


def _ordered(columns: list[str], base: Mapping[str, Any], values: Mapping[str, Any], **more: Any) -> list[Any]:
    """A new row's values in ``columns`` order: the defaults of ``base``, overwritten."""
    row = {**base, **values, **more}
    return [row[c] for c in columns]


def _create_enterprises(unit: OrgUnit, rows: list[CheckedRow], existing: Existing, now: Any,
                        items: list[dict[str, Any]], plan_code: str) -> dict[str, int]:
    ids = {code: e.pk for code, e in existing.enterprises.items()}
    new: dict[str, dict[str, Any]] = {}
    changes: dict[str, dict[str, list[Any]]] = {}  # the history of each, as the check worked it out
    for r in rows:
        if r.code not in ids and r.code not in new:
            new[r.code] = r.enterprise
            changes[r.code] = r.enterprise_changes or audit.created(r.enterprise, plain=False)
    if new:
        base = {**bulk.new_row(Enterprise, now), "unit_id": unit.pk}
        columns = list(base)
        last = _last_id(Enterprise)
        bulk.insert_rows(Enterprise, columns, (_ordered(columns, base, ent) for ent in new.values()))
        made = {code: pk for code, pk in Enterprise.objects.filter(unit=unit, pk__gt=last).values_list(
            "credit_code", "pk") if code in new}
        ids.update(made)
        for code, ent in new.items():
            items.append(_item("create", ENTERPRISE, made[code], f"{code} {ent['name']}", changes[code], plan_code))
    return ids


def _update_enterprises(rows: list[CheckedRow], existing: Existing, now: Any, items: list[dict[str, Any]],
                        plan_code: str) -> None:
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for r in rows:
        e = existing.enterprises.get(r.code)
        if e is None or not r.enterprise_changes:
            continue
        for name in r.enterprise_changes:
            setattr(e, name, r.enterprise[name])
        e.version += 1
        e.updated_at = now
        groups[(*sorted(r.enterprise_changes), "version", "updated_at")].append(e)
        items.append(_item("update", ENTERPRISE, e.pk, f"{e.credit_code} {e.name}", r.enterprise_changes, plan_code))
    _update_grouped(Enterprise, groups)


def _update_grouped(model: type[Any], groups: Mapping[tuple[str, ...], list[Any]]) -> None:
    """One bulk update per set of changed columns (SQLite rewrites every index an UPDATE touches)."""
    for columns, objs in groups.items():
        bulk.update_rows(model, columns, ([getattr(o, c) for c in columns] + [o.pk] for o in objs))


def _write_tiers(rows: list[CheckedRow], existing: Existing, ids: Mapping[str, int], unit: OrgUnit, now: Any,
                 items: list[dict[str, Any]], plan_code: str) -> None:
    units = {code: e.unit_id for code, e in existing.enterprises.items()}
    units.update({code: unit.pk for code in ids if code not in units})
    new = [r for r in rows if (r.code, r.tier) not in existing.records]
    if new:
        base = bulk.new_row(TierRecord, now)
        columns = list(base)
        last = _last_id(TierRecord)
        bulk.insert_rows(TierRecord, columns, (_ordered(columns, base, r.record, enterprise_id=ids[r.code],
                                                        unit_id=units[r.code]) for r in new))
        made = {(e, t): pk for pk, e, t in TierRecord.objects.filter(pk__gt=last).values_list(
            "pk", "enterprise_id", "tier")}
        for r in new:
            items.append(_item("create", TIER, made[(ids[r.code], r.tier)], f"{r.code} {r.tier}",
                               r.tier_changes or audit.created(r.record, plain=False), plan_code))
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for r in rows:
        record = existing.records.get((r.code, r.tier))
        if record is None or not r.tier_changes:
            continue
        for name in r.tier_changes:
            setattr(record, name, r.record[name])
        record.version += 1
        record.updated_at = now
        groups[(*sorted(r.tier_changes), "version", "updated_at")].append(record)
        items.append(_item("update", TIER, record.pk, f"{r.code} {r.tier}", r.tier_changes, plan_code))
    _update_grouped(TierRecord, groups)


def finish(unit: OrgUnit) -> None:
    """Once per file: the plans counting these enterprises refresh."""
    bump_plans(unit)
