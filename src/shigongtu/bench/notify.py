"""``shigongtu bench notify``: evaluating every notification rule for a province.

A province's plans at one date: a 20,000-node blueprint with six months of reports, 100,000 key
projects (12 months of investment, approvals lapsing around the date on a fifth of them) and
50,000 supervision items, each plan with one rule of every kind, and people on every unit.
Figures (targets: ≤ 10 s, ≤ 300 MB):

- ``evaluate_s`` / ``evaluate_cpu_s``: wall-clock and CPU seconds of one evaluation of every rule
  of every plan (events and their recipients; nothing written), the roll-up cache cleared first;
- ``tracemalloc_peak_mb``: Python's allocation peak during a second evaluation;
- ``child_peak_rss_mb``: a fresh process's peak resident memory for the same evaluation (the
  interpreter and Django included), next to its resident memory before it began;
- ``events`` and ``notices`` per kind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from shigongtu.bench import projects as project_bench
from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.notifications.evaluate import directory, evaluate_each, summary
from shigongtu.notifications.models import NotificationRule
from shigongtu.notifications.rules import kinds as K
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import clear_cache
from shigongtu.projects.models import ApprovalItem, Project
from shigongtu.supervision.models import SupervisionItem

AS_OF = dt.date(2023, 7, 3)
NODES = (10, 10, 200)  # 20,000 leaves under 110 parents
PROJECTS = 100_000
ITEMS = 50_000


def add_arguments(parser: Any) -> None:
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plans afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="evaluate the plans a previous `--keep` run left (BN-T/BN-P/BN-S) instead of building")


def _people(plan: Plan, tag: str) -> None:
    users = get_user_model().objects
    coord = users.create_user(username=f"{tag}-coord")
    Membership.objects.create(user=coord, unit=plan.unit, role="coordinator")
    for unit in OrgUnit.objects.filter(parent=plan.unit):
        clerk = users.create_user(username=f"{tag}-{unit.pk}")
        Membership.objects.create(user=clerk, unit=unit, role="reporter")


def _rules(plan: Plan) -> None:
    NotificationRule.objects.bulk_create([
        NotificationRule(plan=plan, kind=kind, days=3, escalate_after=7 if kind == K.SUPERVISION_OVERDUE else None,
                         roles=["reporter", "coordinator"], channels=[K.INBOX, K.WECOM]) for kind in K.KINDS])


def _items(plan: Plan, n: int, rng: random.Random) -> None:
    units = list(OrgUnit.objects.filter(parent=plan.unit))
    rows = []
    for i in range(n):
        assigned = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 170))
        deadline = assigned + dt.timedelta(days=rng.randint(5, 120))
        status = rng.choice(("已交办", "办理中", "办理中", "已办结", "已销号"))
        rows.append(SupervisionItem(plan=plan, code=f"S{i:06d}", title=f"督办事项{i}", lead_unit=rng.choice(units),
                                    leader=f"领导{i % 37}", assigned_on=assigned, deadline=deadline, status=status,
                                    closed_on=deadline if status == "已销号" else None))
    SupervisionItem.objects.bulk_create(rows, batch_size=5000)


def _approvals(plan: Plan, rng: random.Random) -> None:
    rows = [ApprovalItem(project_id=pid, kind="施工许可证", status="已取得",
                         valid_until=AS_OF + dt.timedelta(days=rng.randint(-20, 60)))
            for pid in Project.objects.filter(plan=plan, actual_start__isnull=True).values_list("pk", flat=True)[::2]]
    ApprovalItem.objects.bulk_create(rows, batch_size=5000)


def build(scale: float) -> list[Plan]:
    """The province's plans (blueprint, projects, supervision), rules on each, people on every unit."""
    rng = random.Random(18)
    stamp = time.strftime("%H%M%S")
    a, b, c = (int(x * scale) or 1 for x in NODES)
    tree = build_plan(f"BN-T{stamp}", (a, b, c), months=6)["plan"]
    projects = project_bench.build(f"BN-P{stamp}", max(1, int(PROJECTS * scale)))["plan"]
    with transaction.atomic():
        _approvals(projects, rng)
        items = build_plan(f"BN-S{stamp}", (2, 2), months=1)["plan"]
        _items(items, max(1, int(ITEMS * scale)), rng)
        for plan in (tree, projects, items):
            _people(plan, plan.code)
            _rules(plan)
    return [tree, projects, items]


def backend_cpu_s() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used (read from /proc when
    the server runs on this machine): with the process's own CPU time, a figure that a loaded
    machine does not inflate, unlike the wall clock."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kept() -> list[Plan]:
    """The newest kept trio of synthetic plans."""
    found = []
    for prefix in ("BN-T", "BN-P", "BN-S"):
        plan = Plan.objects.filter(code__startswith=prefix).order_by("-code").first()
        if plan is None:
            raise SystemExit("no kept synthetic plans: run `shigongtu bench notify --keep` first")
        found.append(plan)
    return found


def evaluate_all(codes: list[str]) -> dict[str, Any]:
    """One evaluation of every rule of the plans, from a cold roll-up cache."""
    clear_cache()
    people = directory()
    counts: dict[str, Any] = {}
    events = 0
    for plan in Plan.objects.filter(code__in=codes).select_related("unit"):
        for batch in evaluate_each(plan, AS_OF, people=people):  # as a run does: rule by rule
            events += len(batch)
            summary(batch, counts)
    return {"events": events, "notices": sum(r["notices"] for r in counts.values()), "by_kind": counts}


def _in_child(codes: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "shigongtu.bench.notify_child", json.dumps(codes)],  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-500:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def drop(plans: list[Plan]) -> None:
    for plan in plans:
        SupervisionItem.objects.filter(plan=plan).delete()
        NotificationRule.objects.filter(plan=plan).delete()
        Membership.objects.filter(unit__path__startswith=plan.unit.path).delete()
        get_user_model().objects.filter(username__startswith=f"{plan.code}-").delete()
        if Project.objects.filter(plan=plan).exists():
            ApprovalItem.objects.filter(project__plan=plan).delete()
            project_bench.drop(plan)
        else:
            unit = plan.unit
            drop_plan(plan)
            OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).delete()
            unit.delete()


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    started = time.perf_counter()
    plans = _kept() if options.get("reuse") else build(scale)
    built = time.perf_counter() - started
    codes = [p.code for p in plans]
    try:
        wall, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu_s()
        result = evaluate_all(codes)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db_after = backend_cpu_s()
        db_cpu = db_after - db_cpu if db_cpu is not None and db_after is not None else None
        tracemalloc.start()
        evaluate_all(codes)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        child = _in_child(codes)
    finally:
        if not options.get("keep") and not options.get("reuse"):
            drop(plans)
    return {"build_s": round(built, 1), "evaluate_s": round(wall, 3), "evaluate_cpu_s": round(cpu, 3),
            "database_cpu_s": round(db_cpu, 3) if db_cpu is not None else None, "target_s": 10,
            "tracemalloc_peak_mb": round(peak / 2**20, 1), "target_mb": 300,
            **{f"child_{k}": v for k, v in child.items()}, **result}
