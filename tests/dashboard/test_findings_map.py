"""The dashboard map's second layer: located 督办事项 (卫片图斑, findings) as diamonds coloured by
light, the finding type in the tooltip, over the projects; for the whole plan only."""

from __future__ import annotations

from typing import Any

import pytest

from shigongtu.supervision import services

MAP = "/plans/JY-T/dashboard/charts/map.json"


@pytest.fixture
def findings(dash: Any) -> Any:
    for code, deadline, kind, lng in (("TB-1", "2023-06-10", "裸露地面", "125°27′10″"),
                                      ("TB-2", "2023-09-30", "物料堆场", "125.47"),
                                      ("TB-3", "2023-07-02", "建筑工地", "125.45")):
        services.save_item(dash.plan, {"code": code, "title": f"图斑{code}（示例）", "source": "遥感图斑",
                                       "finding_type": kind, "lead_unit": dash.dept, "assigned_on": "2023-05-01",
                                       "deadline": deadline, "lng": lng, "lat": "43.82"}, dash.coordinator)
    services.save_item(dash.plan, {"code": "NO-XY", "title": "无坐标事项", "lead_unit": dash.dept,
                                   "assigned_on": "2023-05-01", "deadline": "2023-06-01"}, dash.coordinator)
    return dash


def _finding_series(option: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {s["name"]: s["data"] for s in option["series"] if s.get("symbol") == "diamond"}


def test_findings_are_a_second_series_by_light_with_the_type_in_the_tooltip(findings: Any) -> None:
    option = findings.client("viewer").get(MAP).json()
    series = _finding_series(option)
    assert set(series) == {"督办逾期", "督办正常", "督办临期"}
    (red,) = series["督办逾期"]
    assert red["name"].startswith("TB-1 ") and "裸露地面" in red["name"]
    assert red["url"] == "/plans/JY-T/supervision/TB-1/"
    assert "物料堆场" in series["督办正常"][0]["name"] and "建筑工地" in series["督办临期"][0]["name"]
    colours = {s["name"]: s["itemStyle"]["color"] for s in option["series"] if s.get("symbol") == "diamond"}
    assert colours["督办逾期"] == "#d3362c"
    assert any(s.get("symbol") != "diamond" for s in option["series"])  # the projects stay on the map


def test_the_dashboard_counts_the_located_findings(findings: Any) -> None:
    response = findings.client("viewer").get("/plans/JY-T/dashboard/")
    d = response.context["d"]
    assert d.findings.located == 3 and [p["code"] for p in d.findings.points] == ["TB-1", "TB-3", "TB-2"]
    assert "3 项督办事项有坐标" in response.content.decode()


def test_a_unit_s_dashboard_leaves_the_findings_to_the_plan(findings: Any) -> None:
    client = findings.client("coordinator")
    response = client.get("/plans/JY-T/dashboard/", {"unit": findings.dept.pk})
    assert response.context["d"].findings is None


def test_the_map_speaks_english(findings: Any) -> None:
    client = findings.client("viewer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/plans/JY-T/dashboard/"})
    series = _finding_series(client.get(MAP).json())
    names = " ".join(p["name"] for data in series.values() for p in data)
    assert "bare ground" in names and "裸露地面" not in names
    assert "Items overdue" in series
