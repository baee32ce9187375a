"""The cards that read only the project library, kept by the read model (项目侧卡片).

The project panel (with its bonds), the investment curve and the map's projects depend on the
projects, their investment, approvals and bonds, and on the plan's indicator definitions
(targets) — not on the blueprint's reports. So they are a :class:`~shigongtu.plans.readmodel.Memo`
per (as-of, unit): a filed report or a node's progress leaves them as they are, and only a
change of the project library (or of anything else the journal cannot narrow) builds them again.
The unit picker's project units are kept the same way.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from shigongtu.dashboard.cards import bonds, investment, map, projects
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo

CARDS = (projects.build, bonds.build, investment.build, map.build)


def _project_side(changes: Changes) -> bool:
    return changes.project_side


def _cards(plan: Plan, key: Hashable, ctx: CardContext) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for card in CARDS:
        fields.update(card(ctx))
    return fields


PICTURES: Memo[dict[str, Any]] = Memo("dashboard.project_side", _cards, depends=_project_side)
UNITS: Memo[list[int | None]] = Memo("dashboard.project_units", lambda plan, key: projects.project_unit_ids(plan),
                                     depends=_project_side)


def build(ctx: CardContext) -> dict[str, Any]:
    """The project-side cards' fields for the context's plan, as-of and unit, and each front's
    project counts."""
    fields = PICTURES.get(ctx.plan, (ctx.as_of, ctx.path), ctx)
    ctx.panel = fields.get("projects")
    projects.fill_fronts(ctx, ctx.panel)
    return fields


def project_unit_ids(plan: Plan) -> list[int | None]:
    """The lead units of the plan's projects (for the unit picker), kept by the read model."""
    return UNITS.get(plan)
