"""The offices' own supervision sheets, built as they arrive: the audit 整改清单 (title rows, a
三行表头 with merged groups, 截至 date in the title) and the remote-sensing point ledger (问题编码,
经度/纬度 in 度分秒, 核查单位/时间/人, 是否销号). Both import whole; their exports round-trip."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.supervision.models import SupervisionItem


def _xlsx(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


AUDIT_ROWS: list[list[Any]] = [
    ["净月高新区2023年审计发现问题整改清单（示例）"] + [None] * 9,
    ["填报单位：净月高新区重点工作推进办公室（盖章）", None, None, None, None, None, None, "截至2023年6月30日", None, None],
    ["序号", "审计发现问题", None, None, "整改落实", None, None, None, None, None],
    [None, "问题编码", "问题描述", "问题来源", "整改责任", None, "整改时限", "整改情况", None, None],
    [None, None, None, None, "责任单位", "包保领导", None, "整改状态", "是否销号", "销号时间"],
    [1, "SJ-2023-01", "部分专项资金拨付滞后（示例）", "审计", "项目服务中心", "郑海（示例）", dt.date(2023, 6, 30),
     "已整改", "是", dt.date(2023, 6, 20)],
    [2, "SJ-2023-02", "政府投资项目结算审核不及时（示例）", "审计", "科技创新局", "王明（示例）", "长期坚持",
     "整改中", "否", None],
    [3, "SJ-2023-03", "未按规定公开招投标信息（示例）", "审计", "项目服务中心", "郑海（示例）", dt.date(2023, 9, 30),
     "未整改", "否", None],
]
AUDIT_MERGES = ("A1:J1", "A3:A5", "B3:D3", "E3:J3", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:G5", "H4:J4")

SATELLITE_ROWS: list[list[Any]] = [
    ["2023年第3季度卫片图斑核查台账（示例）"] + [None] * 10,
    ["问题编码", "图斑类型", "问题描述", "经度", "纬度", "图斑面积", "核查单位", "核查时间", "核查人", "是否销号",
     "销号时间"],
    ["WP-2023Q3-001", "建筑工地", "工地裸土未苫盖（示例）", "125°27′10″", "43°49′05″", 1200, "生态环境分局",
     dt.date(2023, 7, 20), "张三（示例）", "是", dt.date(2023, 8, 1)],
    ["WP-2023Q3-002", "物料堆场", "砂石料露天堆放（示例）", "125度28分3.5秒", "43度50分12秒", "860.5", "生态环境分局",
     "2023-07-21", "李四（示例）", "否", None],
    ["WP-2023Q3-003", "裸露地面", "裸露地面未绿化（示例）", "125°26'40\"", "43°48'30\"", 2300, None, None, None,
     "否", None],
]


def _import(cast: Any, data: bytes, **options: Any) -> Any:
    return import_ledger(data, "ledger.xlsx", "supervision", cast.plan, cast.coordinator, **options)


def test_the_audit_list_with_a_three_row_header_imports_whole(cast: Any) -> None:
    result = _import(cast, _xlsx(AUDIT_ROWS, AUDIT_MERGES))
    assert result.ok, result.errors or result.file_error
    assert result.created == 3
    assert result.reading.header_rows == (3, 5)
    assert any("截至2023年6月30日" in t for t in result.table.titles)  # title rows are read, not imported
    first = SupervisionItem.objects.select_related("lead_unit").get(code="SJ-2023-01")
    assert (first.status, first.closed_on, first.lead_unit.name, first.leader) == (
        "已销号", dt.date(2023, 6, 20), "项目服务中心", "郑海（示例）")
    second = SupervisionItem.objects.get(code="SJ-2023-02")
    assert second.long_term and second.status == "办理中" and second.source == "审计"
    assert SupervisionItem.objects.get(code="SJ-2023-03").deadline == dt.date(2023, 9, 30)


def test_a_bad_cell_under_the_three_row_header_names_its_sheet_row_and_writes_nothing(cast: Any) -> None:
    rows = [list(r) for r in AUDIT_ROWS]
    rows[7][3] = "审查"  # not a source
    result = _import(cast, _xlsx(rows, AUDIT_MERGES))
    assert not result.ok
    (error,) = result.errors
    assert error.row == 8 and error.column == "问题来源" and "审查" in error.message
    assert not SupervisionItem.objects.exists()


def test_the_satellite_point_ledger_imports_with_dms_and_verification(cast: Any) -> None:
    result = _import(cast, _xlsx(SATELLITE_ROWS))
    assert result.ok, result.errors or result.file_error
    assert result.created == 3
    closed = SupervisionItem.objects.get(code="WP-2023Q3-001")
    assert closed.status == "已销号" and closed.verifier == "张三（示例）" and closed.finding_type == "建筑工地"
    assert float(closed.lng) == pytest.approx(125 + 27 / 60 + 10 / 3600, abs=1e-6)
    assert float(closed.lat) == pytest.approx(43 + 49 / 60 + 5 / 3600, abs=1e-6)
    heap = SupervisionItem.objects.get(code="WP-2023Q3-002")
    assert float(heap.lng) == pytest.approx(125 + 28 / 60 + 3.5 / 3600, abs=1e-6)
    assert float(heap.area) == 860.5 and heap.verified_on == dt.date(2023, 7, 21)


def test_a_satellite_finding_closed_without_verification_is_refused_by_row(cast: Any) -> None:
    rows = [list(r) for r in SATELLITE_ROWS]
    rows[4][9], rows[4][10] = "是", dt.date(2023, 8, 2)
    rows[4].append("遥感图斑")
    rows[1].append("来源")
    for r in rows[2:4]:
        r.append("遥感图斑")
    result = _import(cast, _xlsx(rows))
    assert not result.ok
    (error,) = result.errors
    assert error.row == 5 and error.column == "是否销号" and "核查" in error.message
    assert not SupervisionItem.objects.exists()


@pytest.mark.parametrize(("column", "value", "needle"), [(3, "125°61′10″", "经度"), (4, "北纬四十三度", "纬度"),
                                                         (3, "25°27′10″", "经度")])
def test_malformed_or_foreign_coordinates_name_the_column(cast: Any, column: int, value: str, needle: str) -> None:
    rows = [list(r) for r in SATELLITE_ROWS]
    rows[2][column] = value
    result = _import(cast, _xlsx(rows))
    assert not result.ok
    assert any(e.row == 3 and needle in (e.column or "") for e in result.errors), result.errors
    assert not SupervisionItem.objects.exists()


@pytest.mark.parametrize(("rows", "merges"), [(AUDIT_ROWS, AUDIT_MERGES), (SATELLITE_ROWS, ())])
def test_the_export_of_either_shape_reimports_unchanged(cast: Any, rows: list[list[Any]], merges: tuple[str, ...]
                                                        ) -> None:
    assert _import(cast, _xlsx(rows, merges)).ok
    before = {i.code: (i.status, i.closed_on, i.lng, i.lat, i.deadline, i.long_term, i.verifier)
              for i in SupervisionItem.objects.all()}
    data = export_ledger("supervision", cast.plan, cast.coordinator)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row >= len(before) + 1
    again = _import(cast, data)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(before))
    after = {i.code: (i.status, i.closed_on, i.lng, i.lat, i.deadline, i.long_term, i.verifier)
             for i in SupervisionItem.objects.all()}
    assert after == before
