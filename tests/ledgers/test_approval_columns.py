"""A county 调度表 carrying its approvals as ten √ columns (contract §3, "Ledgers as offices keep
them"): each mark is written through the approvals ledger's path, with its history. Project
names are the seed's; the 文号 is illustrative (示例)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.engine import annotated_copy, import_ledger
from shigongtu.ledgers.kinds.approval_columns import read_cell
from shigongtu.projects.models import ApprovalItem, Project
from tests.ledgers.helpers import sheet_values, xlsx

NOW = "2023-07-10 10:00 +0800"
TODAY = dt.date(2023, 7, 10)
TEN = ["立项", "环评", "用地预审", "土地批文", "用地规划许可证", "工程规划许可证", "施工许可证", "节能", "水土保持",
       "稳评"]


def run(cast, data, **kw):
    return import_ledger(data, "调度表.xlsx", "projects", cast.plan, None, **kw)


def county_sheet(first=None, second=None, extra=None):
    """Title, a two-row header with 前期手续办理情况 over ten approval columns, no 项目编号."""
    first = first or ["√", "2023年3月15日", "是", "已取得", "吉发改备〔2023〕12号（示例）", "/", None, "无需", "不涉及",
                      "已办"]
    second = second or [None] * 10
    head = ["序号", "项目名称", "项目阶段", "前期手续办理情况", *[None] * 9]
    names = [None, None, None, *TEN]
    rows = [[1, "长春市算力中心", "前期手续办理", *first], [2, "净月未来城数据中心", "前期手续办理", *second]]
    if extra is not None:
        head.append(None)
        names.append(extra[0])
        rows[0].append(extra[1])
        rows[1].append(None)
    return xlsx([["净月高新区重点项目建设情况调度表（截至2023年6月底）"], head, names, *rows], merges=["D2:M2"])


def lines(name):
    return {i.kind: i for i in ApprovalItem.objects.filter(project__name=name)}


@time_machine.travel(NOW)
def test_ten_tick_columns_become_the_projects_checklist_lines(cast):
    result = run(cast, county_sheet())
    assert result.ok, result.errors
    got = lines("长春市算力中心")
    assert got["立项（备案）"].status == "已取得"
    assert got["环评"].status == "已取得" and got["环评"].issued_on == dt.date(2023, 3, 15)
    assert got["用地预审与选址"].status == "已取得"
    assert got["土地出让/划拨"].status == "已取得"
    assert got["建设用地规划许可"].doc_no == "吉发改备〔2023〕12号（示例）"
    assert got["建设工程规划许可"].status == "无需办理"
    assert "施工许可" not in got  # empty: left as it is
    assert got["节能审查"].status == "无需办理" and got["水土保持"].status == "无需办理"
    assert got["社会稳定风险评估"].status == "已取得"
    assert lines("净月未来城数据中心") == {}


@time_machine.travel(NOW)
def test_tick_columns_keep_the_same_history_as_the_approvals_ledger(cast):
    assert run(cast, county_sheet()).ok
    item = lines("长春市算力中心")["环评"]
    entry = AuditEntry.objects.get(object_type="approval", object_id=item.pk)
    assert entry.action == "create" and entry.object_label.endswith("· 环评")


@time_machine.travel(NOW)
def test_a_tick_on_an_unchanged_project_updates_only_its_line(cast):
    assert run(cast, county_sheet()).ok
    item = lines("长春市算力中心")["环评"]
    again = run(cast, county_sheet(first=["√", "2023年3月15日", "是", "已取得", "吉发改备〔2023〕12号（示例）", "/",
                                          "√", "无需", "不涉及", "已办"]))
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert again.changes[0].changes["施工许可证"] == [None, "已取得"]
    assert lines("长春市算力中心")["施工许可"].status == "已取得"
    item.refresh_from_db()
    assert item.issued_on == dt.date(2023, 3, 15)  # a line the file repeats is not rewritten


@time_machine.travel(NOW)
def test_a_tick_keeps_the_date_already_recorded(cast):
    assert run(cast, county_sheet()).ok
    assert run(cast, county_sheet(first=["√", "√", *[None] * 8])).ok
    assert lines("长春市算力中心")["环评"].issued_on == dt.date(2023, 3, 15)


@time_machine.travel(NOW)
def test_the_project_approval_column_names_the_projects_own_line(cast):
    project = Project.objects.create(plan=cast.plan, code="P-1", name="长春市算力中心", stage="前期")
    ApprovalItem.objects.create(project=project, kind="立项（核准）", sort=1)
    assert run(cast, county_sheet()).ok
    assert lines("长春市算力中心")["立项（核准）"].status == "已取得"
    assert "立项（备案）" not in lines("长春市算力中心")


@time_machine.travel(NOW)
def test_a_dry_run_previews_the_lines_and_writes_nothing(cast):
    result = run(cast, county_sheet(), dry_run=True)
    assert result.ok, result.errors
    assert result.changes[0].changes["环评"] == [None, "已取得（2023年3月15日）"]
    assert ApprovalItem.objects.count() == 0 and Project.objects.count() == 0


@time_machine.travel(NOW)
def test_a_tick_under_an_unknown_approval_kind_names_row_column_and_value(cast):
    result = run(cast, county_sheet(extra=("人防审批", "√")))
    assert not result.ok
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (4, "人防审批", "√")
    assert "人防审批" in error.message and "not a known approval kind" in error.message_en
    assert Project.objects.count() == 0 and ApprovalItem.objects.count() == 0


@time_machine.travel(NOW)
def test_an_unknown_column_without_ticks_is_only_ignored(cast):
    result = run(cast, county_sheet(extra=("是否省重点", "是")))
    assert result.ok, result.errors
    assert any("是否省重点" in w for w in result.warnings)


@time_machine.travel(NOW)
@pytest.mark.parametrize("bad", ["好像办了", "2030-01-01", 3.5])
def test_an_unreadable_approval_cell_names_row_column_and_value(cast, bad):
    result = run(cast, county_sheet(second=[None, bad, *[None] * 8]))
    assert not result.ok
    (error,) = result.errors
    assert (error.row, error.column) == (5, "环评")
    assert Project.objects.count() == 0 and ApprovalItem.objects.count() == 0


@time_machine.travel(NOW)
def test_the_marked_workbook_shows_a_bad_approval_cell(cast):
    data = county_sheet(second=[None, "好像办了", *[None] * 8])
    result = run(cast, data)
    marked = annotated_copy(data, "调度表.xlsx", result)
    assert marked is not None
    errors = sheet_values(marked, 1)
    assert any("好像办了" in str(v) for row in errors for v in row)


@time_machine.travel(NOW)
def test_ticks_that_clear_every_required_line_make_the_project_ready(cast):
    project = Project.objects.create(plan=cast.plan, code="P-1", name="长春市算力中心", stage="前期")
    ApprovalItem.objects.create(project=project, kind="环评", sort=1)
    assert run(cast, county_sheet(first=[None, "√", *[None] * 8])).ok
    project.refresh_from_db()
    assert project.stage == "具备开工条件"


@pytest.mark.parametrize(("raw", "status"), [
    ("√", "已取得"), ("✓", "已取得"), ("是", "已取得"), ("已办", "已取得"), ("已取得", "已取得"),
    ("/", "无需办理"), ("无需", "无需办理"), ("不涉及", "无需办理"), ("办理中", "办理中"),
])
def test_marks_read_as_statuses(raw, status):
    data, problem = read_cell(raw, TODAY)
    assert problem is None and data == {"status": status}


def test_a_date_means_obtained_on_that_date_and_a_document_number_is_kept():
    assert read_cell(dt.datetime(2023, 4, 1), TODAY)[0] == {"status": "已取得", "issued_on": dt.date(2023, 4, 1)}
    assert read_cell("2023.4.1", TODAY)[0] == {"status": "已取得", "issued_on": dt.date(2023, 4, 1)}
    assert read_cell("长环审〔2023〕8号", TODAY)[0] == {"status": "已取得", "doc_no": "长环审〔2023〕8号"}
    assert read_cell(None, TODAY) == (None, None)
