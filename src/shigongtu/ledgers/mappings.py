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
    _check_manage(plan, user)
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


def _check_manage(plan: Plan, user: Any) -> None:
    if user is not None and not Plan.objects.for_user(user, MANAGE).filter(pk=plan.pk).exists():
        raise NotAllowed("no manage right on the plan")


def find_mapping(plan: Plan, kind_name: str, name: str) -> ColumnMapping | None:
    """The plan unit's mapping of a kind called ``name``, or None."""
    return ColumnMapping.objects.filter(unit_id=plan.unit_id, kind=kind_name, name=name).first()


@transaction.atomic
def rename_mapping(plan: Plan, mapping: ColumnMapping, new_name: str, user: Any = None) -> ColumnMapping:
    """Give a saved mapping [列对照] another name; the unit's uploads that ask for it by name
    (``--mapping``) then use the new one. The name must be free for the unit and kind."""
    _check_manage(plan, user)
    name = (new_name or "").strip()
    if not name or len(name) > 60:
        raise InputRejected(FieldError("列对照名称不能为空，最长60个字符", field="name", value=new_name,
                                       message_en="a mapping name is required, at most 60 characters"))
    mapping = ColumnMapping.objects.select_for_update().get(pk=mapping.pk)
    if name == mapping.name:
        return mapping
    if ColumnMapping.objects.filter(unit_id=mapping.unit_id, kind=mapping.kind, name=name).exists():
        raise InputRejected(FieldError(f"已有名为「{name}」的列对照", field="name", value=name,
                                       message_en=f"a column mapping called {name!r} already exists"))
    old = mapping.name
    mapping.name = name
    mapping.updated_by = user if getattr(user, "pk", None) else None
    mapping.save()
    audit.record("update", "column_mapping", mapping.pk, {"name": [old, name]}, actor_name(user),
                 label=f"{mapping.kind} · {name}", plan_code=plan.code)
    return mapping


@transaction.atomic
def delete_mapping(plan: Plan, mapping: ColumnMapping, user: Any = None) -> None:
    """Forget a saved mapping [列对照]: the unit's next upload reads the sheet by its headers
    alone (or by another saved mapping). The history keeps what it said."""
    _check_manage(plan, user)
    mapping = ColumnMapping.objects.select_for_update().get(pk=mapping.pk)
    audit.record("delete", "column_mapping", mapping.pk, {"mapping": [mapping.mapping, None]}, actor_name(user),
                 label=f"{mapping.kind} · {mapping.name}", plan_code=plan.code)
    mapping.delete()
