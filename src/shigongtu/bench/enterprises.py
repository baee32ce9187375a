"""``shigongtu bench enterprises``: 100,000 enterprises with 200,000 tier records.

Figures (on the database of DATABASE_URL, in a zone and plan of their own, deleted afterwards):

- ``import``: the 企业梯度培育台账 of 100,000 rows (one 高企 or pool row per enterprise) as CSV,
  through the ledger engine as the CLI runs it (checked, applied, history written);
- then a second tier for every enterprise (bulk insert) makes 200,000 tier records;
- ``tier_counts``: every tier's valid count at each of the 12 month ends (one query), and the
  counts at d of the contract's JSON (valid / pipeline / expiring);
- ``list_page``: the registry page of 50 through the test client with filters, p95.

Targets (issue 16): tier counts for 12 months ≤ 200 ms; list page ≤ 80 ms p95; import ≤ 10 s (SQLite).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from shigongtu.bench.util import QueryCounter, cpu_timed, percentiles, settle, timed
from shigongtu.enterprises import selectors
from shigongtu.enterprises.models import Enterprise, TierRecord
from shigongtu.enterprises.rules import tiers as T
from shigongtu.ledgers.engine import import_ledger
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import create_plan, ensure_unit
from shigongtu.utilities import bulk

FULL = 100_000
INDUSTRIES = ("光电信息", "生物医药", "软件和信息技术服务", "高端装备制造", "数字经济", "新材料", "文化创意")
LEADERS = tuple(f"领导{i:02d}" for i in range(20))
LIST_QUERIES = (
    "tier=高新技术企业&status=已认定&page=3",
    "expiring=1&as_of=2023-06-30",
    "industry=生物医药&tier=专精特新中小企业&page=2",
    "leader=领导07&status=培育库",
    "q=示例企业01",
)


def add_arguments(parser: Any) -> None:
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the synthetic registry afterwards")


def _code(prefix: str, n: int) -> str:
    body = f"9122{prefix}{n:09d}"
    return body + credit_code_check_char(body)


def ledger_csv(n: int, prefix: str, seed: int = 16) -> bytes:
    """``n`` rows of the ledger: 高企 recognised in the batches of 2020–2023, or in the pool."""
    rng = random.Random(seed)
    lines = ["企业名称,统一社会信用代码,梯度类别,状态,认定日期,有效期至,证书编号,所属行业,包保领导"]
    for i in range(n):
        if rng.random() < 0.7:
            granted = dt.date(rng.choice((2020, 2021, 2022, 2023)), rng.choice((3, 6, 10, 11)), rng.randint(1, 28))
            status, cert = "已认定", f"GR{granted.year}{i:08d}"
        else:
            granted, status, cert = None, rng.choice(("培育库", "拟申报", "已申报")), ""
        lines.append(f"示例企业{i:06d}有限公司,{_code(prefix, i)},高新技术企业,{status},"
                     f"{granted.isoformat() if granted else ''},,{cert},{rng.choice(INDUSTRIES)},{rng.choice(LEADERS)}")
    return ("\n".join(lines) + "\n").encode()


def second_tiers(unit: OrgUnit, seed: int = 17) -> int:
    """One more tier record for every enterprise of ``unit`` (bulk): 专精特新, 科技型 or 规上."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    base = bulk.new_row(TierRecord, now)
    columns = list(base)
    rows = []
    for pk in Enterprise.objects.filter(unit=unit).values_list("pk", flat=True).iterator(10000):
        tier = rng.choice((T.SRDI, T.TECH_SME, T.ABOVE_SCALE, T.HIGH_GROWTH))
        granted = dt.date(rng.choice((2021, 2022, 2023)), rng.randint(1, 12), 1) if rng.random() < 0.6 else None
        values = {**base, "tier": tier, "status": T.GRANTED if granted else T.POOL, "granted_on": granted,
                  "expires_on": T.default_expiry(tier, granted), "enterprise_id": pk, "unit_id": unit.pk}
        rows.append([values[c] for c in columns])
    return bulk.insert_rows(TierRecord, columns, rows)


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    repeat = int(options.get("repeat", 30))
    n = max(100, round(FULL * scale))
    tag = uuid.uuid4().hex[:6].upper()
    zone = ensure_unit(f"BENCH-E-{tag} 测试区", None, OrgUnit.Kind.DISTRICT)
    plan = create_plan(f"BENCH-E-{tag}", "企业梯度培育测试", 2023, unit=zone)
    figures: dict[str, Any] = {"enterprises": n}
    user = None
    try:
        data = ledger_csv(n, f"{int(tag, 16) % 10000:04d}")
        import_s, cpu_s, result = cpu_timed(lambda: import_ledger(data, "bench.csv", "enterprises", plan, None))
        assert result.ok, result.as_dict()["errors"][:3]
        figures["import"] = {"rows": n, "seconds": round(import_s, 2), "cpu_seconds": round(cpu_s, 2),
                             "cpu_us_per_row": round(cpu_s / n * 1e6, 1), "created": result.created,
                             "target_seconds": 10}
        figures["tier_records"] = n + second_tiers(zone)
        settle(Enterprise, TierRecord)
        figures["tier_counts"] = _counts(zone, repeat)
        user = get_user_model().objects.create_user(f"bench-e-{tag.lower()}", password=uuid.uuid4().hex)
        Membership.objects.create(user=user, unit=zone, role="coordinator")
        figures["list_page"] = _list(plan, user, repeat)
    finally:
        if user is not None:
            user.delete()
        if not options.get("keep"):
            drop(plan, zone)
    return figures


def _counts(zone: OrgUnit, repeat: int) -> dict[str, Any]:
    months, days = [], []
    for _ in range(max(5, repeat // 3)):
        months.append(timed(lambda: selectors.monthly_counts(zone, 2023))[0])
        days.append(timed(lambda: selectors.tier_counts(zone, dt.date(2023, 6, 30)))[0])
    valid = selectors.monthly_counts(zone, 2023)[T.HIGH_TECH]
    return {"twelve_months": {**percentiles(months), "target_ms": 200}, "at_d": percentiles(days),
            "high_tech_valid_by_month": valid}


def _list(plan: Plan, user: Any, repeat: int) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    samples, queries, by_filter = [], 0, {}
    for raw in LIST_QUERIES:
        url = f"/plans/{plan.code}/enterprises/?{raw}"
        client.get(url)
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
        by_filter[raw] = percentiles(own)
    return {**percentiles(samples), "queries": queries, "by_filter": by_filter, "target_p95_ms": 80}


def drop(plan: Plan, zone: OrgUnit) -> None:
    """Delete the synthetic registry with raw deletes (the ORM's cascade would load every row)."""
    TierRecord.objects.filter(enterprise_id__in=Enterprise.objects.filter(unit=zone).values("pk"))._raw_delete(connection.alias)
    Enterprise.objects.filter(unit=zone)._raw_delete(connection.alias)
    Plan.objects.filter(pk=plan.pk).delete()
    zone.delete()
