"""Saving a unit's column mapping (列对照) from a preview: header as written → column or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shigongtu.audit import services as audit
from shigongtu.ledgers import kinds as registry
from shigongtu.ledgers.io import normalize_header
from shigongtu.ledgers.models import ColumnMapping
from shigongtu.lib.errors import FieldError, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name


@transaction.atomic
def save_mapping(plan: Plan, kind_name: str, columns: Mapping[str, str | None], user: Any = None,
                 name: str = "默认") -> ColumnMapping:
    """Save (or extend) the plan unit's mapping for a kind [列对照]: each header as the unit
    writes it → a column of the kind (canonical or alias), or "" / None to ignore it. Earlier
    entries of the same mapping not named here are kept."""
    kind = registry.get(kind_name)
    if kind is None:
        raise InputRejected(FieldError(f"未知的台账类型：{kind_name}", field="kind", value=kind_name))
    if user is not None and not Plan.objects.for_user(user, MANAGE).filter(pk=plan.pk).exists():
        raise NotAllowed("no manage right on the plan")
    problems, clean, shown = [], {}, {}
    for header, target in columns.items():
        key = normalize_header(header)
        if not key:
            continue
        if target:
            column = kind.spec.match(target)
            if column is None:
                problems.append(FieldError(f"「{target}」不是{kind.title_zh}的列", field="mapping", value=target,
                                           message_en=f"{target!r} is not a column of the {kind.name} ledger"))
                continue
            clean[key] = column.canonical
        else:
            clean[key] = ""
        shown[key] = header
    name = (name or "默认").strip()[:60]
    if problems:
        raise InputRejected(problems)
    mapping, created = ColumnMapping.objects.select_for_update().get_or_create(
        unit_id=plan.unit_id, kind=kind.name, name=name)
    old = dict(mapping.mapping)
    mapping.mapping = {**old, **clean}
    mapping.headers = {**mapping.headers, **shown}
    mapping.updated_by = user if getattr(user, "pk", None) else None
    mapping.save()
    audit.record("create" if created else "update", "column_mapping", mapping.pk,
                 {"mapping": [old or None, mapping.mapping]}, actor_name(user), label=f"{kind.name} · {name}",
                 plan_code=plan.code)
    return mapping
