"""The light strip and the fronts (战线): the lights of the nodes in scope, and each front's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.context import CardContext
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.plans.rules.lights import CANCELLED, RED, YELLOW
from shigongtu.plans.selectors import Rollup, live_leaves_under


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


@dataclass
class _Tally:
    """The fronts card kept by the read model: each counted node's light, and the counts they make."""

    rollup: Rollup
    revision: int
    lights: dict[int, str]                 # node in scope → its light
    front: dict[int, int]                  # node in scope below a front → the front
    tasks: set[int]                        # the live leaves counted as 末级任务
    counts: Counter[str]
    by_front: dict[int, list[int]]         # front → [nodes below it, red, yellow]
    task_lights: Counter[str]
    in_scope_fronts: set[int]


def _fronts_of(rollup: Rollup) -> dict[str, int]:
    return rollup.fronts


def _tally(plan: Plan, key: Hashable, ctx: CardContext) -> _Tally:
    rollup, scope = ctx.rollup, ctx.scope
    metas, results = rollup.meta, rollup.results
    front_of = _fronts_of(rollup)
    t = _Tally(rollup, rollup.revision, {}, {}, set(), Counter(), {f: [0, 0, 0] for f in front_of.values()},
               Counter(), set())
    whole = scope.ids is None
    for node_id in rollup.order:
        meta, res = metas[node_id], results[node_id]
        if not whole and not scope.has(meta.lead_unit_id):
            continue
        t.lights[node_id] = res.light
        t.counts[res.light] += 1
        front_id = front_of.get(meta.code.split(".", 1)[0])
        if front_id is None:
            continue
        t.in_scope_fronts.add(front_id)
        if res.depth > 0:
            t.front[node_id] = front_id
            _add(t.by_front[front_id], res.light, 1)
    for front in rollup.children().get(None, []):
        if results[front].light != CANCELLED:
            t.tasks.update(leaf for leaf in live_leaves_under(rollup, front) if whole or ctx.in_scope(leaf))
    t.task_lights.update(results[leaf].light for leaf in t.tasks)
    return t


def _add(row: list[int], light: str, sign: int) -> None:
    row[0] += sign
    row[1] += sign * (light == RED)
    row[2] += sign * (light == YELLOW)


def _bring_tally(plan: Plan, key: Hashable, value: _Tally, changes: Changes, ctx: CardContext) -> _Tally | None:
    rollup = ctx.rollup
    changed = rollup.changed_since(value.revision) if rollup is value.rollup else None
    if changed is None:
        return None
    results = rollup.results
    for node_id in changed:
        old = value.lights.get(node_id)
        new = results[node_id].light
        if old is None or old == new:
            continue
        value.lights[node_id] = new
        value.counts[old] -= 1
        value.counts[new] += 1
        if node_id in value.front:
            row = value.by_front[value.front[node_id]]
            _add(row, old, -1)
            _add(row, new, 1)
        if node_id in value.tasks:
            value.task_lights[old] -= 1
            value.task_lights[new] += 1
    value.revision = rollup.revision
    return value


TALLIES: Memo[_Tally] = Memo("dashboard.fronts", _tally, patch=_bring_tally)


def build(ctx: CardContext) -> dict[str, Any]:
    """Every node in scope by light, the live leaves (末级任务) in scope by light, and the fronts."""
    t = TALLIES.get(ctx.plan, (ctx.as_of, ctx.scope.ids), ctx)
    rollup, names = ctx.rollup, ctx.names
    for code, node_id in _fronts_of(rollup).items():
        meta, res = rollup.meta[node_id], rollup.results[node_id]
        tasks, red, yellow = t.by_front[node_id]
        ctx.fronts[node_id] = FrontRow(node_id, meta.code, meta.title, names.get(meta.lead_unit_id or 0, ""),
                                       meta.leader, res.progress, res.expected, res.light, tasks, red, yellow)
        ctx.front_of[code] = node_id
    rows = [row for fid, row in ctx.fronts.items() if ctx.scope.ids is None or fid in t.in_scope_fronts]
    return {"counts": {k: n for k, n in t.counts.items() if n}, "total_nodes": len(t.lights), "fronts": rows,
            "task_lights": {k: n for k, n in t.task_lights.items() if n}}
