"""``shigongtu bench projects``: 100,000 projects with 12 monthly investment reports each.

Figures (on the database of DATABASE_URL, in a plan of its own that is deleted afterwards):

- ``list_page``: the project list page (50 rows), filtered and sorted, through the Django test
  client as a signed-in coordinator: p95 over several filter/sort combinations, and queries
  (``first_ms``: the first view of each filter, which also counts its matches);
- ``indicators``: every project-computed indicator of the plan (investment on both bases,
  starts, spring starts in a window, 5000万元+ starts, completions);
- ``export``: the full ``projects`` ledger export, when the ledger engine offers that kind.

Targets (issue 3): list ≤ 80 ms p95, indicators ≤ 300 ms, export ≤ 15 s.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client

from shigongtu.bench.util import QueryCounter, percentiles, settle, timed
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Indicator, Node, Plan, code_sort_key
from shigongtu.plans.selectors import compute_indicators
from shigongtu.plans.services import ensure_unit
from shigongtu.projects.models import InvestmentReport, Project, StageChange
from shigongtu.projects.rules.lights import SEASONAL_CURVE
from shigongtu.projects.rules.stages import CONSTRUCTION, PLANNING, PREPARATION, READY

FULL = 100_000
MONTHS = 12
INDUSTRIES = ("数字经济", "智能制造", "生命健康", "影视文旅", "汽车零部件", "现代物流", "城市更新", "教育", "能源",
              "新材料")
LEVELS = ("省重点", "市重点", "区重点", "区重点", "一般")
LIST_QUERIES = (
    "stage=在建&industry=数字经济&sort=-total_investment&page=3",
    "light=red&sort=-ytd_investment",
    "q=智能&stage=在建&sort=planned_start&page=2",
    "level=市重点&node=3&sort=-annual_plan",
    "lead_unit={unit}&light=yellow&sort=code&page=5",
)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def build(code: str, n: int, seed: int = 11) -> dict[str, Any]:
    """The synthetic plan: fronts and tasks, ``n`` projects, 12 reports each (bulk inserts)."""
    rng = random.Random(seed)
    year = 2023
    with transaction.atomic():
        zone = ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
        units = [ensure_unit(f"部门{i:02d}", zone) for i in range(30)]
        plan = Plan.objects.create(code=code, name=f"{code} 项目库", unit=zone, year=year,
                                   status=Plan.Status.PUBLISHED)
        nodes = []
        for f in range(1, 11):
            nodes.append(Node(plan=plan, code=str(f), sort_key=code_sort_key(str(f)), title=f"战线{f}"))
        Node.objects.bulk_create(nodes)
        fronts = list(Node.objects.filter(plan=plan))
        tasks = [Node(plan=plan, code=f"{f.code}.{t}", sort_key=code_sort_key(f"{f.code}.{t}"), depth=1, parent=f,
                      title=f"任务{f.code}.{t}") for f in fronts for t in range(1, 6)]
        Node.objects.bulk_create(tasks)
        tasks = list(Node.objects.filter(plan=plan, depth=1))
        curve = SEASONAL_CURVE
        weights = [curve[0]] + [curve[m] - curve[m - 1] for m in range(1, 12)]
        projects, amounts = [], []
        for i in range(n):
            started = rng.random() < 0.7
            start = dt.date(rng.choice((2021, 2022, 2023, 2023)), rng.randint(1, 12), rng.randint(1, 28))
            if start.year == year and start.month > 6:
                start = start.replace(month=rng.randint(3, 6))
            total = Decimal(rng.choice((300, 800, 3000, 6000, 12000, 50000)) * rng.randint(1, 9))
            annual = (total * Decimal(rng.uniform(0.1, 0.4))).quantize(Decimal(1))
            first = 1 if not started or start.year < year else start.month
            months = [Decimal(0)] * MONTHS
            if started:
                pace = rng.uniform(0.4, 1.2)
                rest = sum(weights[first - 1:])
                months = [Decimal(0) if m < first else (annual * Decimal(weights[m - 1] / rest * pace)).quantize(
                    Decimal("0.01")) for m in range(1, MONTHS + 1)]
            amounts.append(months)
            projects.append(Project(
                plan=plan, code=f"B{i:06d}", name=f"{rng.choice(INDUSTRIES)}项目{i}", owner=f"建设单位{i % 997}",
                level=rng.choice(LEVELS), industry=rng.choice(INDUSTRIES), total_investment=total,
                annual_plan=annual, planned_start=start, actual_start=start if started else None,
                stage=CONSTRUCTION if started else rng.choice((PLANNING, PREPARATION, READY)),
                in_statistics=started and rng.random() < 0.85, lead_unit=rng.choice(units),
                ytd_investment=sum(months, Decimal(0)), last_period=f"{year}-12" if started else "",
            ))
        Project.objects.bulk_create(projects, batch_size=5000)
        ids = list(Project.objects.filter(plan=plan).order_by("code").values_list("pk", flat=True))
        through = Project.nodes.through
        through.objects.bulk_create([through(project_id=pid, node_id=rng.choice(tasks).pk) for pid in ids],
                                    batch_size=10000)
        reports = 0
        batch: list[InvestmentReport] = []
        for pid, months in zip(ids, amounts, strict=True):
            for m, amount in enumerate(months, start=1):
                batch.append(InvestmentReport(plan=plan, project_id=pid, period=f"{year}-{m:02d}", amount=amount,
                                              stats_amount=amount if m > 1 else None, status="accepted"))
            if len(batch) >= 24000:
                InvestmentReport.objects.bulk_create(batch, batch_size=6000)
                reports += len(batch)
                batch = []
        InvestmentReport.objects.bulk_create(batch, batch_size=6000)
        reports += len(batch)
        node = fronts[0]
        specs = [("完成投资", "projects.investment", {}, "亿元"), ("入统投资", "projects.investment",
                                                                  {"basis": "statistics"}, "亿元"),
                 ("开工项目", "projects.started", {}, "个"),
                 ("春季开工", "projects.started", {"window": ["2023-03-01", "2023-05-31"]}, "个"),
                 ("5000万元以上开工", "projects.started", {"min_total": 5000}, "个"),
                 ("竣工项目", "projects.completed", {}, "个")]
        for name, source, opts, unit in specs:
            Indicator.objects.create(plan=plan, node=node, name=name, unit=unit, kind="flow", target=Decimal(100),
                                     source=source, source_options=opts)
    return {"plan": plan, "projects": len(ids), "reports": reports, "unit": units[0]}


def drop(plan: Plan) -> None:
    """Delete the synthetic plan with raw deletes (the ORM's cascade would load a million rows)."""
    with transaction.atomic():
        for model, key in ((InvestmentReport, "plan"), (StageChange, "project__plan"),
                           (Project.nodes.through, "project__plan")):
            model.objects.filter(**{key: plan})._raw_delete(connection.alias)
        Project.objects.filter(plan=plan)._raw_delete(connection.alias)
        Node.objects.filter(plan=plan).update(parent=None)
        unit = plan.unit
        plan.delete()
        OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).delete()
        unit.delete()


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 30))
    n = max(100, round(FULL * scale))
    code = "BENCH-P-" + uuid.uuid4().hex[:6].upper()
    build_s, built = timed(lambda: build(code, n))
    plan = built["plan"]
    settle(Project, InvestmentReport, Project.nodes.through)
    figures: dict[str, Any] = {"projects": built["projects"], "reports": built["reports"],
                               "build_seconds": round(build_s, 2)}
    user = None
    try:
        user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
        Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
        client = Client()
        client.force_login(user)
        as_of = "2023-06-30"
        samples, per_query = [], {}
        queries = 0
        for raw in LIST_QUERIES:
            url = f"/plans/{code}/projects/?as_of={as_of}&" + raw.format(unit=built["unit"].pk)
            t0 = time.perf_counter()
            client.get(url)  # the first view of this filter counts its matches; later pages reuse the count
            first = time.perf_counter() - t0
            own = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(url)
                own.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.content[:300]
            with QueryCounter() as counter:
                client.get(url)
            queries = max(queries, counter.count)
            samples += own
            per_query[raw.split("&page")[0]] = {**percentiles(own), "first_ms": round(first * 1000, 1),
                                                "matches": _matches(plan, raw, built, as_of)}
        figures["list_page"] = {**percentiles(samples), "queries": queries, "by_filter": per_query,
                                "target_p95_ms": 80}
        figures["indicators"] = _indicators(plan, repeat)
        figures["export"] = _export(plan, user)
    finally:
        if user is not None:
            user.delete()
        if not options.get("keep"):
            drop(plan)
    return figures


def _indicators(plan: Plan, repeat: int) -> dict[str, Any]:
    """Cold (month totals not yet built: right after a bulk load), warm, and after one new report."""
    day = dt.date(2023, 6, 30)
    cold_s, outs = timed(lambda: compute_indicators(plan, day))
    runs, after_write = [], []
    for _ in range(max(5, repeat // 3)):
        t0 = time.perf_counter()
        outs = compute_indicators(plan, day)
        runs.append(time.perf_counter() - t0)
    report = InvestmentReport.objects.filter(plan=plan, period="2023-05").order_by("pk").first()
    for i in range(5):
        assert report is not None
        report.amount += Decimal(i + 1)
        report.save()  # marks May stale, as every write does
        t0 = time.perf_counter()
        compute_indicators(plan, day)
        after_write.append(time.perf_counter() - t0)
    return {**percentiles(runs), "indicators": len(outs), "target_p95_ms": 300, "cold_ms": round(cold_s * 1000, 1),
            "after_one_report": percentiles(after_write), "values": {o.name: round(o.actual, 4) for o in outs}}


def _matches(plan: Plan, raw: str, built: dict[str, Any], as_of: str) -> int:
    """How many projects the list query matches (outside the timing)."""
    from django.http import QueryDict

    from shigongtu.projects.models import ProjectSettings
    from shigongtu.projects.selectors.filters import ProjectFilter

    flt = ProjectFilter.from_params(QueryDict(raw.format(unit=built["unit"].pk)))
    day = dt.date.fromisoformat(as_of)
    return flt.apply(Project.objects.all(), plan, day, ProjectSettings.rules_for(plan)).count()


def _export(plan: Plan, user: Any) -> dict[str, Any]:
    try:
        from shigongtu.ledgers.engine import export_ledger, kind_or_error

        kind_or_error("projects")
    except Exception as exc:  # the ledger engine or its projects kind is not there yet
        return {"skipped": f"no projects export: {exc}"}
    seconds, data = timed(lambda: export_ledger("projects", plan, user))
    return {"seconds": round(seconds, 3), "bytes": len(data), "target_seconds": 15}
