"""Every ledger kind, listed once and in the order the pages show them.

A kind is an adapter over its domain's ``fields``, ``services`` and ``bulk`` modules; a new
record type adds its kind module here and to ``ALL``. Nothing registers itself.
"""

from __future__ import annotations

from shigongtu.ledgers.kinds import (
    approvals,
    bonds,
    enterprises,
    leads,
    nodes,
    projects,
    reports,
    statistics,
    supervision,
)
from shigongtu.ledgers.kinds.base import LedgerKind

ALL: tuple[LedgerKind, ...] = (
    nodes.KIND,
    reports.KIND,
    projects.PROJECTS,
    projects.INVESTMENT,
    approvals.KIND,
    bonds.KIND,
    enterprises.KIND,
    leads.KIND,
    supervision.KIND,
    statistics.KIND,
)



def get(name: str) -> LedgerKind | None:
    """The kind called ``name`` (``nodes``, ``projects`` …), or None."""
    return load_all().get(name)


def load_all() -> dict[str, LedgerKind]:
    """Every kind by name, in the order of ``ALL`` (read at each call: ``ALL`` is the one list)."""
    return {kind.name: kind for kind in ALL}
