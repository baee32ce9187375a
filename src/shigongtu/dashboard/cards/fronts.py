"""The light strip and the fronts (战线): the lights of the nodes in scope, and each front's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.selectors import task_light_counts


@dataclass
class FrontRow:
    """A work front (战线, a top-level node) with its roll-up and the lights below it."""

    id: int
    code: str
    title: str
    lead_unit: str
    leader: str
    progress: float
    expected: float
    light: str
    tasks: int = 0
    red: int = 0
    yellow: int = 0
    projects: int = 0
    projects_red: int = 0
    projects_yellow: int = 0

    @property
    def short(self) -> str:
        """The front's name without its slogan: 项目建设战线 for 项目建设战线：坚持项目立区…"""
        head = self.title.replace(":", "：").split("：", 1)[0].strip()
        return head or self.title


def build(ctx: CardContext) -> dict[str, Any]:
    """Every node in scope by light, the live leaves (末级任务) in scope by light, and the fronts."""
    rollup, scope, names = ctx.rollup, ctx.scope, ctx.names
    counts: dict[str, int] = defaultdict(int)
    metas, results = rollup.meta, rollup.results
    for node_id in rollup.order:
        meta, res = metas[node_id], results[node_id]
        if res.depth == 0:
            ctx.fronts[node_id] = FrontRow(node_id, meta.code, meta.title, names.get(meta.lead_unit_id or 0, ""),
                                           meta.leader, res.progress, res.expected, res.light)
            ctx.front_of[meta.code] = node_id
    in_scope_fronts: set[int] = set()
    total = 0
    whole = scope.ids is None
    for node_id in rollup.order:
        meta, res = metas[node_id], results[node_id]
        if not whole and not scope.has(meta.lead_unit_id):
            continue
        total += 1
        counts[res.light] += 1
        front_id = ctx.front_of.get(meta.code.split(".", 1)[0])
        if front_id is None:
            continue
        in_scope_fronts.add(front_id)
        if res.depth > 0:
            row = ctx.fronts[front_id]
            row.tasks += 1
            row.red += res.light == RED
            row.yellow += res.light == YELLOW
    rows = [row for fid, row in ctx.fronts.items() if scope.ids is None or fid in in_scope_fronts]
    tasks = task_light_counts(rollup, ctx.in_scope if scope.ids is not None else None)
    return {"counts": dict(counts), "total_nodes": total, "fronts": rows, "task_lights": tasks}
