"""The cards that read only the project library, kept by the read model (项目侧卡片).

The project panel (with its bonds), the investment curve and the map's projects depend on the
projects, their investment, approvals and bonds, and on the plan's indicator definitions
(targets) — not on the blueprint's reports. So they are a :class:`~shigongtu.plans.readmodel.Memo`
per (as-of, unit): a filed report or a node's progress leaves them as they are, investment
reports alone build all but the bonds again, and any other change of the project library (or of
anything else the journal cannot narrow) builds them all again. The unit picker's project units
are kept the same way (investment reports leave them).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from shigongtu.dashboard.cards import bonds, investment, map, projects
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import INVESTMENT, Changes, Memo

CARDS = (projects.build, bonds.build, investment.build, map.build)


def _project_side(changes: Changes) -> bool:
    """Whether the changes reach the projects' own data (investment reports alone do not move
    the lead units of the unit picker)."""
    return changes.project_side and not changes.only_projects(INVESTMENT)


LIT = "_lit"  # in the memo only: the project lights the panel's front counts were taken from


def _cards(plan: Plan, key: Hashable, ctx: CardContext) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for card in CARDS:
        fields.update(card(ctx))
    fields[LIT] = ctx.lit
    return fields


def _bring(plan: Plan, key: Hashable, value: dict[str, Any], changes: Changes,
           ctx: CardContext) -> dict[str, Any] | None:
    """Keep the cards over the blueprint's changes; over investment reports alone build again all
    but the bonds (their money does not move), which the new panel takes from the old."""
    if not changes.project_side:
        return value
    if not changes.only_projects(INVESTMENT):
        return None
    old = value.get("projects")
    if old is not None and value.get(LIT) is not None and not changes.any_project:
        ctx.front_counts = (old.by_front, value[LIT], changes.projects)
    fields: dict[str, Any] = {}
    for card in CARDS:
        if card is not bonds.build:
            fields.update(card(ctx))
    ctx.front_counts = None
    new = fields.get("projects")
    if (old is None) != (new is None):
        return None
    if new is not None and old is not None:
        new.bonds = old.bonds
    fields[LIT] = ctx.lit
    return fields


PICTURES: Memo[dict[str, Any]] = Memo("dashboard.project_side", _cards, patch=_bring)
UNITS: Memo[list[int | None]] = Memo("dashboard.project_units", lambda plan, key: projects.project_unit_ids(plan),
                                     depends=_project_side)


def build(ctx: CardContext) -> dict[str, Any]:
    """The project-side cards' fields for the context's plan, as-of and unit, and each front's
    project counts."""
    fields = PICTURES.get(ctx.plan, (ctx.as_of, ctx.path), ctx)
    ctx.panel = fields.get("projects")
    projects.fill_fronts(ctx, ctx.panel)
    return {name: value for name, value in fields.items() if name != LIT}


def project_unit_ids(plan: Plan) -> list[int | None]:
    """The lead units of the plan's projects (for the unit picker), kept by the read model."""
    return UNITS.get(plan)
