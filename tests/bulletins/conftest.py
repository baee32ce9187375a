"""A small plan with a half year of reports, filed on realistic days, for bulletin tests.

Built on the shared cast's plan JY-T (fronts 1 项目建设 and 2 创新): dated tasks, an
investment indicator in 亿元 with a plan curve and a count indicator, Jan–Jun reports
(filed by the 5th of the next month, except one late and one missing in June), and
problems and next steps in June's reports. Time is frozen on 2023-07-10.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from shigongtu.lib.periods import Period
from shigongtu.plans import services
from shigongtu.plans.models import Plan

TZ = dt.timezone(dt.timedelta(hours=8))
CURVE = [0.0125, 0.025, 0.055, 0.125, 0.235, 0.365, 0.495, 0.625, 0.755, 0.875, 0.955, 1.0]
JUNE = Period(2023, 6)
INVEST = [0.4, 0.9, 2.1, 5.3, 9.8, 8.04]  # 亿元 by month (flow): 26.54 by June


def at(day: dt.date, hour: int = 10) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def build(cast: Any) -> Plan:
    plan = cast.plan
    with at(dt.date(2023, 1, 3)):
        services.save_node(plan, "1.1", {"start": dt.date(2023, 3, 1), "due": dt.date(2023, 5, 31),
                                         "leader": "王副主任"})
        services.save_node(plan, "1.2", {"start": dt.date(2023, 1, 1), "due": dt.date(2023, 7, 31),
                                         "leader": "王副主任"})
        services.save_node(plan, "1.3", {"title": "固定资产投资突破80亿元", "lead_unit": cast.dept,
                                         "leader": "李主任"})
        services.save_node(plan, "2.1", {"start": dt.date(2023, 2, 1), "due": dt.date(2023, 6, 30), "leader": "赵局长"})
        services.save_node(plan, "2.2", {"title": "举办创新创业大赛", "lead_unit": cast.other_dept,
                                         "start": dt.date(2023, 4, 1), "due": dt.date(2023, 12, 31)})
        services.save_node(plan, "2.3", {"title": "已取消的试点", "lead_unit": cast.other_dept, "cancelled": True})
        services.save_indicator(cast.node("1.3"), {"name": "固定资产投资", "unit": "亿元", "kind": "flow",
                                                   "target": Decimal("80"), "curve": CURVE, "headline": True})
        services.save_indicator(cast.node("2.1"), {"name": "高新技术企业", "unit": "家", "kind": "stock",
                                                   "target": Decimal("40")})
        services.set_plan_status(plan, Plan.Status.PUBLISHED)
    progress = {"1.1": [0, 0, 20, 60, 85, 90], "1.2": [5, 12, 20, 30, 40, 48], "1.3": [5, 10, 15, 25, 35, 39],
                "2.1": [0, 10, 20, 35, 45, 60], "2.2": [0, 0, 0, 5, 8, 9]}
    for month in range(1, 7):
        filed = dt.date(2023, month + 1, 3)
        for code, values in progress.items():
            if month == 6 and code == "2.2":
                continue  # June's report of 2.2 never comes: missing
            node = cast.node(code)
            if node.start and node.start > Period(2023, month).last_day:
                continue
            day = dt.date(2023, 7, 8) if (month == 6 and code == "1.2") else filed  # late
            data: dict[str, Any] = {"progress": Decimal(values[month - 1])}
            if code == "1.3":
                data["values"] = {"固定资产投资": INVEST[month - 1]}
            if code == "2.1":
                data["values"] = {"高新技术企业": 20 + month}
            if month == 6 and code in ("1.1", "2.1"):
                data["problems"] = "用地手续办理滞后。"
                data["next_steps"] = "倒排工期，7月底前完成。"
            with at(day):
                services.file_report(node, f"2023-{month:02d}", data)
    return plan


@pytest.fixture
def june_plan(cast: Any) -> Plan:
    plan = build(cast)
    with at(dt.date(2023, 7, 10)):
        yield plan


@pytest.fixture
def frozen() -> Any:
    with at(dt.date(2023, 7, 10)):
        yield
