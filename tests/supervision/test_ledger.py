"""The supervision ledger: contract §3 headers and aliases, bad input by row and column, round trip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.supervision.models import ItemEvent, SupervisionItem
from tests.supervision.conftest import load

HEADER = ["编号", "事项名称", "来源", "批次", "牵头单位", "责任领导", "交办日期", "整改时限", "状态", "是否销号", "销号日期",
          "经度", "纬度", "图斑类型", "核查单位", "核查时间", "核查人"]


def _rows(*rows: list[Any]) -> list[list[Any]]:
    return [HEADER, *rows]


def test_it_imports_items_with_dms_coordinates_and_long_term(cast: Any) -> None:
    result = load(cast, _rows(
        ["TB-1", "裸露地面未苫盖", "遥感图斑", "2023年第3季度卫片", "项目服务中心", "", "2023-07-10", "2023-08-10",
         "已销号", "是", "2023-08-01", "125°27′10″", "43度49分5秒", "裸露地面", "生态环境分局", "2023-07-20", "张三"],
        ["DC-2", "建立长效机制", "督察反馈", "第二轮中央生态环境保护督察", "项目服务中心", "郑海", "2023-01-05", "长期坚持",
         "未整改", "", "", "", "", "", "", "", ""],
    ))
    assert result.ok, result.errors
    assert result.created == 2
    tb = SupervisionItem.objects.get(code="TB-1")
    assert tb.status == "已销号" and tb.closed_on == dt.date(2023, 8, 1)
    assert float(tb.lng) == pytest.approx(125 + 27 / 60 + 10 / 3600, abs=1e-6)
    assert float(tb.lat) == pytest.approx(43 + 49 / 60 + 5 / 3600, abs=1e-6)
    dc = SupervisionItem.objects.get(code="DC-2")
    assert dc.long_term and dc.deadline is None and dc.status == "办理中"
    assert ItemEvent.objects.filter(item=dc, kind="assigned").exists()


def test_it_reads_english_and_alias_headers_and_warns_of_unknown_ones(cast: Any) -> None:
    result = load(cast, [["问题编码", "反馈问题", "问题来源", "办结时限", "交办日期", "责任单位", "整改状态", "备用列"],
                         ["A1", "问题一", "审计", "2023-05-01", "2023-04-01", "项目服务中心", "已整改", "x"]])
    assert result.ok, result.errors
    assert any("备用列" in w for w in result.warnings)
    result = load(cast, [["code", "title", "source", "deadline", "assigned", "lead unit", "closed", "closed on"],
                         ["A2", "问题二", "巡察", "2023-05-01", "2023-04-01", "项目服务中心", "是", "2023-04-20"]])
    assert result.ok, result.errors
    a1, a2 = SupervisionItem.objects.order_by("code")
    assert (a1.source, a1.status, a1.deadline) == ("审计", "已办结", dt.date(2023, 5, 1))
    assert (a2.source, a2.status, a2.closed_on) == ("巡察", "已销号", dt.date(2023, 4, 20))


@pytest.mark.parametrize(("cells", "column", "words"), [
    ({"来源": "网络舆情"}, "来源", "来源"),
    ({"图斑类型": "鱼塘"}, "图斑类型", "图斑类型"),
    ({"整改时限": "2023-02-01"}, "整改时限", "早于交办日期"),
    ({"状态": "已销号"}, "销号日期", "销号日期"),
    ({"是否销号": "是", "销号日期": "2023-02-01"}, "销号日期", "早于交办日期"),
    ({"来源": "遥感图斑", "是否销号": "是", "销号日期": "2023-04-01"}, "是否销号", "核查"),
    ({"经度": "2.35", "纬度": "48.85"}, "经度", "中国"),
    ({"经度": "125°77′10″", "纬度": "43°49′5″"}, "经度", "度分秒"),
    ({"经度": "东经abc", "纬度": "43.8"}, "经度", "经度"),
])
def test_bad_input_names_row_and_column_and_writes_nothing(cast: Any, cells: dict[str, str], column: str,
                                                           words: str) -> None:
    base = {"编号": "X1", "事项名称": "问题", "交办日期": "2023-03-01", "牵头单位": "项目服务中心"}
    base.update(cells)
    header = list(base)
    result = load(cast, [header, [base[h] for h in header]])
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert words in result.errors[0].message
    assert not SupervisionItem.objects.exists()


def test_a_bad_row_anywhere_writes_nothing(cast: Any) -> None:
    result = load(cast, _rows(["A", "一", "审计", "", "项目服务中心", "", "2023-03-01", "2023-04-01", "", "", "",
                               "", "", "", "", "", ""],
                              ["A", "二", "审计", "", "项目服务中心", "", "2023-03-01", "2023-04-01", "", "", "",
                               "", "", "", "", "", ""]))
    assert not result.ok and result.errors[0].row == 3
    assert not SupervisionItem.objects.exists()


def test_an_unknown_unit_is_an_error_unless_asked_to_create(cast: Any) -> None:
    rows = [["编号", "事项名称", "牵头单位"], ["A", "一", "新成立的局"]]
    assert not load(cast, rows).ok
    assert load(cast, rows, create_units=True).ok
    assert SupervisionItem.objects.get(code="A").lead_unit.name == "新成立的局"


def test_the_export_reimports_unchanged(cast: Any) -> None:
    load(cast, _rows(
        ["TB-1", "裸露地面未苫盖", "遥感图斑", "2023年第3季度卫片", "项目服务中心", "", "2023-07-10", "2023-08-10",
         "已销号", "是", "2023-08-01", "125°27′10″", "43度49分5秒", "裸露地面", "生态环境分局", "2023-07-20", "张三"],
        ["DC-2", "建立长效机制", "督察反馈", "第二轮中央生态环境保护督察", "项目服务中心", "郑海", "2023-01-05", "长期坚持",
         "未整改", "", "", "", "", "", "", "", ""],
    ))
    data = export_ledger("supervision", cast.plan, cast.coordinator)
    again = import_ledger(data, "export.xlsx", "supervision", cast.plan, cast.coordinator)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_reimport_with_a_new_state_updates_and_records_history(cast: Any) -> None:
    from shigongtu.audit.models import AuditEntry

    load(cast, [["编号", "事项名称", "状态"], ["A", "一", "办理中"]])
    result = load(cast, [["编号", "事项名称", "状态"], ["A", "一", "已完成"]])
    assert result.ok and result.updated == 1
    assert SupervisionItem.objects.get(code="A").status == "已办结"
    assert AuditEntry.objects.filter(object_type="supervision_item", action="update").count() == 1
    assert ItemEvent.objects.filter(kind="imported").count() == 1
