"""Every ledger kind imports in time linear in its rows: no row scans the rest of the batch.

Timing on a shared machine proves nothing, so the work is counted instead: the lines of the
project's own code run (a per-row search of the batch written in Python shows up there) and
the queries sent, for files of N, 2N and 4N rows. Linear work doubles as the file doubles;
work that is quadratic more than doubles (the second step grows by at least 2.5× the first
at these sizes, where one row's own work is a few hundred lines). Queries grow by batches.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shigongtu.bench import ledger_kinds as bench_kinds
from shigongtu.bench.imports import investment_file, project_rows
from shigongtu.bench.office_sheet import county_projects_file
from shigongtu.ledgers import kinds
from shigongtu.ledgers.engine import import_ledger
from shigongtu.ledgers.io import write_ledger
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Plan

SOURCE = str(Path(__import__("shigongtu").__file__).parent)
SIZES = (100, 200, 400)
LINEAR = 2.2  # the second doubling's growth over the first's; 2.0 for linear work
BATCHED = 10  # at most one more query for every ten more rows


def counted(work: Callable[[], Any]) -> tuple[Any, int, int]:
    """What ``work`` returns, the lines of shigongtu code it ran and the queries it sent."""
    lines = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(SOURCE) else None

    before = sys.gettrace()
    with CaptureQueriesContext(connection) as queries:
        sys.settrace(calls)
        try:
            out = work()
        finally:
            sys.settrace(before)
    return out, lines, len(queries)


def _plan(n: int) -> Plan:
    zone = services.ensure_unit(f"线性{n}区", None, OrgUnit.Kind.DISTRICT)
    for i in range(20):
        services.ensure_unit(f"部门{i:02d}", zone)
    return Plan.objects.create(code=f"LIN-{n}", name=f"线性导入{n}", unit=zone, year=2023)


def _import(plan: Plan, kind: str, data: bytes) -> Any:
    result = import_ledger(data, "台账.xlsx", kind, plan, None, keep_record=False)
    assert result.ok, [(e.row, e.column, e.message) for e in result.errors[:3]]
    return result


def _ledger(kind: str, rows: list[dict[str, Any]]) -> bytes:
    return write_ledger(kinds.get(kind).spec, rows, title="线性测试")


def _projects(plan: Plan, n: int) -> list[str]:
    _import(plan, "projects", _ledger("projects", project_rows(n, random.Random(n))))
    return [f"B{i:06d}" for i in range(n)]


def _nodes(plan: Plan, n: int) -> None:
    _import(plan, "nodes", _ledger("nodes", bench_kinds.node_rows(n, random.Random(n))))


# kind → (the ledger kind imported, a function of (plan, N) that imports what the file needs and
# returns the file of about N rows)
FILES: dict[str, tuple[str, Callable[[Plan, int], bytes]]] = {
    "nodes": ("nodes", lambda plan, n: _ledger("nodes", bench_kinds.node_rows(n, random.Random(n)))),
    "reports": ("reports", lambda plan, n: (_nodes(plan, n),
                                             _ledger("reports", bench_kinds.report_rows(n, random.Random(n))))[1]),
    "statistics": ("statistics", lambda plan, n: (_nodes(plan, n), _ledger(
        "statistics", bench_kinds.statistic_rows(n, n, random.Random(n))))[1]),
    "projects": ("projects", lambda plan, n: _ledger("projects", project_rows(n, random.Random(n)))),
    "projects as a county sheet": ("projects", lambda plan, n: county_projects_file(project_rows(n, random.Random(n)))),
    "investment": ("investment", lambda plan, n: investment_file(_projects(plan, n // 4), 4, random.Random(n))),
    "approvals": ("approvals", lambda plan, n: _ledger(
        "approvals", bench_kinds.approval_rows(_projects(plan, n // 5), n, random.Random(n)))),
    "bonds": ("bonds", lambda plan, n: _ledger("bonds", bench_kinds.bond_rows(_projects(plan, n), random.Random(n)))),
}


@pytest.mark.django_db
@pytest.mark.parametrize("again", [False, True], ids=["new rows", "the same file again"])
@pytest.mark.parametrize("name", FILES)
def test_an_import_does_work_linear_in_its_rows(name, again):
    """Again: every row is matched against what the first import recorded."""
    kind, build = FILES[name]
    lines, queries, rows = [], [], []
    for n in SIZES:
        plan = _plan(n)
        data = build(plan, n)
        if again:
            _import(plan, kind, data)
        result, ran, sent = counted(lambda plan=plan, data=data: _import(plan, kind, data))
        assert (result.unchanged if again else result.created + result.updated) >= n * 0.9
        lines.append(ran)
        queries.append(sent)
        rows.append(result.created + result.updated + result.unchanged)
    first, second = lines[1] - lines[0], lines[2] - lines[1]
    assert second <= LINEAR * first, f"{name}: lines {lines} grow faster than the rows {rows}"
    # rows are written in batches: a query per row (or worse) would add hundreds
    assert queries[2] - queries[0] <= (rows[2] - rows[0]) / BATCHED, f"{name}: queries {queries} for rows {rows}"
