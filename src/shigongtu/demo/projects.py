"""The project library's part of the demo: 净月高新区's 2023 key projects, their monthly
investment, approvals, problems and special bonds, and the plan indicators computed from them.

A step of :data:`shigongtu.demo.build.STEPS`. Projects and investment go in through
the ledger functions (as an import would), the rest through the services. Figures are
ILLUSTRATIVE (see ``demo_data``); they are generated deterministically so every demo shows the
same mix of lights at 2023-06-30.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from shigongtu.demo.plan_data import FAI_CURVE, FAI_CURVE_NOTE
from shigongtu.demo.projects_data import (
    ANNUAL_SHARE,
    BOND_BATCHES,
    ILLUSTRATIVE,
    KINDS,
    OWNER_SUFFIX,
    PEIJIA_PROJECT,
    PLACES,
    PUBLIC_OWNERS,
    SEED_PROJECTS,
)
from shigongtu.lib.codes import CREDIT_CODE_CHARSET, credit_code_check_char, make_project_code
from shigongtu.lib.errors import InputRejected
from shigongtu.plans.models import Indicator, Node, Plan, ReportValue
from shigongtu.plans.services import bump_revision, save_indicator
from shigongtu.projects.bulk.investment import apply_investment_rows, validate_investment_rows
from shigongtu.projects.bulk.projects import apply_project_rows, validate_project_rows
from shigongtu.projects.models import ApprovalItem, BondProject, InvestmentReport, Project
from shigongtu.projects.rules.approvals import IN_PROGRESS_ITEM, NOT_STARTED_ITEM, OBTAINED
from shigongtu.projects.rules.bonds import BOND_APPROVED, BOND_DECLARED, BOND_PLANNING, BOND_REVIEW
from shigongtu.projects.rules.dates import add_months
from shigongtu.projects.rules.stages import (
    CLOSED,
    COMPLETED,
    CONSTRUCTION,
    PLANNING,
    PREPARATION,
    READY,
    REMOVED,
    STARTED,
    SUSPENDED,
)
from shigongtu.projects.services.approvals import ensure_checklist
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.investment import review_investment
from shigongtu.projects.services.problems import save_problem

REPORT_MONTHS = range(1, 7)
DEMO_DAY = dt.date(2023, 6, 30)
REGION = 220171  # ILLUSTRATIVE division code for the zone's national project codes
CENTRE = (125.452, 43.792)  # 净月 (WGS84), roughly

KEY_PROJECT_INVESTMENT = "重点项目完成投资（调度口径）"

# Plan indicators computed from the projects once the demo has them.
INDICATOR_SOURCES = {
    "春季开工项目": ("projects.started", {"window": ["2023-03-01", "2023-05-31"]}),
    "5000万元以上重点项目开工": ("projects.started", {"min_total": 5000}),
    "专项债项目": ("projects.bond_count", {}),
}


def _credit_code(rng: random.Random) -> str:
    body = "91220101" + "".join(rng.choice(CREDIT_CODE_CHARSET) for _ in range(9))
    return body + credit_code_check_char(body)


def _row(rng: random.Random, seq: int, spec: tuple[Any, ...], year: int) -> dict[str, Any]:
    (name, nodes, unit, industry, category, level, nature, total, annual, planned, actual, stage, spring, _bond,
     owner) = spec
    lng, lat = CENTRE[0] + rng.uniform(-0.09, 0.09), CENTRE[1] + rng.uniform(-0.07, 0.07)
    start = dt.date.fromisoformat(planned)
    months = {"社会民生": 24, "基础设施": 30}.get(category, 20)
    row = {
        "项目编号": f"JY23-{seq:03d}", "项目名称": name, "建设单位": owner, "统一社会信用代码": _credit_code(rng),
        "项目代码": make_project_code(min(start.year, year), REGION, 100000 + seq),
        "服务节点": nodes, "建设性质": nature, "项目阶段": stage, "所属产业": industry, "项目类型": category,
        "项目级别": level, "总投资": Decimal(total),
        "年度计划投资": Decimal(int(annual * ANNUAL_SHARE) // 100 * 100 if annual >= 1000 else annual),
        "计划开工时间": start, "计划竣工时间": add_months(start, months),
        "实际开工时间": dt.date.fromisoformat(actual) if actual else "",
        "包保领导": rng.choice(["王志远（示例）", "赵明（示例）", "陈立华（示例）", "孙伟（示例）"]), "责任单位": unit,
        "项目专班": f"{name[:8]}服务专班", "经度": round(lng, 6), "纬度": round(lat, 6), "坐标系": "WGS84",
        "建设地点": f"净月高新区{rng.choice(PLACES)}片区", "春季开工": "是" if spring else "否",
        "建设内容及规模": f"{name}：主体工程、配套设施及室外工程{ILLUSTRATIVE}",
    }
    if stage == COMPLETED:
        row["实际竣工时间"] = dt.date(2023, 4 + seq % 3, 15)
    if seq % 4 == 0:  # some points copied from 高德 maps, as ledgers often have them
        from shigongtu.lib.geo import wgs84_to_gcj02

        row["经度"], row["纬度"] = (round(v, 6) for v in wgs84_to_gcj02(lng, lat))
        row["坐标系"] = "GCJ02"
    return row


def _illustrative(rng: random.Random) -> list[tuple[Any, ...]]:
    """About a hundred made-up projects in groups that give the targets a realistic picture."""
    units = ["项目服务中心", "经济发展局", "建设局", "投资促进局", "文化旅游局", "社会事业局", "城市管理局"]
    out: list[tuple[Any, ...]] = []
    names: set[str] = set()

    def make(total: tuple[int, int], share: tuple[float, float], planned: dt.date, actual: dt.date | None,
             stage: str, nature: str = "新建") -> None:
        while True:
            kind, industry, category = rng.choice(KINDS)
            name = f"{rng.choice(PLACES)}{kind}{rng.choice(['', '一期', '二期'])}{ILLUSTRATIVE}"
            if name not in names:
                break
        names.add(name)
        t = rng.randrange(*total) // 100 * 100
        owner = (f"长春{rng.choice(PLACES)}{industry}{rng.choice(OWNER_SUFFIX)}{ILLUSTRATIVE}" if category == "产业"
                 else rng.choice(PUBLIC_OWNERS))
        spring = actual is not None and dt.date(2023, 3, 1) <= actual <= dt.date(2023, 5, 31)
        out.append((name, "", rng.choice(units), industry, category, rng.choice(["市重点", "区重点", "区重点"]), nature,
                    t, int(t * rng.uniform(*share)) // 100 * 100, planned.isoformat(),
                    actual.isoformat() if actual else None, stage, spring, category != "产业" and rng.random() < 0.4,
                    owner))

    def day(month: int, lo: int = 1, hi: int = 28) -> dt.date:
        return dt.date(2023, month, rng.randint(lo, hi))

    for month in (1, 2, 2, 3, 4, 4, 5, 5, *[6] * 14):  # 2023 starts of 5000万+
        actual = day(month)
        make((8000, 90000), (0.3, 0.45), actual - dt.timedelta(days=rng.randint(0, 10)), actual, CONSTRUCTION)
    for _ in range(4):  # small 2023 starts
        actual = day(6)
        make((1200, 4900), (0.6, 0.9), actual, actual, CONSTRUCTION)
    for i in range(35):  # continuing projects; a few finish in the first half-year
        actual = dt.date(rng.choice([2021, 2022, 2022]), rng.randint(3, 10), rng.randint(1, 28))
        make((20000, 200000), (0.15, 0.3), actual, actual, COMPLETED if i < 4 else CONSTRUCTION, "续建")
    for _ in range(33):  # starting later in the year
        stage = rng.choice([PLANNING, PREPARATION, PREPARATION, READY])
        make((6000, 80000), (0.1, 0.25), day(rng.randint(7, 10)), None, stage)
    for month in (2, 3, 3):  # should have started already
        make((10000, 50000), (0.2, 0.3), day(month), None, PREPARATION)
    make((30000, 60000), (0.1, 0.2), dt.date(2022, 5, 1), dt.date(2022, 5, 20), SUSPENDED, "续建")
    make((5000, 9000), (0.3, 0.5), day(8), None, REMOVED)
    return out


def _monthly(rng: random.Random, annual: Decimal, start: dt.date | None) -> list[Decimal]:
    """Jan–Jun amounts for a project: its annual plan spread over the months from its start along
    the seasonal curve, times how well the project is doing."""
    if start is None or start > DEMO_DAY or annual <= 0:
        return [Decimal(0)] * 6
    first = 1 if start.year < 2023 else start.month
    weights = [FAI_CURVE[0]] + [FAI_CURVE[m] - FAI_CURVE[m - 1] for m in range(1, 12)]
    rest = sum(weights[first - 1:])
    pace = rng.choice([rng.uniform(0.9, 1.1)] * 6 + [rng.uniform(0.7, 0.88)] * 2 + [rng.uniform(0.4, 0.6),
                                                                                     rng.uniform(1.1, 1.3)])
    return [Decimal(0) if m < first else (annual * Decimal(weights[m - 1] / rest * pace)).quantize(Decimal("0.01"))
            for m in REPORT_MONTHS]


def build_projects(context: dict[str, Any]) -> None:
    """The demo's projects on JY-2023 (and 裴家村's on PJC-2023); see the module docstring."""
    plan: Plan = context["plan"]
    coordinator = context["coordinator"]
    rng = random.Random("jy-2023-projects")
    specs = [*SEED_PROJECTS, *_illustrative(rng)]
    rows = [_row(rng, i, spec, plan.year) for i, spec in enumerate(specs, start=1)]
    _import(plan, rows, rng, specs, coordinator)
    pj = Plan.objects.filter(code="PJC-2023").first()
    if pj is not None:
        row = _row(rng, 1, PEIJIA_PROJECT, pj.year)
        row["项目编号"] = "PJC23-001"
        _import(pj, [row], rng, [PEIJIA_PROJECT], None)
    _approvals(plan, rng)
    _problems(plan, rng, coordinator)
    _bonds(plan, specs, rng, coordinator)
    _indicators(plan, coordinator)


def _import(plan: Plan, rows: list[dict[str, Any]], rng: random.Random, specs: list[tuple[Any, ...]],
            user: Any) -> None:
    checked = validate_project_rows(plan, rows, today=DEMO_DAY)
    problems = [p for _, ps in checked for p in ps]
    if problems:
        raise InputRejected(problems)
    apply_project_rows(plan, [clean for clean, _ in checked], user)
    in_stats = []
    for row in rows:
        start = row["实际开工时间"]
        # continuing projects are all in the statistics database; a few of this year's starts are not yet
        if start and row["总投资"] >= 500 and (start.year < 2023 or rng.random() < 0.9):
            entered = start + dt.timedelta(days=rng.randint(12, 40))
            if entered <= DEMO_DAY:
                in_stats.append((row["项目编号"], entered))
    for code, entered in in_stats:
        Project.objects.filter(plan=plan, code=code).update(in_statistics=True, statistics_date=entered)
    stats = dict(in_stats)
    lines = []
    for row in rows:
        start = row["实际开工时间"] or None
        amounts = _monthly(rng, row["年度计划投资"], start)
        for month, amount in zip(REPORT_MONTHS, amounts, strict=True):
            if amount <= 0:
                continue
            period = f"{plan.year}-{month:02d}"
            counted = row["项目编号"] in stats and month >= 2 and stats[row["项目编号"]] <= dt.date(2023, month, 28)
            lines.append({"项目编号": row["项目编号"], "填报月份": period, "本月完成投资": amount,
                          "统计口径完成投资": (amount * Decimal(rng.uniform(0.82, 1.0))).quantize(Decimal("0.01"))
                          if counted else "",
                          "本月到位资金": (amount * Decimal(rng.uniform(0.7, 1.1))).quantize(Decimal("0.01")),
                          "形象进度": rng.choice(["基础施工", "主体施工", "主体封顶", "钢结构安装", "二次结构",
                                                 "室外管网", "设备安装"]) + ILLUSTRATIVE})
    checked = validate_investment_rows(plan, lines, today=DEMO_DAY)
    problems = [p for _, ps in checked for p in ps]
    if problems:
        raise InputRejected(problems)
    early = [c for c, _ in checked if c["period"] <= f"{plan.year}-04"]
    late = [c for c, _ in checked if c["period"] > f"{plan.year}-04"]
    apply_investment_rows(plan, early, user, status=InvestmentReport.Status.ACCEPTED)
    apply_investment_rows(plan, late, user)
    unit_reviewer = get_user_model().objects.filter(username="jy_xmzx").first()
    may = InvestmentReport.objects.filter(plan=plan, period=f"{plan.year}-05", project__lead_unit__name="项目服务中心")
    for report in may.order_by("project__code") if unit_reviewer is not None and user is not None else []:
        review_investment(report, True, unit_reviewer)
    june = InvestmentReport.objects.filter(plan=plan, period=f"{plan.year}-06").order_by("project__code").first()
    if june is not None and user is not None:
        review_investment(june, False, user, reason="请补充形象进度照片和本月支付凭证。" + ILLUSTRATIVE)


def _approvals(plan: Plan, rng: random.Random) -> None:
    projects = list(Project.objects.filter(plan=plan).order_by("code"))
    for p in projects:
        ensure_checklist(p)
    for i, p in enumerate(projects):
        items = ApprovalItem.objects.filter(project=p)
        if p.stage in STARTED or p.stage == READY:
            items.update(status=OBTAINED, issued_on=(p.actual_start or p.planned_start or DEMO_DAY)
                         - dt.timedelta(days=30), doc_no=f"净高审批〔2023〕{100 + i}号（示例）")
            if p.stage == CONSTRUCTION and i % 17 == 3:  # started before the construction permit came
                items.filter(kind="施工许可").update(status=IN_PROGRESS_ITEM, issued_on=None, doc_no="")
        elif p.stage == PREPARATION:
            done = rng.randint(3, 7)
            for n, item in enumerate(items.order_by("sort")):
                if n < done:
                    item.status, item.issued_on = OBTAINED, dt.date(2023, rng.randint(1, 5), rng.randint(1, 28))
                    item.doc_no = f"净高审批〔2023〕{300 + i * 10 + n}号（示例）"
                    if n == 1 and i % 5 == 0:  # a filing that lapses soon
                        item.valid_until = dt.date(2023, 7, 20)
                else:
                    item.status = IN_PROGRESS_ITEM if n == done else NOT_STARTED_ITEM
                item.save()


def _problems(plan: Plan, rng: random.Random, user: Any) -> None:
    texts = [("用地", "土地征收和地上物清表尚未完成，影响开工"), ("资金", "项目资本金到位不足，需协调融资"),
             ("前期手续", "施工许可办理中，消防设计审查意见待反馈"), ("要素保障", "施工用电、用水接入需协调"),
             ("拆迁", "红线内3户居民未完成动迁"), ("规划", "规划方案需调整，重新报审")]
    lagging = list(Project.objects.filter(plan=plan).exclude(stage__in=CLOSED).order_by("code"))[::9]
    for i, p in enumerate(lagging):
        kind, title = texts[i % len(texts)]
        status = ["待协调", "协调中", "已解决", "协调中"][i % 4]
        data = {"title": title + ILLUSTRATIVE, "kind": kind, "needs_coordination": i % 2 == 0, "status": status,
                "deadline": dt.date(2023, 5 + i % 4, 15), "raised_period": "2023-04",
                "responsible_unit": p.lead_unit.name if p.lead_unit else None,
                "resolution": "已协调解决。" + ILLUSTRATIVE if status == "已解决" else ""}
        if status == "已解决":
            data["resolved_on"] = dt.date(2023, 5, 20)
        save_problem(p, data, user, today=DEMO_DAY)


def _bonds(plan: Plan, specs: list[tuple[Any, ...]], rng: random.Random, user: Any) -> None:
    codes = [f"JY23-{i:03d}" for i, spec in enumerate(specs, start=1) if spec[13]]
    extra = list(Project.objects.filter(plan=plan, category__in=["基础设施", "社会民生"]).exclude(code__in=codes)
                 .exclude(stage=REMOVED).order_by("code").values_list("code", flat=True))
    codes = (codes + extra)[:24]
    projects = {p.code: p for p in Project.objects.filter(plan=plan, code__in=codes)}
    for n, code in enumerate(codes):
        p = projects[code]
        declared = dt.date(2023, 1 + n % 4, 10 + n % 15)
        state = (BOND_PLANNING if n >= 22 else BOND_DECLARED if n >= 20 else
                 BOND_REVIEW if n >= 18 else BOND_APPROVED)
        bond = save_bond(p, {"requested_amount": p.total_investment * Decimal("0.4"), "state": state,
                             "declared_on": declared if state != BOND_PLANNING else None,
                             "coverage_ratio": Decimal("1.25"), "has_plan_doc": True,
                             "has_finance_report": n < 20, "has_legal_opinion": n < 20}, user, today=DEMO_DAY)
        if state != BOND_APPROVED:
            continue
        batch, (month, mday), share_of_total = BOND_BATCHES[n % 3]
        quota = (p.total_investment * Decimal(str(share_of_total))).quantize(Decimal(1))
        quota_day = dt.date(2023, month, mday)
        add_movement(bond, "quota", {"amount": quota, "date": quota_day, "batch": batch,
                                     "doc_no": f"吉财债〔2023〕{10 + n}号（示例）"}, user, today=DEMO_DAY)
        paid_day = quota_day + dt.timedelta(days=25)
        if paid_day > DEMO_DAY:
            continue  # the quota came in June: nothing paid yet
        add_movement(bond, "disbursement", {"amount": quota * Decimal("0.7"), "date": paid_day}, user,
                     today=DEMO_DAY)
        if n % 6 == 1:
            continue  # money paid but nothing spent: idle
        share = Decimal("0.08") if n % 6 == 4 else Decimal("0.14")  # some spend slowly
        day = paid_day
        while (day := day + dt.timedelta(days=rng.randint(20, 35))) <= DEMO_DAY:
            add_movement(bond, "expenditure", {"amount": (quota * share).quantize(Decimal("0.01")), "date": day,
                                               "payee": "中建某局（示例）"}, user, today=DEMO_DAY)
    BondProject.objects.filter(project__plan=plan, declared_on__isnull=True).exclude(
        state=BOND_PLANNING).update(declared_on=dt.date(2023, 1, 10))


def _indicators(plan: Plan, user: Any) -> None:
    """Switch the demo's project indicators from reported values to the project library."""
    inds = {i.name: i for i in Indicator.objects.filter(plan=plan, name__in=INDICATOR_SOURCES).select_related("node")}
    for name, (source, options) in INDICATOR_SOURCES.items():
        ind = inds.get(name)
        if ind is not None:
            save_indicator(ind.node, {"source": source, "source_options": options}, user, indicator=ind)
    # The reported placeholders for these indicators no longer mean anything.
    ReportValue.objects.filter(indicator__in=list(inds.values())).delete()
    # Beside the bureau's 固定资产投资 (统计口径), what the key projects report (调度口径), named so.
    annual = sum(Project.objects.filter(plan=plan).exclude(stage=REMOVED).values_list("annual_plan", flat=True),
                 Decimal(0))
    save_indicator(Node.objects.get(plan=plan, code="1.3"), {
        "name": KEY_PROJECT_INVESTMENT, "unit": "亿元", "kind": "flow",
        "target": (annual / Decimal(10000)).quantize(Decimal("0.1")), "source": "projects.investment",
        # the plan sets its own curve here, the season of construction in Changchun, and says so
        "curve": FAI_CURVE, "source_options": {"basis": "dispatch", "curve_note": FAI_CURVE_NOTE}, "headline": True},
        user)
    bump_revision(plan)
