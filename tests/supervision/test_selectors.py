"""The read model: contract §4 document and summary at d, lights in SQL equal lights in Python,
filters, the card, the map and the bulletin section; and the ``shigongtu supervision`` command."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command

from shigongtu.lib.periods import Period
from shigongtu.supervision import selectors
from shigongtu.supervision.models import SupervisionItem
from tests.supervision.conftest import load

HEADER = ["编号", "事项名称", "来源", "批次", "牵头单位", "责任领导", "交办日期", "整改时限", "状态", "销号日期", "经度", "纬度",
          "图斑类型"]
ROWS = [
    ["A-1", "已销号的", "督察反馈", "第二轮中央生态环境保护督察", "项目服务中心", "郑海（示例）", "2023-01-05", "2023-03-31", "已销号",
     "2023-03-20", "", "", ""],
    ["A-2", "逾期的", "督察反馈", "第二轮中央生态环境保护督察", "项目服务中心", "郑海（示例）", "2023-01-05", "2023-05-31", "办理中",
     "", "", "", ""],
    ["A-3", "临期的", "审计", "", "科技创新局", "李四（示例）", "2023-05-01", "2023-06-17", "办理中", "", "", "", ""],
    ["A-4", "长期的", "督察反馈", "第二轮中央生态环境保护督察", "科技创新局", "", "2023-01-05", "长期坚持", "办理中", "", "", "", ""],
    ["A-5", "已办结的", "遥感图斑", "2023年第2季度卫片", "项目服务中心", "", "2023-04-10", "2023-05-10", "已办结", "",
     "125°27′10″", "43°49′05″", "物料堆场"],
    ["A-6", "正常的", "遥感图斑", "2023年第2季度卫片", "科技创新局", "", "2023-04-10", "2023-09-10", "已交办", "",
     "125.40", "43.85", "建筑工地"],
    ["A-7", "后来销号的", "信访", "", "项目服务中心", "", "2023-02-01", "2023-05-01", "已销号", "2023-07-01", "", "", ""],
]
D = dt.date(2023, 6, 15)


@pytest.fixture
def ledger(cast: Any) -> None:
    result = load(cast, [HEADER, *ROWS])
    assert result.ok, result.errors


def test_the_command_prints_the_contract_document(cast: Any, ledger: None, capsys: Any) -> None:
    call_command("supervision", "--plan", "JY-T", "--as-of", "2023-06-15", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"] == "JY-T" and doc["as_of"] == "2023-06-15"
    lights = {i["code"]: i["light"] for i in doc["items"]}
    assert lights == {"A-1": "done", "A-2": "red", "A-3": "yellow", "A-4": "green", "A-5": "done", "A-6": "green",
                      "A-7": "red"}
    a4 = next(i for i in doc["items"] if i["code"] == "A-4")
    assert a4["deadline"] is None and a4["closed_on"] is None and a4["lead_unit"] == "科技创新局"
    a5 = next(i for i in doc["items"] if i["code"] == "A-5")
    assert a5["longitude"] == pytest.approx(125.452778, abs=1e-6) and a5["status"] == "已办结"
    for key in ("code", "title", "source", "status", "deadline", "closed_on", "light", "lead_unit", "longitude",
                "latitude"):
        assert key in a5
    assert doc["summary"] == {"total": 7, "closed": 1, "done": 2, "overdue": 2, "closure_rate": 1 / 7}


def test_closure_counts_from_the_closing_date(cast: Any, ledger: None) -> None:
    s = selectors.summary(cast.plan, dt.date(2023, 7, 1))
    assert (s.closed, s.done, s.closure_rate) == (2, 3, 2 / 7)
    assert selectors.summary(cast.plan, dt.date(2023, 3, 19)).closed == 0


@pytest.mark.parametrize("day", [dt.date(2023, 1, 1), dt.date(2023, 5, 31), D, dt.date(2023, 6, 16),
                                 dt.date(2023, 9, 30)])
def test_lights_in_sql_equal_lights_in_python(cast: Any, ledger: None, day: dt.date) -> None:
    shown = {i.code: selectors.light_of(i, day) for i in SupervisionItem.objects.all()}
    for light in ("red", "yellow", "green", "done"):
        in_sql = set(SupervisionItem.objects.filter(selectors.light_q(light, day)).values_list("code", flat=True))
        assert in_sql == {c for c, v in shown.items() if v == light}, (light, day)


def test_filters(cast: Any, ledger: None) -> None:
    def codes(**params: str) -> list[str]:
        flt = selectors.ItemFilter.from_params(params)
        return sorted(flt.apply(selectors.items(cast.plan), D).values_list("code", flat=True))

    assert codes(source="遥感图斑") == ["A-5", "A-6"]
    assert codes(campaign="第二轮中央生态环境保护督察") == ["A-1", "A-2", "A-4"]
    assert codes(state="办理中") == ["A-2", "A-3", "A-4"]
    assert codes(light="yellow") == ["A-3"]
    assert codes(overdue="1") == ["A-2", "A-7"]
    assert codes(unit=str(cast.other_dept.pk)) == ["A-3", "A-4", "A-6"]
    assert selectors.ItemFilter.from_params({"source": "x"}).problems == [("source", "x")]


def test_card_map_and_bulletin_section(cast: Any, ledger: None) -> None:
    card = selectors.card(cast.plan, D)
    assert card.summary.total == 7 and card.lights == {"red": 2, "yellow": 1, "green": 2, "done": 2}
    assert [(g.unit, g.count) for g in card.overdue_by_unit] == [("项目服务中心", 2)]
    points = selectors.map_points(cast.plan, D)
    assert {(p["code"], p["type"], p["light"]) for p in points} == {("A-5", "物料堆场", "done"),
                                                                    ("A-6", "建筑工地", "green")}
    facts = selectors.bulletin_section(cast.plan, Period(2023, 3))
    assert (facts.total, facts.closed_this_month, facts.closed) == (7, 1, 1)
    text = "".join(selectors.bulletin_sentences(cast.plan, Period(2023, 6)))
    assert "逾期未办结3项" in text and "项目服务中心2项（郑海（示例）），科技创新局1项" in text


def test_the_kept_card_and_map_follow_every_write(cast: Any, ledger: None) -> None:
    from shigongtu.plans.models import Plan
    from shigongtu.supervision import services

    assert selectors.card(cast.plan, D).summary.total == 7
    assert len(selectors.map_points(cast.plan, D)) == 2
    services.save_item(cast.plan, {"code": "N-1", "title": "新图斑", "source": "遥感图斑", "assigned_on": "2023-06-01",
                                   "deadline": "2023-06-10", "lng": "125.45", "lat": "43.8"}, cast.coordinator)
    plan = Plan.objects.get(pk=cast.plan.pk)
    fresh = selectors.tally(selectors.items(plan), D)
    assert selectors.card(plan, D).summary == selectors.summary_of(*fresh)
    assert selectors.card(plan, D).summary.total == 8
    assert json.loads(selectors.map_json(plan, D))["points"] == selectors.map_points(plan, D)
    assert {p["code"]: p["light"] for p in selectors.map_points(plan, D)}["N-1"] == "red"
