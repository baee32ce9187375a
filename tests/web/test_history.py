"""The change history as people read it: field names in the interface language, values formatted, people by name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from shigongtu.audit import services as audit
from shigongtu.audit.models import AuditEntry
from shigongtu.projects.services.projects import save_project
from shigongtu.web.history import history_rows


@pytest.fixture
def project(cast: Any) -> Any:
    cast.coordinator.first_name = "统筹办小李"
    cast.coordinator.save()
    return save_project(cast.plan, {"code": "P-1", "name": "算力中心", "stage": "前期", "lead_unit": cast.dept,
                                    "total_investment": Decimal(8000), "planned_start": dt.date(2023, 4, 1),
                                    "in_statistics": False}, user=cast.coordinator, today=dt.date(2023, 7, 10))


def entry(cast: Any, changes: dict[str, Any]) -> AuditEntry:
    audit.record("update", "project", 1, changes, "coord", "P-1 算力中心", cast.plan.code)
    return AuditEntry.objects.order_by("-seq").first()  # type: ignore[return-value]


def test_values_are_formatted_and_people_named(cast: Any, project: Any) -> None:
    e = entry(cast, {"planned_start": ["2023-04-01", "2023-05-15"], "total_investment": ["8000", "9500.5"],
                     "in_statistics": [False, True], "lead_unit_id": [cast.dept.pk, cast.other_dept.pk],
                     "stage": ["前期", "在建"]})
    row = history_rows([e])[0]
    assert row["actor"] == "统筹办小李" and row["action"] == "修改"
    assert sorted(row["changes"]) == sorted([
        ("计划开工时间", "2023年4月1日", "2023年5月15日"), ("总投资", "8,000 万元", "9,500.5 万元"),
        ("是否入统", "否", "是"), ("责任单位", "项目服务中心", "科技创新局"), ("项目阶段", "前期", "在建")])


def test_in_english_names_and_values_are_english(cast: Any, project: Any) -> None:
    e = entry(cast, {"planned_start": ["2023-04-01", None], "in_statistics": [False, True], "stage": ["前期", "在建"],
                     "status": ["submitted", "returned"]})
    with translation.override("en"):
        row = history_rows([e])[0]
    assert row["action"] == "changed"
    changes = {label: (old, new) for label, old, new in row["changes"]}
    assert changes["Planned start"] == ("1 Apr 2023", "—")
    assert changes["In statistics"] == ("No", "Yes")
    assert changes["Stage"] == ("Preparation", "Under construction")
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in old + new) for old, new in changes.values()), changes


def test_the_project_page_history_shows_no_ids_or_python_literals(cast: Any, project: Any) -> None:
    body = cast.client("coordinator").get(f"/plans/JY-T/projects/{project.code}/").content.decode()
    history = body[body.index('id="history"'):]
    assert "统筹办小李" in history and "项目服务中心" in history
    assert "lead_unit_id" not in history and "False" not in history and "[" not in history.split("</section>")[0]


@pytest.fixture
def worked_node(cast: Any) -> Any:
    """A node whose facts, indicator and report were changed by a named coordinator."""
    from shigongtu.plans import services as plans

    cast.coordinator.first_name = "统筹办小李"
    cast.coordinator.save()
    node = cast.node("1.1")
    plans.save_node(cast.plan, "1.1", {"due": dt.date(2023, 6, 30), "lead_unit": cast.other_dept,
                                       "cancelled": False}, user=cast.coordinator)
    plans.save_indicator(node, {"name": "开工项目", "unit": "个", "kind": "stock", "target": Decimal(10)},
                         user=cast.coordinator)
    return node


def node_history(body: str) -> str:
    return body[body.index('id="history"'):].split("</section>")[0]


def test_the_node_page_shows_its_history_with_names_and_formatted_values(cast: Any, worked_node: Any) -> None:
    history = node_history(cast.client("coordinator").get("/plans/JY-T/nodes/1.1/").content.decode())
    assert "统筹办小李" in history and "科技创新局" in history and "2023年6月30日" in history
    assert "完成时限" in history and "牵头单位" in history and "存量" in history
    assert "lead_unit_id" not in history and "stock" not in history and "[" not in history


def test_the_node_page_history_is_english_in_english(cast: Any, worked_node: Any) -> None:
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    history = node_history(client.get("/plans/JY-T/nodes/1.1/").content.decode())
    translation.deactivate()
    assert "Change history" in history and "Due" in history and "30 Jun 2023" in history
    assert "Lead unit" in history and "Stock" in history
    assert "完成时限" not in history and "存量" not in history


def test_report_statuses_and_indicator_values_are_named(cast: Any) -> None:
    audit.record("return", "report", 7, {"status": ["submitted", "returned"], "指标:开工项目": [None, "3"],
                                         "progress": ["40", "55.5"]}, "coord", "1.1 2023-06", cast.plan.code)
    e = AuditEntry.objects.order_by("-seq").first()
    changes = {label: (old, new) for label, old, new in history_rows([e])[0]["changes"]}
    assert changes["状态"] == ("已提交", "已退回") and changes["指标：开工项目"] == ("—", "3")
    assert changes["进度（%）"] == ("40%", "55.5%")
    with translation.override("en"):
        changes = {label: (old, new) for label, old, new in history_rows([e])[0]["changes"]}
    assert changes["Status"] == ("Submitted", "Returned") and changes["Indicator: 开工项目"] == ("—", "3")
