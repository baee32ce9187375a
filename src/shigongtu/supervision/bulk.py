"""Ledger-sized writes of supervision items (督办台账): checked in batches, written in bulk.

:func:`validate_rows` checks rows against the plan and writes nothing; :func:`apply_rows` writes
checked rows with the same values, timeline entries and change history that
:func:`shigongtu.supervision.services.save_item` gives one item at a time: a few statements per
batch (``utilities.bulk``), one ``audit.record_many`` per batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_unit
from shigongtu.supervision.fields import Lookups, assigned_values, clean_item
from shigongtu.supervision.models import ItemEvent, SupervisionItem
from shigongtu.supervision.services import OBJECT, derive, snapshot
from shigongtu.utilities import bulk

EVENT_COLUMNS = ("item_id", "kind", "on", "text", "evidence", "person", "step", "new_deadline", "decision",
                 "by_id", "at")


def validate_rows(plan: Plan, rows: Iterable[Mapping[str, Any]], *, existing: Mapping[str, SupervisionItem],
                  seen: set[str], look: Lookups) -> list[tuple[dict[str, Any], list[FieldError]]]:
    """Check ledger rows (canonical header → raw value); per row its clean values and problems.

    ``existing`` holds the batch's items by code; ``seen`` the codes of earlier rows of the file
    (a code given twice is a problem on the later row)."""
    out = []
    for values in rows:
        code = str(values.get("编号") or "").strip()
        if isinstance(values.get("编号"), float) and float(values["编号"]).is_integer():
            code = str(int(values["编号"]))
        clean, problems = clean_item(plan, values, existing.get(code), look=look)
        if code and code in seen:
            problems.append(FieldError(f"编号 {code} 在表中重复", field="code", column="编号", value=code,
                                       message_en=f"the code {code} is given twice in this file"))
        seen.add(code)
        out.append((clean, problems))
    return out


def _values(item: Any, clean: Mapping[str, Any], plan: Plan, create_units: bool) -> None:
    for name, value in assigned_values(clean).items():
        if name == "lead_unit":
            if isinstance(value, str):
                value = ensure_unit(value, plan.unit) if create_units else None
            item.lead_unit_id = value.pk if value is not None else None
            continue
        setattr(item, name, value)
    if item.original_deadline is None:
        item.original_deadline = item.deadline
    derive(item)


def preview(item: SupervisionItem | None, clean: Mapping[str, Any], plan: Plan) -> dict[str, list[Any]]:
    """What a row would change (by field), computed on a copy; nothing is written."""
    draft = SupervisionItem(plan=plan) if item is None else SupervisionItem(**{
        f.attname: getattr(item, f.attname) for f in SupervisionItem._meta.concrete_fields})
    _values(draft, clean, plan, create_units=False)
    after = snapshot(draft)
    if isinstance(clean.get("lead_unit"), str):
        after["lead_unit_id"] = f"（新建）{clean['lead_unit']}"
    elif clean.get("lead_unit") is not None:
        after["lead_unit_id"] = clean["lead_unit"].name
    before = None
    if item is not None:
        before = {**snapshot(item), "lead_unit_id": item.lead_unit.name if item.lead_unit else None}
    return audit.diff(before, after)


@transaction.atomic
def apply_rows(plan: Plan, clean_rows: Iterable[Mapping[str, Any]], user: Any = None, *,
               create_units: bool = False, today: dt.date | None = None) -> dict[str, int]:
    """Write rows checked by :func:`validate_rows`: create or update each item by code; never
    deletes; fields a row does not carry stay as they are. The caller checked the manage right."""
    today = today or timezone.localdate()
    now = timezone.now()
    by = user.pk if getattr(user, "pk", None) else None
    actor = actor_name(user)[:100]
    rows = list(clean_rows)
    existing = {i.code: i for i in SupervisionItem.objects.filter(plan=plan, code__in={c["code"] for c in rows})}
    items: list[dict[str, Any]] = []
    events: list[tuple[Any, ...]] = []
    created = _create(plan, [c for c in rows if c["code"] not in existing], create_units, now, items)
    for pk, on, title in created:
        events.append((pk, ItemEvent.Kind.ASSIGNED, on or today, title[:200], "", actor, "", None, "", by, now))
    changed: dict[tuple[str, ...], list[SupervisionItem]] = defaultdict(list)
    for clean in (c for c in rows if c["code"] in existing):
        item = existing[clean["code"]]
        old = snapshot(item)
        old_status = item.status
        _values(item, clean, plan, create_units)
        changes = audit.diff(old, snapshot(item))
        if not changes:
            continue
        item.version += 1
        item.updated_at = now
        columns = tuple(sorted(set(changes) | {"node_due", "feedback_due", "version", "updated_at"}))
        changed[columns].append(item)
        items.append({"action": "update", "object_type": OBJECT, "object_id": item.pk, "label": str(item),
                      "plan_code": plan.code, "changes": changes})
        if item.status != old_status:
            events.append((item.pk, ItemEvent.Kind.IMPORTED, item.closed_on or today, f"{old_status} → {item.status}",
                           "", actor, "", None, "", by, now))
    for columns, group in changed.items():
        bulk.update_rows(SupervisionItem, columns, ([getattr(i, c) for c in columns] + [i.pk] for i in group))
    bulk.insert_rows(ItemEvent, EVENT_COLUMNS, events)
    if items:
        audit.record_many(items, actor_name(user))
        bump_revision(plan, aspect="supervision")
    updated = len(items) - len(created)
    return {"created": len(created), "updated": updated, "unchanged": len(rows) - len(items)}



def _create(plan: Plan, rows: list[Mapping[str, Any]], create_units: bool, now: Any,
            items: list[dict[str, Any]]) -> list[tuple[int, dt.date | None, str]]:
    if not rows:
        return []
    base = bulk.new_row(SupervisionItem, now)
    base["plan_id"] = plan.pk
    columns = list(base)
    made = []
    for clean in rows:
        # A plain namespace of the columns: a model instance per row costs more than the row's checks.
        item: Any = SimpleNamespace(**base)
        _values(item, clean, plan, create_units)
        made.append(item)
    last = SupervisionItem.objects.filter(plan=plan).aggregate(last=Max("pk"))["last"] or 0
    bulk.insert_rows(SupervisionItem, columns, ([getattr(item, c) for c in columns] for item in made))
    ids = dict(SupervisionItem.objects.filter(plan=plan, pk__gt=last).values_list("code", "pk"))
    out = []
    for item in made:
        pk = ids[item.code]
        items.append({"action": "create", "object_type": OBJECT, "object_id": pk, "label": f"{item.code} {item.title}",
                      "plan_code": plan.code, "changes": audit.created(snapshot(item), plain=False)})
        out.append((pk, item.assigned_on, item.title))
    return out
