"""The dashboard's org-unit scope: the unit picker and the units below the chosen one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import Rollup


def unit_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the given org units (blank ids skipped)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(OrgUnit.objects.filter(pk__in=wanted).values_list("id", "name"))


@dataclass
class UnitChoice:
    """A unit of the picker: the plan's own unit at depth 0, the units below it indented."""

    id: int
    name: str
    depth: int
    leads: bool  # leads nodes or projects itself (not only through units below it)

    @property
    def label(self) -> str:
        """The name indented by its depth below the plan's unit (for a <select>)."""
        return "\u3000" * max(self.depth - 1, 0) + self.name


@dataclass
class UnitScope:
    """The chosen unit and every unit below it; ``ids`` None means the whole plan (no filter)."""

    unit_id: int
    name: str
    path: str
    ids: frozenset[int] | None
    exact: bool  # the unit has no unit below it among the lead units: tree filters can use ?unit=

    def has(self, unit_id: int | None) -> bool:
        return self.ids is None or (unit_id is not None and unit_id in self.ids)


def _path_key(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in path.strip("/").split("/") if p)


def unit_scope(plan: Plan, rollup: Rollup, unit_id: int | None,
               project_units: Iterable[int | None] = ()) -> tuple[UnitScope, list[UnitChoice]]:
    """The picker's units (the plan's unit and the units below it that lead something) and the scope
    of ``unit_id`` (the plan's unit when it is not one of them)."""
    lead_ids = set(rollup.lead_units)
    lead_ids.update(u for u in project_units if u)
    root = plan.unit
    rows = list(OrgUnit.objects.filter(path__startswith=root.path).values_list("id", "name", "path"))
    by_id = {uid: (name, path) for uid, name, path in rows}
    keep: set[int] = {root.pk}
    for uid in lead_ids:
        if uid in by_id:
            for ancestor in _path_key(by_id[uid][1]):
                if ancestor in by_id:
                    keep.add(ancestor)
    base = root.path.count("/")
    choices = [
        UnitChoice(uid, by_id[uid][0], by_id[uid][1].count("/") - base, uid in lead_ids)
        for uid in sorted(keep, key=lambda u: _path_key(by_id[u][1]))
    ]
    if unit_id is None or unit_id == root.pk or unit_id not in keep:
        return UnitScope(root.pk, root.name, root.path, None, False), choices
    name, path = by_id[unit_id]
    ids = frozenset(uid for uid, (_, p) in by_id.items() if p.startswith(path))
    exact = not any(u != unit_id and u in ids for u in lead_ids)
    return UnitScope(unit_id, name, path, ids, exact), choices
