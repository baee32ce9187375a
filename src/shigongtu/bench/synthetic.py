"""Synthetic plans for benchmarks: a province-sized tree with a year of reports."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from shigongtu.bench.util import settle
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Node, Plan, Report, code_sort_key


def build_plan(code: str, branching: tuple[int, ...] = (10, 10, 10, 20), months: int = 12, year: int = 2023,
               seed: int = 7) -> dict[str, Any]:
    """A plan with ``prod(branching)`` leaves at depth ``len(branching)``, ``months`` reports per leaf."""
    rng = random.Random(seed)
    with transaction.atomic():
        zone = services.ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
        depts = [services.ensure_unit(f"部门{i:02d}", zone) for i in range(40)]
        plan = Plan.objects.create(code=code, name=f"{code} 合成施工图", unit=zone, year=year,
                                   status=Plan.Status.PUBLISHED)
        level: list[Node] = []
        total = 0
        parents: list[Node | None] = [None]
        for depth, fanout in enumerate(branching):
            level = []
            for parent in parents:
                for i in range(1, fanout + 1):
                    code_ = f"{parent.code}.{i}" if parent else str(i)
                    start = dt.date(year, rng.randint(1, 6), 1) if depth == len(branching) - 1 else None
                    due = dt.date(year, rng.randint(7, 12), 28) if start else None
                    level.append(Node(plan=plan, code=code_, sort_key=code_sort_key(code_), depth=depth,
                                      parent=parent, title=f"任务 {code_}", lead_unit=rng.choice(depts),
                                      weight=Decimal(rng.choice((1, 1, 1, 2, 3))), start=start, due=due,
                                      cancelled=rng.random() < 0.01))
            Node.objects.bulk_create(level, batch_size=2000)
            total += len(level)
            parents = list(level)
        leaves = level
        seq = 0
        batch: list[Report] = []
        for node in leaves:
            progress = 0.0
            pace = rng.uniform(4, 11)
            for month in range(1, months + 1):
                progress = min(100.0, progress + rng.uniform(0, 2 * pace))
                seq += 1
                batch.append(Report(node=node, period=f"{year}-{month:02d}", status=Report.Status.SUBMITTED,
                                    progress=Decimal(f"{progress:.1f}"), submitted_seq=seq))
                if len(batch) >= 20000:
                    Report.objects.bulk_create(batch, batch_size=5000)
                    batch = []
        Report.objects.bulk_create(batch, batch_size=5000)
        for i, front in enumerate(Node.objects.filter(plan=plan, depth=0)[:5]):
            Indicator.objects.create(plan=plan, node=front, name=f"指标{i}", unit="亿元", kind="flow",
                                     target=Decimal(100), headline=True)
    settle(Node, Report)
    return {"plan": plan, "nodes": total, "leaves": len(leaves), "reports": seq}


def drop_plan(plan: Plan) -> None:
    with transaction.atomic():
        Report.objects.filter(node__plan=plan).delete()
        Node.objects.filter(plan=plan).update(parent=None)
        plan.delete()


def open_leaves(plan: Plan, limit: int = 5000) -> list[int]:
    """Leaves that take reports: neither cancelled nor under a cancelled node."""
    from shigongtu.plans.rules.lights import CANCELLED
    from shigongtu.plans.selectors import get_rollup

    rollup = get_rollup(plan, plan.end_date)
    return [i for i in rollup.order if rollup.results[i].is_leaf and rollup.results[i].light != CANCELLED][:limit]
