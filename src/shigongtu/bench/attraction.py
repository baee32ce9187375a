"""``shigongtu bench leads`` (also ``bench attraction``): 20,000 招商 leads with fund records.

Figures (on the database of DATABASE_URL, in a plan of its own that is deleted afterwards):

- ``import``: the leads ledger of 20,000 rows (.xlsx) imported through the ledger engine, as a
  coordinator would (the file is built outside the timing), and a re-import that changes nothing;
- ``board_page`` / ``kpi_page`` / ``list_page``: the pipeline board, the KPI page and the lead
  list through the Django test client as a signed-in coordinator: p95 and queries, as served
  (figures cached per plan revision) and on a first view (``first_view_*``: the cache emptied);
- ``summary``: the contract's summary at 2023-06-30 (the figures the card and the bulletin use).

Targets (issue 15): board and KPI page ≤ 150 ms p95, the first view too; import ≤ 5 s (SQLite).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client

from shigongtu.attraction import selectors
from shigongtu.attraction.models import FundArrival, Lead, LeadEvent
from shigongtu.bench.util import QueryCounter, cpu_timed, percentiles, settle, timed
from shigongtu.ledgers.engine import import_ledger
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import ensure_unit

FULL = 20_000
HEADER = ["编号", "项目名称", "投资方", "招商方式", "招商小分队", "所属产业", "协议投资额", "阶段", "签约日期",
          "注册日期", "开工日期", "投产日期", "到位资金", "责任单位"]
MODES = ("叩门招商", "产业链招商", "以商招商", "联合招商", "展会招商", "其他")
STAGES = ("线索", "洽谈", "签约", "注册", "开工", "投产", "终止")


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def _rows(n: int, rng: random.Random) -> list[list[Any]]:
    rows = []
    for i in range(n):
        stage = rng.choice(STAGES)
        reach = STAGES.index(stage) - 1 if stage != "终止" else 0
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 150))
        dates: list[Any] = []
        for _ in range(4):
            dates.append(day if len(dates) < reach else None)
            day += dt.timedelta(days=rng.randrange(5, 30))
        investment = rng.choice((3000, 5000, 8000, 12000, 30000, 50000, 100000))
        funds = round(investment * rng.uniform(0, 0.5)) if dates[0] else None
        rows.append([f"L{i:06d}", f"示例项目{i}", f"示例投资方{i % 4999}", rng.choice(MODES), f"小分队{i % 12}",
                     rng.choice(("光电信息", "数字经济", "生物医药", "文旅")), investment, stage, *dates, funds,
                     f"部门{i % 20:02d}"])
    return rows


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("招商项目台账")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _funds(plan: Plan, rng: random.Random) -> int:
    """Three dated fund records for each signed lead (bulk: the figures, not the write path, are measured)."""
    batch = []
    for pk, signed_on, funds in Lead.objects.filter(plan=plan, signed_on__isnull=False).values_list(
            "pk", "signed_on", "funds"):
        if signed_on is None:  # (filtered out above; for the type checker)
            continue
        for k in range(3):
            day = min(signed_on + dt.timedelta(days=30 * (k + 1)), dt.date(2023, 12, 31))
            batch.append(FundArrival(lead_id=pk, date=day, amount=(funds / 3).quantize(Decimal("0.01")),
                                     origin=rng.choice(("省外", "市外省内", "境外"))))
    FundArrival.objects.bulk_create(batch, batch_size=5000)
    return len(batch)


def drop(plan: Plan) -> None:
    with transaction.atomic():
        for model, key in ((FundArrival, "lead__plan"), (LeadEvent, "lead__plan"), (Lead, "plan")):
            model.objects.filter(**{key: plan})._raw_delete(connection.alias)
        unit = plan.unit
        plan.delete()
        OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).delete()
        unit.delete()


def _page(client: Client, url: str, repeat: int) -> dict[str, Any]:
    """p95 of the page as served (cached per plan revision), then of its first view (cache emptied)."""
    from django.core.cache import cache

    client.get(url)  # templates and URLs loaded: the first view of the figures is what is timed
    cold = []
    for _ in range(max(5, repeat // 3)):
        cache.clear()
        t0 = time.perf_counter()
        response = client.get(url)
        cold.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    with QueryCounter() as counter:
        cache.clear()
        client.get(url)
    first = {"first_view_p95_ms": percentiles(cold)["p95_ms"], "first_view_queries": counter.count}
    client.get(url)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    with QueryCounter() as counter:
        client.get(url)
    return {**percentiles(samples), "queries": counter.count, **first}


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 30))
    n = max(100, round(FULL * scale))
    code = "BENCH-L-" + uuid.uuid4().hex[:6].upper()
    rng = random.Random(15)
    zone = ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
    for i in range(20):
        ensure_unit(f"部门{i:02d}", zone)
    plan = Plan.objects.create(code=code, name=f"{code} 招商", unit=zone, year=2023, status=Plan.Status.PUBLISHED)
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
    Membership.objects.create(user=user, unit=zone, role="coordinator")
    figures: dict[str, Any] = {"leads": n}
    try:
        data = _xlsx(_rows(n, rng))
        seconds, cpu_s, result = cpu_timed(lambda: import_ledger(data, "招商台账.xlsx", "leads", plan, user,
                                                                 keep_record=False))
        assert result.ok, result.errors[:5]
        again_s, again = timed(lambda: import_ledger(data, "招商台账.xlsx", "leads", plan, user, keep_record=False))
        figures["import"] = {"rows": n, "seconds": round(seconds, 3), "cpu_seconds": round(cpu_s, 2),
                             "cpu_us_per_row": round(cpu_s / n * 1e6, 1), "created": result.created,
                             "reimport_seconds": round(again_s, 3), "reimport_unchanged": again.unchanged,
                             "target_seconds": 5}
        figures["fund_records"] = _funds(plan, rng)
        settle(Lead, FundArrival, LeadEvent)
        client = Client()
        client.force_login(user)
        as_of = "as_of=2023-06-30"
        figures["board_page"] = {**_page(client, f"/plans/{code}/leads/?{as_of}", repeat), "target_p95_ms": 150}
        figures["kpi_page"] = {**_page(client, f"/plans/{code}/leads/kpis/?{as_of}", repeat), "target_p95_ms": 150}
        figures["list_page"] = _page(client, f"/plans/{code}/leads/list/?{as_of}&stage=签约&page=3", repeat)
        s_seconds, fig = timed(lambda: selectors.summary(plan, dt.date(2023, 6, 30)))
        figures["summary"] = {"ms": round(s_seconds * 1000, 1), "signed": fig.signed,
                              "signed_investment": float(fig.signed_investment), "start_rate": round(fig.start_rate, 4)}
    finally:
        user.delete()
        if not options.get("keep"):
            drop(plan)
    return figures
