"""The enterprise registry's part of the demo: 净月高新区's tiers from the 2022 year-end.

A step of :data:`shigongtu.demo.build.STEPS`. 402 高新技术企业 valid at 2022-12-31 (the seed's
「力争高新技术企业突破500家」 starts from there), the 2023 batches (March and June recognised,
October applied), the 专精特新 and 高成长 pools with yearly figures, and certificates of the 2020
batch expiring in November 2023, some with a renewal filed. Every firm is ILLUSTRATIVE (named
「…（示例）」); the registry is loaded through the ledger's own row functions, as an import
would, and the plan's three tier indicators then read their values from it.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import translation

from shigongtu.enterprises import bulk, services
from shigongtu.enterprises.models import Enterprise
from shigongtu.enterprises.selectors import SOURCE
from shigongtu.lib.codes import credit_code_check_char
from shigongtu.lib.errors import InputRejected
from shigongtu.plans.models import Indicator, Plan, ReportValue
from shigongtu.plans.services import bump_revision, save_indicator

DEMO_DAY = dt.date(2023, 6, 30)
WORDS = ("华创", "博远", "启明", "鼎新", "瑞丰", "晟泰", "睿思", "恒信", "嘉禾", "卓越", "中研", "远航", "星辰", "长青",
         "润泽", "天工", "光合", "云帆", "智谷", "北辰")
INDUSTRIES = (("光电科技", "光电信息"), ("生物医药", "生物医药"), ("软件技术", "软件和信息技术服务"),
              ("智能装备", "高端装备制造"), ("数据科技", "数字经济"), ("新材料", "新材料"), ("文化传媒", "文化创意"))
LEADERS = ("示例领导甲", "示例领导乙", "示例领导丙", "示例领导丁")
# (tier, status, granted, how many, renewal filed) — the registry's shape, ILLUSTRATIVE figures.
HIGH_TECH = (
    ("已认定", dt.date(2020, 11, 20), 110), ("已认定", dt.date(2021, 11, 25), 140),
    ("已认定", dt.date(2022, 11, 18), 152), ("已认定", dt.date(2023, 3, 15), 18),
    ("已认定", dt.date(2023, 6, 20), 30), ("已申报", None, 70), ("拟申报", None, 40), ("培育库", None, 60),
    ("已撤销", dt.date(2021, 11, 25), 3),
)
SRDI = (("已认定", dt.date(2021, 9, 1), 25), ("已认定", dt.date(2022, 9, 1), 36), ("已认定", dt.date(2023, 5, 10), 10),
        ("已申报", None, 15), ("拟申报", None, 10), ("培育库", None, 20))
HIGH_GROWTH = (("已认定", dt.date(2022, 8, 1), 3), ("已认定", dt.date(2023, 4, 15), 2), ("拟申报", None, 6),
               ("培育库", None, 9))
CURVES = {  # batch months: the year's net increase expected by March, June, October and December
    "高新技术企业": [0, 0, 0.2, 0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.8, 0.8, 1],
    "专精特新企业": [0, 0, 0, 0, 0.3, 0.3, 0.3, 0.3, 0.7, 0.7, 0.7, 1],
    "高成长企业": [0, 0, 0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1],
}
TIER_SOURCES = {"高新技术企业": ["高新技术企业"], "专精特新企业": ["专精特新中小企业", "专精特新小巨人"],
                "高成长企业": ["高成长企业"]}


def _code(n: int) -> str:
    body = f"91220101MA{n:07d}"
    return body + credit_code_check_char(body)


class _Firms:
    """Illustrative firms, numbered: name, code, industry and leader drawn once each."""

    def __init__(self, rng: random.Random):
        self.rng, self.n = rng, 0
        self.made: dict[int, dict[str, Any]] = {}

    def new(self) -> dict[str, Any]:
        self.n += 1
        a, b = WORDS[self.n % len(WORDS)], WORDS[(self.n // len(WORDS)) % len(WORDS)]
        suffix, industry = INDUSTRIES[self.n % len(INDUSTRIES)]
        firm = {"企业名称": f"长春{a}{b}{suffix}有限公司{self.n:03d}（示例）", "统一社会信用代码": _code(self.n),
                "所属行业": industry, "包保领导": self.rng.choice(LEADERS)}
        self.made[self.n] = firm
        return firm


def _rows(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ledger rows, and the firms in a pool (whose yearly figures the demo adds)."""
    firms = _Firms(rng)
    rows, pooled = [], []
    for tier, shape in (("高新技术企业", HIGH_TECH), ("专精特新中小企业", SRDI), ("高成长企业", HIGH_GROWTH)):
        for status, granted, count in shape:
            for i in range(count):
                firm = firms.new()
                row = {**firm, "梯度类别": tier, "状态": status, "认定日期": granted,
                       "证书编号": f"GR{granted.year}22{firms.n:06d}" if granted and tier == "高新技术企业" else None,
                       "批次": f"{granted.year}年第{1 + granted.month // 7}批" if granted else None}
                if granted == dt.date(2020, 11, 20) and i < 60:
                    row["重新认定申报日期"] = dt.date(2023, 5, 20)  # renewal filed; the other 50 are warned about
                rows.append(row)
                if status in ("培育库", "拟申报", "已申报"):
                    pooled.append(firm)
                if tier == "专精特新中小企业" and granted and i < 8:  # some are also national 小巨人
                    rows.append({**firm, "梯度类别": "专精特新小巨人", "状态": "已认定", "级别": "国家级",
                                 "认定日期": dt.date(granted.year, 7, 15)})
    return rows, pooled


def build_enterprises(context: dict[str, Any]) -> None:
    """The demo's registry on 净月高新区 and the plan's tier indicators reading from it."""
    plan: Plan = context["plan"]
    rng = random.Random("jy-2023-enterprises")
    rows, pooled = _rows(rng)
    with translation.override("zh-hans"):
        existing = bulk.load_existing(plan.unit, bulk.row_codes(rows))
        checker = bulk.RowChecker()
        checked = []
        for number, values in enumerate(rows, start=2):
            row, problems = checker.check(number, {k: v for k, v in values.items() if v is not None}, existing)
            if problems or row is None:
                raise InputRejected(problems)
            checked.append(row)
        bulk.apply_rows(plan.unit, checked, existing, None, plan.code)
    _figures(plan, pooled, rng)
    _indicators(plan, context.get("coordinator"))


def _figures(plan: Plan, pooled: list[dict[str, Any]], rng: random.Random) -> None:
    """Two years of figures for every firm in a pool, some just short of a threshold."""
    by_code = {e.credit_code: e for e in Enterprise.objects.within(plan.unit).filter(
        credit_code__in=[f["统一社会信用代码"] for f in pooled])}
    for firm in pooled:
        e = by_code[firm["统一社会信用代码"]]
        Enterprise.objects.filter(pk=e.pk).update(registered_on=dt.date(rng.randint(2008, 2020), rng.randint(1, 12), 1))
        e.refresh_from_db()
        revenue = Decimal(rng.choice((800, 1500, 3200, 4800, 7600, 12000, 26000)))
        staff = rng.randint(20, 300)
        for year, scale in ((2021, Decimal("0.8")), (2022, Decimal(1))):
            services.save_year(e, {"year": year, "revenue": revenue * scale,
                                   "rd_expense": (revenue * scale * Decimal(rng.uniform(0.02, 0.07))).quantize(Decimal(1)),
                                   "staff_total": staff, "tech_staff": int(staff * rng.uniform(0.05, 0.3)),
                                   "ip_class1": rng.randint(0, 4), "ip_class2": rng.randint(0, 12),
                                   "equity_financing": rng.choice((0, 0, 500, 2000))}, today=DEMO_DAY)


def _indicators(plan: Plan, user: Any) -> None:
    """The seed's 500 / 100 / 12 targets read the registry instead of typed monthly values."""
    inds = {i.name: i for i in Indicator.objects.filter(plan=plan, name__in=TIER_SOURCES).select_related("node")}
    for name, tiers in TIER_SOURCES.items():
        ind = inds.get(name)
        if ind is not None:
            save_indicator(ind.node, {"source": SOURCE, "source_options": {"tiers": tiers}, "curve": CURVES[name]},
                           user, indicator=ind)
    ReportValue.objects.filter(indicator__in=list(inds.values())).delete()
    bump_revision(plan)
