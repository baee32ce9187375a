"""Roles (角色授权) that ``audit verify`` replays against the history.

Every grant and revocation goes through ``orgs.services`` (``grant_role`` / ``revoke_role``),
which records the person, the unit and the role. So each membership row must be the latest grant
the history has for it, and a grant the history has not seen revoked must still be there: a row
added, changed (another person, unit or role) or deleted directly in the database shows up here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shigongtu.audit.models import AuditEntry
from shigongtu.audit.replay import Figure, History, Mismatch, register
from shigongtu.orgs.models import Membership

FIGURE = "角色授权 role grant"


def _unit_names() -> dict[str, set[str]]:
    """Every name each unit has had in the history (a grant names the unit as it was then called)."""
    names: dict[str, set[str]] = {}
    rows = AuditEntry.objects.filter(object_type="orgunit").values_list("object_id", "changes")
    for unit_id, changes in rows.iterator(chunk_size=5000):
        pair = changes.get("name") if isinstance(changes, dict) else None
        if isinstance(pair, list) and len(pair) == 2:
            names.setdefault(unit_id, set()).update(str(n) for n in pair if n)
    return names


def _recorded(history: History, pk: Any) -> dict[str, Any] | None:
    fields = history.by_object.get(("membership", str(pk)))
    if not fields or "role" not in fields:
        return None
    return {name: value for name, (_seq, value) in fields.items()}


def _matches(row: tuple[Any, ...], recorded: dict[str, Any], names: dict[str, set[str]]) -> bool:
    _pk, username, unit_id, unit_name, role = row
    if recorded.get("role") != role or recorded.get("user") != username:
        return False
    if recorded.get("unit_id") is not None:
        return str(recorded["unit_id"]) == str(unit_id)
    return recorded.get("unit") == unit_name or recorded.get("unit") in names.get(str(unit_id), set())


def memberships(history: History) -> Iterator[Mismatch]:
    """Each role as stored against its latest grant; grants never revoked whose row is gone."""
    names = _unit_names()
    seen: set[str] = set()
    rows = Membership.objects.values_list("pk", "user__username", "unit_id", "unit__name", "role")
    for row in rows.iterator(chunk_size=5000):
        seen.add(str(row[0]))
        recorded = _recorded(history, row[0])
        stored = f"{row[1]} · {row[3]} · {row[4]}"
        if recorded is None or not _matches(row, recorded, names):
            shown = None if recorded is None or recorded.get("role") is None else \
                f"{recorded.get('user')} · {recorded.get('unit')} · {recorded.get('role')}"
            yield Mismatch(FIGURE, f"#{row[0]} {stored}", stored, shown)
    for (object_type, object_id), fields in history.by_object.items():
        if object_type != "membership" or object_id in seen or fields.get("role", (0, None))[1] is None:
            continue
        granted = f"{fields['user'][1]} · {fields['unit'][1]} · {fields['role'][1]}" if "user" in fields else "?"
        yield Mismatch(FIGURE, f"#{object_id} {granted}", None, granted)


def register_figures() -> None:
    """Called from ``OrgsConfig.ready()``."""
    register(Figure(FIGURE, memberships))
