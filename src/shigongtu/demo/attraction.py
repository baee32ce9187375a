"""The attraction pipeline's part of the demo: 净月's 招商小分队 with the four modes of the seed
(叩门招商、产业链招商、以商招商、联合招商), leads across every stage in 2023, a few of them the demo's
key projects, fund arrivals by month, and node 1.8's indicators computed from the leads.

A step of :data:`shigongtu.demo.build.STEPS`. Every lead, investor and figure here is
ILLUSTRATIVE (示例), generated deterministically; the leads go in through the ledger functions
(as an import would), fund arrivals and the project links through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from shigongtu.attraction import bulk, services
from shigongtu.attraction.fields import LeadLookups
from shigongtu.attraction.models import Lead
from shigongtu.attraction.rules.sla import add_months
from shigongtu.lib.errors import InputRejected
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import save_indicator
from shigongtu.projects.models import Project

DEMO_DAY = dt.date(2023, 6, 30)
TEAMS = {"叩门招商": "叩门招商小分队（示例）", "产业链招商": "产业链招商小分队（示例）",
         "以商招商": "以商招商小分队（示例）", "联合招商": "联合招商小分队（示例）", "展会招商": "产业链招商小分队（示例）"}
MODES = ("叩门招商", "产业链招商", "以商招商", "联合招商", "叩门招商", "产业链招商", "展会招商")
INDUSTRIES = (("光电信息", "光电信息产业链"), ("数字经济", "数字经济产业链"), ("生物医药", "医药健康产业链"),
              ("文化旅游", "文旅产业链"), ("冰雪产业", "冰雪产业链"), ("现代农业", "健康食品产业链"))
WHAT = ("产业园", "研发中心", "区域总部", "生产基地", "数字平台", "配套项目")
# Where each illustrative lead stands at the demo day (counts per furthest stage).
PLAN = (("线索", 6), ("洽谈", 8), ("签约", 7), ("注册", 5), ("开工", 6), ("投产", 3), ("达产", 1), ("终止", 2),
        ("流失", 2))
INDICATORS = (  # on node 1.8 (招商): name, unit, target, source
    ("招商签约额", "亿元", Decimal(200), "attraction.signed_investment"),
    ("新签约项目数", "个", Decimal(30), "attraction.signed_count"),
    ("招商项目到位资金", "亿元", Decimal(40), "attraction.funds"),
)


def _dates(rng: random.Random, stage: str) -> dict[str, dt.date | None]:
    contacted = dt.date(2022, 11, 1) + dt.timedelta(days=rng.randrange(0, 150))
    out: dict[str, dt.date | None] = {"contacted_on": contacted}
    order = ["签约", "注册", "开工", "投产", "达产"]
    attrs = ["signed_on", "registered_on", "started_on", "operating_on", "full_on"]
    reach = order.index(stage) + 1 if stage in order else (1 if stage in ("终止", "流失") and rng.random() < 0.5 else 0)
    day = max(contacted + dt.timedelta(days=rng.randrange(20, 60)), dt.date(2023, 1, 5))
    for attr in attrs[:reach]:
        out[attr] = min(day, DEMO_DAY)
        day = day + dt.timedelta(days=rng.randrange(10, 40))
    return out


def _rows(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    seq = 0
    for stage, count in PLAN:
        for _ in range(count):
            seq += 1
            mode = MODES[seq % len(MODES)]
            industry, chain = INDUSTRIES[seq % len(INDUSTRIES)]
            dates = _dates(rng, stage)
            contacted = dates["contacted_on"] or DEMO_DAY
            investment = Decimal(rng.choice((5000, 8000, 12000, 20000, 30000, 50000, 80000, 150000)))
            row: dict[str, Any] = {
                "code": f"ZS23-{seq:03d}", "name": f"示例：{industry}{WHAT[seq % len(WHAT)]}项目{seq}",
                "investor": f"示例{industry}投资有限公司{seq}", "mode": mode, "team": TEAMS[mode],
                "source_region": rng.choice(("市外省内", "省外", "省外", "境外")), "industry": industry, "chain": chain,
                "investment": investment, "fixed_assets": (investment * Decimal("0.7")).quantize(Decimal(1)),
                "lead_unit": "投资促进局", "leader": "刘洋（示例）", "stage": stage,
                "signing_kind": "正式合同" if dates.get("signed_on") else "", **dates,
                "answered_on": contacted, "assessed_on": contacted + dt.timedelta(days=2),
                "fed_back_on": contacted + dt.timedelta(days=rng.choice((5, 6, 12))),
                # most teams report every fortnight; a few fell behind (the board shows them)
                "last_progress_on": DEMO_DAY - dt.timedelta(days=rng.choice((3, 7, 10, 12, 25))),
            }
            if stage in ("终止", "流失"):
                row.update(exited_on=DEMO_DAY - dt.timedelta(days=rng.randrange(5, 60)),
                           exit_reason="投资方战略调整（示例）" if stage == "终止" else "落户外省（示例）")
                if row.get("signed_on") and row["exited_on"] < row["signed_on"]:
                    row["exited_on"] = row["signed_on"]
            rows.append(row)
    return rows


def _converted(plan: Plan, rng: random.Random, start: int) -> list[dict[str, Any]]:
    """Leads that became the demo's key projects: same investor and credit code, started on the same day."""
    out = []
    projects = Project.objects.filter(plan=plan, actual_start__year=plan.year).exclude(owner_credit_code="")
    for i, p in enumerate(projects.order_by("actual_start", "code")[:3], start=start):
        started = p.actual_start or DEMO_DAY
        signed = add_months(started, -3)
        out.append({"code": f"ZS23-{i:03d}", "name": p.name, "investor": p.owner or "示例投资方",
                    "investor_credit_code": p.owner_credit_code, "mode": "产业链招商", "team": TEAMS["产业链招商"],
                    "industry": p.industry, "investment": p.total_investment, "lead_unit": "投资促进局",
                    "leader": "刘洋（示例）", "stage": "开工", "contacted_on": add_months(signed, -2),
                    "signed_on": signed, "registered_on": signed + dt.timedelta(days=20), "started_on": started})
    return out


def build_leads(context: dict[str, Any]) -> None:
    """The demo's leads on JY-2023; see the module docstring."""
    plan: Plan = context["plan"]
    coordinator = context["coordinator"]
    rng = random.Random("jy-2023-leads")
    rows = _rows(rng)
    rows += _converted(plan, rng, len(rows) + 1)
    state = bulk.RowState(plan, LeadLookups(plan))
    checked = bulk.validate_lead_rows(plan, rows, state=state, existing={}, today=DEMO_DAY)
    problems = [p for _, ps in checked for p in ps]
    if problems:
        raise InputRejected(problems)
    bulk.apply_lead_rows(plan, [clean for clean, _ in checked], state, coordinator, today=DEMO_DAY)
    _funds(plan, rng)
    _indicators(plan, coordinator)


def _funds(plan: Plan, rng: random.Random) -> None:
    """Fund arrivals by month for the signed leads, from the month after signing to June."""
    for lead in Lead.objects.filter(plan=plan, signed_on__year=plan.year, exited_on__isnull=True).order_by("code"):
        assert lead.signed_on is not None
        month = lead.signed_on.month + 1
        while month <= DEMO_DAY.month:
            share = Decimal(rng.choice(("0.05", "0.08", "0.1", "0.12")))
            services.add_funds(lead, dt.date(plan.year, month, 15), (lead.investment * share).quantize(Decimal(1)),
                               rng.choice(("省外", "市外省内", "省外")))
            lead.refresh_from_db()
            month += 1


def _indicators(plan: Plan, user: Any) -> None:
    node = Node.objects.filter(plan=plan, code="1.8").first()
    if node is None:
        return
    for name, unit, target, source in INDICATORS:
        save_indicator(node, {"name": name, "unit": unit, "kind": "flow", "target": target, "source": source}, user)
