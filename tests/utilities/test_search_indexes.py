"""On PostgreSQL the list pages and endpoints read the big tables through indexes, never a whole table.

Each list is requested as its users do (filters, text search, a node's subtree, a unit, a light,
a period) over a province-like database: many plans, each with its share of projects, investment
reports, node reports, supervision items, leads and enterprises. Every query the request issued is
then run again under ``EXPLAIN``; none may read a big table sequentially. Skipped on SQLite.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shigongtu.attraction.models import Lead
from shigongtu.enterprises.models import Enterprise
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan, Report, code_sort_key
from shigongtu.plans.services import ensure_unit
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.supervision.models import SupervisionItem
from shigongtu.utilities.search_indexes import prefix, trigram, upper_trigram

BIG_TABLES = ("projects_project", "projects_investmentreport", "projects_project_nodes", "plans_report",
              "supervision_supervisionitem", "attraction_lead", "enterprises_enterprise")
# The plan under test holds most rows (as in `bench projects`: a filter on the plan alone selects most of a
# table, so only an index on the searched text avoids reading it all); the other zones are small.
PLANS, PROJECTS, ITEMS, LEADS, ENTERPRISES = 9, 2000, 1000, 800, 1000
COPIES = 20  # the plan under test's rows are then copied in SQL, to a province's size in seconds
SMALL = 16  # the other zones hold 1/SMALL of the plan under test
WORDS = ("数字经济", "智能制造", "生命健康", "影视文旅", "汽车零部件", "现代物流", "城市更新", "新材料", "光电信息")
NOW = dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)
PLAN = "JY-T"

# Each list as its users ask for it, and the indexes its text search must read.
LISTS = (
    (f"/plans/{PLAN}/projects/?q=智能制造", ("project_name_trgm",)),
    (f"/plans/{PLAN}/projects/?q=B000123", ("project_code_trgm",)),
    (f"/plans/{PLAN}/projects/?node=3&sort=-total_investment", ()),
    (f"/plans/{PLAN}/projects/?lead_unit={{unit}}&stage=在建", ()),
    (f"/plans/{PLAN}/projects/?light=red&sort=-ytd_investment", ()),
    (f"/api/v1/plans/{PLAN}/projects?q=建设单位12&page=2", ("project_owner_trgm",)),
    (f"/api/v1/plans/{PLAN}/projects?node=3.1", ()),
    (f"/api/v1/plans/{PLAN}/projects/B000007/reports", ()),
    (f"/api/v1/plans/{PLAN}/reports?period=2023-05", ()),
    (f"/api/v1/plans/{PLAN}/nodes", ()),
    (f"/plans/{PLAN}/supervision/?q=生命健康", ("supervision_title_trgm",)),
    (f"/api/v1/plans/{PLAN}/supervision?q=S00012", ("supervision_code_trgm",)),
    (f"/plans/{PLAN}/leads/list/?q=现代物流", ("lead_name_trgm",)),
    (f"/api/v1/plans/{PLAN}/leads?q=L00021", ("lead_code_trgm",)),
    (f"/plans/{PLAN}/enterprises/?q=影视文旅", ("enterprise_name_trgm",)),
    (f"/api/v1/plans/{PLAN}/enterprises?q=91220101", ("enterprise_code_prefix",)),
)


def _units(zone: OrgUnit) -> list[OrgUnit]:
    return [ensure_unit(f"{zone.name}部门{i}", zone) for i in range(4)]


def _plan_rows(plan: Plan, units: list[OrgUnit], rng: random.Random, n: int, share: int = 1) -> None:
    fronts = Node.objects.bulk_create([Node(plan=plan, code=str(f), sort_key=code_sort_key(str(f)), title=f"战线{f}")
                                       for f in range(3, 8)])
    tasks = Node.objects.bulk_create([Node(plan=plan, code=f"{f.code}.{t}", sort_key=code_sort_key(f"{f.code}.{t}"),
                                           depth=1, parent=f, title=f"{rng.choice(WORDS)}任务{t}")
                                      for f in fronts for t in range(1, 9)])
    Report.objects.bulk_create([Report(node=t, period=f"2023-{m:02d}", status="approved", progress=Decimal(10 * m))
                                for t in tasks for m in range(1, 7)])
    projects = Project.objects.bulk_create([Project(
        plan=plan, code=f"B{n + i:06d}", name=f"{rng.choice(WORDS)}项目{n + i}", owner=f"建设单位{(n + i) % 997}",
        industry=rng.choice(WORDS), stage=rng.choice(("在建", "前期", "谋划")), lead_unit=rng.choice(units),
        total_investment=Decimal(rng.randint(100, 90000)), annual_plan=Decimal(rng.randint(50, 9000)),
        planned_start=dt.date(2023, rng.randint(1, 12), 1)) for i in range(PROJECTS // share)])
    Project.nodes.through.objects.bulk_create([Project.nodes.through(project_id=p.pk, node_id=rng.choice(tasks).pk)
                                               for p in projects])
    InvestmentReport.objects.bulk_create([InvestmentReport(plan=plan, project=p, period=f"2023-{m:02d}",
                                                           amount=Decimal(rng.randint(1, 500)), status="accepted")
                                          for p in projects for m in range(1, 5)])
    SupervisionItem.objects.bulk_create([SupervisionItem(plan=plan, code=f"S{n + i:06d}",
                                                         title=f"{rng.choice(WORDS)}整改事项{n + i}",
                                                         lead_unit=rng.choice(units)) for i in range(ITEMS // share)])
    Lead.objects.bulk_create([Lead(plan=plan, code=f"L{n + i:06d}", name=f"{rng.choice(WORDS)}签约项目{n + i}",
                                   investor=f"投资方{n + i}") for i in range(LEADS // share)])
    Enterprise.objects.bulk_create([Enterprise(unit=rng.choice(units), credit_code=f"91220{n + i:013d}",
                                               name=f"{rng.choice(WORDS)}有限公司{n + i}") for i in range(ENTERPRISES // share)])


@pytest.fixture
def province(cast: Any) -> dict[str, Any]:
    """The cast's plan, large, among smaller zones' plans; statistics as autovacuum would leave them."""
    rng = random.Random(19)
    units = _units(cast.zone)
    _plan_rows(cast.plan, units, rng, 0)
    _grown(cast.plan, [u.pk for u in units])
    city = cast.city
    for number in range(1, PLANS):
        zone = ensure_unit(f"开发区{number:02d}", city, OrgUnit.Kind.DISTRICT)
        plan = Plan.objects.create(code=f"ZONE-{number:02d}", name=f"施工图{number}", unit=zone, year=2023)
        _plan_rows(plan, _units(zone), rng, number * 10_000, share=SMALL)
    with connection.cursor() as cursor:
        for table in (*BIG_TABLES, "plans_node"):
            cursor.execute(f'ANALYZE "{table}"')
        # What (auto)vacuum does after a bulk load: move the GIN indexes' pending entries into the index.
        cursor.execute("SELECT gin_clean_pending_list(c.oid) FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
                       "WHERE am.amname = 'gin' AND c.relname LIKE '%%trgm'")
    return {"unit": cast.dept.pk}


def planned(sql: str) -> str:
    """The plan of ``sql`` with sequential reads priced out, so one shows only where no index can answer.

    Where a filter keeps a large share of a plan's rows, reading the table straight through can be
    the cheaper plan and PostgreSQL rightly takes it; what must never happen is a list whose query
    has no index to take at all (the table grows with every zone, the plan's share does not).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


def _copies(model: Any, where: str, changed: dict[str, str]) -> None:
    """``COPIES`` more of the rows ``where`` selects, with the ``changed`` columns made unique."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [changed.get(c, f'"{c}"') for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    sql = (f'INSERT INTO "{table}" ({names}) '  # noqa: S608 (the test's own names, no input)
           f'SELECT {", ".join(values)} FROM "{table}", generate_series(1, {COPIES}) AS g WHERE {where}')
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _grown(plan: Plan, units: list[int]) -> None:
    unit_list = ", ".join(map(str, units))
    _copies(Project, f"plan_id = {plan.pk}", {"code": "\"code\" || '-' || g", "name": "\"name\" || g"})
    _copies(SupervisionItem, f"plan_id = {plan.pk}", {"code": "\"code\" || '-' || g", "title": "\"title\" || g"})
    _copies(Lead, f"plan_id = {plan.pk}", {"code": "\"code\" || '-' || g", "name": "\"name\" || g"})
    _copies(Enterprise, f"unit_id IN ({unit_list})",
            {"credit_code": "'8' || lpad((id * 100 + g)::text, 17, '0')", "name": "\"name\" || g"})


def sequential_scans(plan: str) -> list[str]:
    return [table for table in BIG_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL's planner")
def test_every_list_reads_the_big_tables_through_indexes(cast, province):
    client = cast.client("coordinator")
    problems: dict[str, Any] = {}
    for url, searched_by in LISTS:  # one province for every list: it takes a while to build
        with time_machine.travel(NOW), CaptureQueriesContext(connection) as captured:
            response = client.get(url.format(**province))
        assert response.status_code == 200, (url, response.content[:300])
        reads = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        assert any(table in sql for sql in reads for table in (*BIG_TABLES, "plans_node")), url  # it read its rows
        plans = [planned(sql) for sql in reads]
        scans = [f"{table}: {sql[:160]}" for sql, plan in zip(reads, plans, strict=True)
                 for table in sequential_scans(plan)]
        unused = [name for name in searched_by if not any(name in plan for plan in plans)]
        if scans or unused:
            problems[url] = {"sequential": scans, "search index not read": unused}
    assert not problems, problems


def test_the_search_index_sql_is_what_the_lookups_compare():
    assert upper_trigram("i", "t", "name").create_sql() == (
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "t" USING gin ((UPPER("name"::text)) gin_trgm_ops)')
    assert trigram("i", "t", "name").create_sql().endswith('USING gin ("name" gin_trgm_ops)')
    assert prefix("i", "t", "code", leading='"plan_id", ').create_sql().endswith(
        'USING btree ("plan_id", "code" varchar_pattern_ops)')
    assert upper_trigram("i", "t", "name").drop_sql() == 'DROP INDEX CONCURRENTLY IF EXISTS "i"'
