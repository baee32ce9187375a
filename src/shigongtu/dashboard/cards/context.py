"""What every dashboard card reads: the plan's month figures, the unit scope and last month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shigongtu.dashboard.scope import UnitScope
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import MonthFigures, Rollup

if TYPE_CHECKING:  # the card modules import this one
    from shigongtu.dashboard.cards.fronts import FrontRow
    from shigongtu.dashboard.cards.project_tally import Tally as ProjectTally
    from shigongtu.dashboard.cards.projects import ProjectPanel


@dataclass
class CardContext:
    """One plan at one as-of date for one org unit, as the cards share it."""

    plan: Plan
    as_of: dt.date
    month: int                      # the last complete month (contract §2's m)
    figures: MonthFigures           # the plans' read model: roll-up, indicators, warnings
    scope: UnitScope
    names: dict[int, str]           # lead unit id → name
    prev_as_of: dt.date | None
    prev_rollup: Rollup | None
    fronts: dict[int, FrontRow] = field(default_factory=dict)   # filled by the fronts card
    front_of: dict[str, int] = field(default_factory=dict)      # front code → node id
    panel: ProjectPanel | None = None                           # filled by the projects card
    tally: ProjectTally | None = None                           # … with the projects' tally it read
    lit: dict[str, set[int]] | None = None                      # … and the project lights it read
    # when the read model brings the project cards forward over a few projects' investment: the
    # front counts before, the lights they were taken from and the projects that changed
    front_counts: tuple[dict[str, list[int]], dict[str, set[int]], set[int]] | None = None

    @property
    def rollup(self) -> Rollup:
        return self.figures.rollup

    @property
    def path(self) -> str | None:
        """The chosen unit's path, None for the whole plan."""
        return self.scope.path if self.scope.ids is not None else None

    def in_scope(self, node_id: int) -> bool:
        meta = self.rollup.meta.get(node_id)
        return self.scope.has(meta.lead_unit_id if meta else None)
