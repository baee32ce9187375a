"""``shigongtu bench supervision``: 50,000 supervision items with 10 progress entries each.

Figures (on the database of DATABASE_URL, in a plan of its own that is deleted afterwards):

- ``import``: the 50,000-row supervision ledger (CSV, with 度分秒 coordinates on the findings)
  through the ledger engine, as a coordinator: seconds (target ≤ 10 s);
- ``list_page``: the list page (50 rows) with filters, as a signed-in coordinator: p95 and
  queries (target ≤ 80 ms);
- ``summary`` and ``map``: the API's summary (card) and map JSON for the plan: p95 (≤ 150 ms).

The progress entries (500,000 timeline rows) are inserted in bulk after the import, so the
pages read a plan of the issue's size.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from shigongtu.bench.util import QueryCounter, cpu_timed, percentiles, settle, timed
from shigongtu.ledgers.engine import import_ledger
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import ensure_unit
from shigongtu.supervision.models import ItemEvent, SupervisionItem
from shigongtu.supervision.rules.coords import to_dms
from shigongtu.utilities import bulk

FULL = 50_000
ENTRIES = 10
SOURCES = ("上级交办", "领导批示", "会议议定", "督察反馈", "审计", "巡察", "遥感图斑", "信访", "其他")
TYPES = ("建筑工地", "拆迁现场", "物料堆场", "裸露地面")
STATES = ("已交办", "办理中", "办理中", "已办结", "已销号")
LIST_QUERIES = (
    "source=督察反馈&page=3",
    "light=red",
    "campaign=2023年第3季度卫片&state=办理中&page=2",
    "unit={unit}&overdue=1",
    "q=整治&light=yellow",
)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def ledger(n: int, units: list[str], seed: int = 14) -> bytes:
    """The synthetic ledger as CSV bytes: ``n`` items of every source, a quarter of them findings."""
    rng = random.Random(seed)
    lines = ["编号,事项名称,来源,批次,牵头单位,责任领导,交办日期,整改时限,状态,销号日期,"
             "经度,纬度,图斑类型,核查单位,核查时间,核查人"]
    for i in range(n):
        source = SOURCES[i % len(SOURCES)] if i % 4 else "遥感图斑"
        assigned = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 200))
        deadline = "长期坚持" if i % 50 == 0 else (assigned + dt.timedelta(days=rng.randint(5, 120))).isoformat()
        state = rng.choice(STATES)
        closed = (assigned + dt.timedelta(days=rng.randint(1, 60))).isoformat() if state == "已销号" else ""
        finding = source == "遥感图斑"
        lng = to_dms(125.452 + rng.uniform(-0.05, 0.05)) if finding else ""
        lat = to_dms(43.792 + rng.uniform(-0.04, 0.04)) if finding else ""
        verified = "生态环境分局,2023-07-01,张三" if finding else ",,"
        campaign = "2023年第3季度卫片" if finding else ("第二轮中央生态环境保护督察" if source == "督察反馈" else "")
        lines.append(f"S{i:06d},{rng.choice(('扬尘', '整治', '排查', '督办'))}事项{i},{source},{campaign},"
                     f"{rng.choice(units)},领导{i % 37},{assigned.isoformat()},{deadline},{state},{closed},"
                     f"{lng},{lat},{TYPES[i % 4] if finding else ''},{verified}")
    return "\n".join(lines).encode("utf-8")


def build(code: str) -> tuple[Plan, list[OrgUnit]]:
    with transaction.atomic():
        zone = ensure_unit(f"{code} 测试区", None, OrgUnit.Kind.DISTRICT)
        units = [ensure_unit(f"{code}部门{i:02d}", zone) for i in range(30)]
        plan = Plan.objects.create(code=code, name=f"{code} 督办", unit=zone, year=2023, status=Plan.Status.PUBLISHED)
    return plan, units


def add_progress(plan: Plan) -> int:
    """Ten progress entries per item, straight into the timeline table."""
    now = timezone.now()
    rows: list[tuple[Any, ...]] = []
    for pk, assigned in SupervisionItem.objects.filter(plan=plan).values_list("pk", "assigned_on"):
        start = assigned or dt.date(2023, 1, 1)
        rows.extend((pk, "progress", start + dt.timedelta(days=7 * k), f"第{k + 1}次进展", "", "填报员", "", None, "",
                     None, now) for k in range(ENTRIES))
    with transaction.atomic():
        bulk.insert_rows(ItemEvent, ("item_id", "kind", "on", "text", "evidence", "person", "step", "new_deadline",
                                     "decision", "by_id", "at"), rows)
    return len(rows)


def drop(plan: Plan) -> None:
    with transaction.atomic():
        ItemEvent.objects.filter(item__plan=plan)._raw_delete(connection.alias)
        SupervisionItem.objects.filter(plan=plan)._raw_delete(connection.alias)
        unit = plan.unit
        plan.delete()
        OrgUnit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).delete()
        unit.delete()


def _p95(client: Client, url: str, repeat: int, first: dict[str, float]) -> list[float]:
    """Repeated views of ``url``; the first (cold: counts, summary and map not yet kept for this
    plan revision) is recorded in ``first`` apart."""
    t0 = time.perf_counter()
    client.get(url)
    first[url] = round((time.perf_counter() - t0) * 1000, 1)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    return samples


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 20))
    n = max(100, round(FULL * scale))
    code = "BENCH-S-" + uuid.uuid4().hex[:6].upper()
    plan, units = build(code)
    user = get_user_model().objects.create_user(f"bench-{code.lower()}", password=uuid.uuid4().hex)
    Membership.objects.create(user=user, unit=plan.unit, role="coordinator")
    figures: dict[str, Any] = {"items": n}
    try:
        data = ledger(n, [u.name for u in units])
        import_s, cpu_s, result = cpu_timed(lambda: import_ledger(data, "bench.csv", "supervision", plan, user,
                                                                  keep_record=False))
        assert result.ok, result.errors[:3]
        figures["import"] = {"seconds": round(import_s, 2), "cpu_seconds": round(cpu_s, 2),
                             "cpu_us_per_row": round(cpu_s / n * 1e6, 1), "created": result.created, "target_s": 10}
        entries_s, entries = timed(lambda: add_progress(plan))
        figures["progress_entries"] = {"rows": entries, "seconds": round(entries_s, 2)}
        settle(SupervisionItem, ItemEvent)
        client = Client()
        client.force_login(user)
        samples, queries, by_filter = [], 0, {}
        for raw in LIST_QUERIES:
            url = f"/plans/{code}/supervision/?as_of=2023-06-30&" + raw.format(unit=units[0].pk)
            cold: dict[str, float] = {}
            own = _p95(client, url, repeat, cold)
            with QueryCounter() as counter:
                client.get(url)
            queries = max(queries, counter.count)
            samples += own
            by_filter[raw] = {**percentiles(own), "first_ms": cold[url]}
        figures["list_page"] = {**percentiles(samples), "queries": queries, "by_filter": by_filter,
                                "target_p95_ms": 80}
        for name in ("summary", "map"):
            url = f"/api/v1/plans/{code}/supervision/{name}?as_of=2023-06-30"
            cold = {}
            samples = _p95(client, url, repeat, cold)
            figures[name] = {**percentiles(samples), "first_ms": cold[url], "target_p95_ms": 150}
        figures["map"]["points"] = len(client.get(f"/api/v1/plans/{code}/supervision/map").json()["points"])
    finally:
        user.delete()
        if not options.get("keep"):
            drop(plan)
    return figures
