"""Dashboard tests run on 10 July 2023 on the cast's plan JY-T, given a month of reports, two
indicators and three projects: June is the latest complete month, June's reports were due by 5 July."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from shigongtu.plans import services
from shigongtu.projects.services.investment import submit_investment
from shigongtu.projects.services.projects import save_project

TODAY = dt.datetime(2023, 7, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
AS_OF = dt.date(2023, 6, 30)
FAI_CURVE = [0.0125, 0.025, 0.055, 0.125, 0.235, 0.365, 0.495, 0.625, 0.755, 0.875, 0.955, 1.0]


@pytest.fixture(autouse=True)
def _july_2023() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    # Test databases reuse ids and the frozen clock repeats timestamps: start every test cold.
    cache.clear()
    yield
    cache.clear()


def file(cast: Any, code: str, period: str, progress: float, **data: Any) -> Any:
    return services.file_report(cast.node(code), period, {"progress": progress, **data})


@pytest.fixture
def dash(cast: Any) -> Any:
    return add_dashboard_data(cast)


def add_dashboard_data(cast: Any) -> Any:
    """The cast's plan with reports to June, a headline indicator and a plain one, and projects."""
    services.save_indicator(cast.node("1.2"), {"name": "固定资产投资", "unit": "亿元", "kind": "flow", "target": 100,
                                               "curve": FAI_CURVE, "headline": True})
    services.save_indicator(cast.node("2.1"), {"name": "高新技术企业", "unit": "家", "kind": "stock", "target": 50,
                                               "headline": True})
    services.save_indicator(cast.node("2.1"), {"name": "科技活动", "unit": "场", "kind": "flow", "target": 12})
    file(cast, "1.1", "2023-05", 60)                                   # due 31 May: overdue, red
    for month, value in ((4, 8), (5, 9), (6, 12)):
        file(cast, "1.2", f"2023-{month:02d}", 10 * month, values={"固定资产投资": value})
    file(cast, "2.1", "2023-05", 30, values={"高新技术企业": 21})        # no June report: missing
    base = {"lead_unit": cast.dept, "total_investment": Decimal(8000), "annual_plan": Decimal(3000)}
    save_project(cast.plan, {**base, "code": "P-1", "name": "算力中心", "stage": "在建",
                             "planned_start": dt.date(2023, 4, 1), "actual_start": dt.date(2023, 4, 10),
                             "lng": Decimal("125.45"), "lat": Decimal("43.79")}, today=dt.date(2023, 7, 10))
    save_project(cast.plan, {**base, "code": "P-2", "name": "数据中心", "stage": "前期",
                             "planned_start": dt.date(2023, 3, 1), "lng": Decimal("125.50"),
                             "lat": Decimal("43.80")}, today=dt.date(2023, 7, 10))
    save_project(cast.plan, {"code": "P-3", "name": "人才公寓", "lead_unit": cast.other_dept,
                             "total_investment": Decimal(600), "annual_plan": Decimal(300),
                             "stage": "谋划"}, today=dt.date(2023, 7, 10))
    p1 = cast.plan.projects.get(code="P-1")
    for month, amount in ((4, 300), (5, 500), (6, 700)):
        submit_investment(p1, {"period": f"2023-{month:02d}", "amount": amount}, today=dt.date(2023, 7, 10))
    cast.plan.refresh_from_db()
    return cast
