"""The approvals (前期手续台账) and special-bond (专项债项目台账) ledgers: real-looking files in,
every problem named by row, column and value, all or nothing, dry-run diffs, round trips,
bounded queries, and the API, CLI and pages with the new kinds."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers import kinds as registry
from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.ledgers.io import RawRow
from shigongtu.ledgers.kinds.base import ImportContext
from shigongtu.ledgers.models import ImportRecord
from shigongtu.lib.errors import Conflict
from shigongtu.projects.models import ApprovalItem, BondProject, BondStateChange, Project, StageChange
from shigongtu.projects.services.approvals import ensure_checklist, save_approval
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.projects import save_project
from tests.ledgers.helpers import csv_bytes, sheet_values, xlsx

TODAY = dt.date(2023, 7, 10)
APPROVAL_HEADER = ["项目编号", "项目名称", "手续类型", "是否必需", "办理状态", "批复文号", "批复日期", "有效期至",
                   "计划完成日期", "经办部门"]
BOND_HEADER = ["项目编号", "项目名称", "状态", "申请额度", "用作资本金", "收益覆盖倍数", "申报日期", "实施方案",
               "财务评价报告", "法律意见书", "备注"]


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel("2023-07-10 10:00 +0800", tick=False):
        yield


def make_project(cast, code, stage="前期", checklist=True, **fields):
    data = {"code": code, "name": f"测试项目{code}", "lead_unit": cast.dept, "total_investment": Decimal(10000),
            "stage": stage, **fields}
    project = save_project(cast.plan, data, today=TODAY)
    if checklist:
        ensure_checklist(project)
    return project


@pytest.fixture
def projects(cast):
    return [make_project(cast, "P-1"), make_project(cast, "P-2", checklist=False)]


def run(cast, data, kind, name="台账.xlsx", **kw):
    return import_ledger(data, name, kind, cast.plan, None, **kw)


def item(code, kind):
    return ApprovalItem.objects.get(project__code=code, kind=kind)


def errors_of(result):
    return {(e.row, e.column, e.value) for e in result.errors}


# -- approvals: import, preview, round trip ------------------------------------------------

def test_an_approvals_ledger_with_a_title_row_updates_the_checklist(cast, projects):
    before = item("P-1", "环评")
    data = xlsx([
        ["2023年重点项目前期手续台账"],
        APPROVAL_HEADER,
        ["P-1", "测试项目P-1", "环评", "是", "已取得", "长环审〔2023〕12号", "2023年3月15日", "2028-03-14", None,
         "市生态环境局"],
        ["P-1", None, "水土保持", "否", "办理中", None, None, None, "2023年9月", "区水务局"],
        ["P-2", None, "施工许可", None, None, None, None, None, "2023-10-31", None],
        ["合计", None, None, None, None, None, None, None, None, None],
    ])
    result = run(cast, data, "approvals")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    after = item("P-1", "环评")
    assert (after.status, after.doc_no, after.issued_on, after.valid_until, after.handling_unit) == (
        "已取得", "长环审〔2023〕12号", dt.date(2023, 3, 15), dt.date(2028, 3, 14), "市生态环境局")
    assert after.version == before.version + 1
    water = item("P-1", "水土保持")
    assert (water.required, water.status, water.planned_by) == (False, "办理中", dt.date(2023, 9, 30))
    assert water.sort > max(i.sort for i in ApprovalItem.objects.filter(project__code="P-1").exclude(pk=water.pk))
    permit = item("P-2", "施工许可")
    assert (permit.required, permit.status, permit.planned_by) == (True, "未启动", dt.date(2023, 10, 31))
    entries = AuditEntry.objects.filter(object_type="approval", object_id=str(after.pk))
    assert entries.get().changes["status"] == ["未启动", "已取得"]
    assert AuditEntry.objects.filter(object_type="approval", action="create").count() == 2
    assert Project.objects.get(code="P-1").stage == "前期"


def test_clearing_the_last_required_approvals_makes_the_project_ready_to_start(cast, projects):
    required = [i.kind for i in ApprovalItem.objects.filter(project__code="P-1", required=True)]
    rows = [["P-1", kind, "已取得", "2023-06-01"] for kind in required[:-1]] + [["P-1", required[-1], "无需办理", None]]
    data = xlsx([["项目编号", "手续类型", "办理状态", "批复日期"], *rows])
    preview = run(cast, data, "approvals", dry_run=True)
    assert preview.ok, preview.errors
    assert any("P-1" in w and "具备开工条件" in w for w in preview.warnings)
    assert Project.objects.get(code="P-1").stage == "前期"
    result = run(cast, data, "approvals")
    assert result.ok and result.updated == len(required)
    project = Project.objects.get(code="P-1")
    assert project.stage == "具备开工条件" and project.version == projects[0].version + 1
    change = StageChange.objects.filter(project=project).latest("id")
    assert (change.from_stage, change.to_stage, change.effective) == ("前期", "具备开工条件", TODAY)
    assert AuditEntry.objects.filter(object_type="project", object_id=str(project.pk), action="stage").exists()


def test_an_approvals_dry_run_shows_each_change_old_to_new_and_writes_nothing(cast, projects):
    data = xlsx([APPROVAL_HEADER,
                 ["P-1", None, "环评", "是", "已取得", "环审12号", "2023-03-15", None, None, None],
                 ["P-1", None, "节能审查", "是", "未启动", None, None, None, None, None],
                 ["P-2", None, "立项（备案）", None, "办理中", None, None, None, None, None]])
    audit_before = AuditEntry.objects.count()
    result = run(cast, data, "approvals", dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    changes = {c.key: (c.action, c.changes) for c in result.changes}
    assert changes["P-1 环评"] == ("update", {"办理状态": ["未启动", "已取得"], "批复文号": ["", "环审12号"],
                                              "批复日期": [None, "2023-03-15"]})
    assert changes["P-2 立项（备案）"] == ("create", {"手续类型": [None, "立项（备案）"], "是否必需": [None, "是"],
                                                   "办理状态": [None, "办理中"]})
    assert "P-1 节能审查" not in changes
    assert item("P-1", "环评").status == "未启动" and not ApprovalItem.objects.filter(project__code="P-2").exists()
    assert AuditEntry.objects.count() == audit_before


def test_the_approvals_export_reimports_unchanged(cast, projects):
    data = xlsx([APPROVAL_HEADER,
                 ["P-1", None, "环评", "是", "已取得", "长环审〔2023〕12号", dt.datetime(2023, 3, 15), "2028年3月", None,
                  "生态局"],
                 ["P-2", None, "施工许可证", "否", "不涉及", None, None, None, None, None]])
    assert run(cast, data, "approvals").ok
    exported = export_ledger("approvals", cast.plan)
    rows = sheet_values(exported)
    assert rows[1] == APPROVAL_HEADER  # a title above the header
    again = run(cast, exported, "approvals")
    assert again.ok, again.errors
    count = ApprovalItem.objects.count()
    assert (again.created, again.updated, again.unchanged) == (0, 0, count)
    assert item("P-1", "环评").valid_until == dt.date(2028, 3, 31)  # a month given as a deadline: its last day


def test_common_names_for_approval_kinds_and_statuses_are_understood(cast, projects):
    data = csv_bytes([["code", "approval", "status"],
                      ["P-1", "施工许可证", "已办结"],
                      ["P-1", "环境影响评价", "不需办理"],
                      ["P-1", "立项(备案)", "正在办理"]], "gb18030")
    result = run(cast, data, "approvals", name="手续.csv")
    assert result.ok, result.errors
    assert result.created == 0
    assert [item("P-1", k).status for k in ("施工许可", "环评", "立项（备案）")] == ["已取得", "无需办理", "办理中"]


def test_bad_approval_cells_are_named_by_row_column_and_value_and_nothing_is_written(cast, projects):
    data = xlsx([
        ["2023年前期手续台账"],
        ["项目编号", "手续类型", "是否必需", "办理状态（下拉）", "批复文号", "批复日期（年月日）", "有效期至"],
        ["P-1", "环评", "是", "已取得", "环审1号", "2023-03-01", "2025-01-01"],  # good
        ["P-9", "环评", None, None, None, None, None],
        ["P-1", "拆迁许可", None, None, None, None, None],
        ["P-1", "立项", None, None, None, None, None],
        ["P-1", "节能审查", "也许", "差不多", None, None, None],
        ["P-1", "水土保持", None, None, None, "2023-02-30", None],
        ["P-1", "施工许可", None, None, None, "2023-08-01", None],
        ["P-1", "施工图审查", None, None, None, "2023-05-01", "2023-04-30"],
        ["P-1", "环境影响评价", None, None, None, None, None],
        ["P-1", "土地出让/划拨", None, None, "号" * 101, None, None],
        [None, "环评", None, None, None, None, None],
    ])
    result = run(cast, data, "approvals")
    assert not result.ok
    assert errors_of(result) == {
        (4, "项目编号", "P-9"),
        (5, "手续类型", "拆迁许可"),
        (6, "手续类型", "立项"),
        (7, "是否必需", "也许"), (7, "办理状态（下拉）", "差不多"),
        (8, "批复日期（年月日）", "2023-02-30"),
        (9, "批复日期（年月日）", "2023-08-01"),
        (10, "有效期至", "2023-04-30"),
        (11, "手续类型", "环境影响评价"),
        (12, "批复文号", "号" * 101),
        (13, "项目编号", None),
    }
    messages = {e.row: e.message for e in result.errors}
    assert "没有项目编号为 P-9" in messages[4] and "未知的手续类型" in messages[5]
    assert "立项（备案）" in messages[6] and "晚于今天" in messages[9] and "早于批复日期" in messages[10]
    assert "重复（第 3 行已有）" in messages[11]
    assert item("P-1", "环评").status == "未启动"
    assert not AuditEntry.objects.filter(object_type="approval").exists()


def test_an_approvals_export_is_scoped_styled_and_explained(cast, projects):
    assert not list(registry.get("approvals").export_rows(cast.plan, cast.outsider))
    assert len(list(registry.get("approvals").export_rows(cast.plan, cast.viewer))) == ApprovalItem.objects.count()
    only_p1 = list(registry.get("approvals").export_rows(cast.plan, None, {"q": "P-1"}))
    assert {r["项目编号"] for r in only_p1} == {"P-1"}
    book = load_workbook(io.BytesIO(export_ledger("approvals", cast.plan, cast.viewer)))
    sheet = book.worksheets[0]
    dropdowns = {str(dv.sqref).split(":")[0][0] for dv in sheet.data_validations.dataValidation}
    assert {"C", "D", "E"} <= dropdowns  # 手续类型, 是否必需, 办理状态
    notes = " ".join(str(c) for row in book["填表说明"].iter_rows(values_only=True) for c in row if c)
    assert "不删除" in notes and "具备开工条件" in notes


def test_a_checklist_line_changed_after_the_check_is_a_conflict(cast, projects):
    kind = registry.get("approvals")
    data = {"项目编号": "P-1", "手续类型": "环评", "办理状态": "已取得"}
    ctx = ImportContext(plan=cast.plan, user=None, create_units=False, headers={k: k for k in data}, extra_headers=[])
    rows = [RawRow(2, data)]
    kind.prepare(ctx, rows)
    plans = list(kind.check(ctx, rows))
    save_approval(projects[0], {"doc_no": "别人改的"}, item=item("P-1", "环评"), today=TODAY)
    with pytest.raises(Conflict):
        kind.apply(ctx, plans)


# -- bonds ---------------------------------------------------------------------------------

def test_a_bonds_ledger_opens_bond_records_in_wan(cast, projects):
    data = xlsx([
        ["2023年专项债项目台账"],
        ["项目编号", "状态", "申请额度（亿元）", "用作资本金", "收益覆盖倍数", "申报日期", "实施方案", "财务评价报告",
         "法律意见书", "备注"],
        ["P-1", "审核通过", 0.5, "是", "1.25倍", "2023年2月1日", "是", "是", "否", "第一批申报"],
        ["P-2", None, "3500万", None, None, None, None, None, None, None],
    ])
    result = run(cast, data, "bonds")
    assert result.ok, result.errors
    assert result.created == 2
    first = BondProject.objects.get(project__code="P-1")
    assert (first.state, first.requested_amount, first.capital_use, first.coverage_ratio, first.declared_on) == (
        "审核通过", Decimal(5000), True, Decimal("1.25"), dt.date(2023, 2, 1))
    assert (first.has_plan_doc, first.has_finance_report, first.has_legal_opinion, first.notes) == (
        True, True, False, "第一批申报")
    moves = list(BondStateChange.objects.filter(bond=first).values_list("from_state", "to_state"))
    assert moves == [("", "谋划"), ("谋划", "审核通过")]
    second = BondProject.objects.get(project__code="P-2")
    assert (second.state, second.requested_amount, second.declared_on) == ("谋划", Decimal(3500), None)
    created = AuditEntry.objects.get(object_type="bond", object_id=str(first.pk))
    assert created.action == "create" and created.changes["state"] == [None, "审核通过"]


def test_a_bond_state_moves_one_step_of_the_pipeline_with_a_diff_in_the_dry_run(cast, projects):
    bond = save_bond(projects[0], {"requested_amount": "5000"}, today=TODAY)
    data = xlsx([["项目编号", "状态", "申请额度", "申报日期"], ["P-1", "储备申报", "6000", "2023-06-20"]])
    preview = run(cast, data, "bonds", dry_run=True)
    assert preview.ok, preview.errors
    assert preview.changes[0].changes == {"状态": ["谋划", "储备申报"], "申请额度": ["5000", "6000"],
                                          "申报日期": [None, "2023-06-20"]}
    assert BondProject.objects.get(pk=bond.pk).state == "谋划"
    assert run(cast, data, "bonds").ok
    bond.refresh_from_db()
    assert (bond.state, bond.requested_amount, bond.declared_on, bond.version) == (
        "储备申报", Decimal(6000), dt.date(2023, 6, 20), 2)
    move = BondStateChange.objects.filter(bond=bond).latest("id")
    assert (move.from_state, move.to_state, move.effective) == ("谋划", "储备申报", dt.date(2023, 6, 20))
    actions = list(AuditEntry.objects.filter(object_type="bond", object_id=str(bond.pk)).order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["create", "update", "state"]


def test_a_project_name_that_differs_from_the_platform_is_a_warning_and_not_imported(cast, projects):
    data = xlsx([["项目编号", "项目名称", "状态"], ["P-1", "测试项目P-1", "谋划"], ["P-2", "别的项目", "谋划"]])
    result = run(cast, data, "bonds")
    assert result.ok and result.created == 2
    [warning] = [w for w in result.warnings if "项目名称" in w]
    assert "第 3 行 P-2" in warning and "别的项目" in warning and "第 2 行" not in warning
    assert Project.objects.get(code="P-2").name == "测试项目P-2"


def test_a_bond_state_the_pipeline_does_not_allow_is_a_row_error(cast, projects):
    bond = save_bond(projects[0], {"requested_amount": "5000"}, today=TODAY)
    result = run(cast, xlsx([["项目编号", "状态"], ["P-1", "已发行"]]), "bonds")
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column, error.value) == (2, "状态", "已发行")
    assert "不能从「谋划」转为「已发行」" in error.message and "储备申报" in error.message
    assert BondProject.objects.get(pk=bond.pk).state == "谋划"


def test_the_quota_and_spent_states_wait_for_the_money(cast, projects):
    bond = save_bond(projects[0], {"requested_amount": "5000", "state": "审核通过"}, today=TODAY)
    result = run(cast, xlsx([["项目编号", "状态"], ["P-1", "额度已下达"]]), "bonds")
    assert not result.ok and "额度批次" in result.errors[0].message
    add_movement(bond, "quota", {"amount": "3000", "date": "2023-03-01", "batch": "第一批"}, today=TODAY)
    add_movement(bond, "disbursement", {"amount": "3000", "date": "2023-03-20"}, today=TODAY)
    add_movement(bond, "expenditure", {"amount": "1000", "date": "2023-04-20"}, today=TODAY)
    bond.refresh_from_db()
    assert bond.state == "支出中"
    early = run(cast, xlsx([["项目编号", "状态"], ["P-1", "支出完毕"]]), "bonds")
    assert not early.ok and "累计支出 1000 万元尚未达到已下达额度 3000 万元" in early.errors[0].message
    add_movement(bond, "expenditure", {"amount": "2000", "date": "2023-05-20"}, today=TODAY)
    assert run(cast, xlsx([["项目编号", "状态"], ["P-1", "支出完毕"]]), "bonds").ok
    assert BondProject.objects.get(pk=bond.pk).state == "支出完毕"


def test_bad_bond_rows_are_named_and_nothing_is_written(cast, projects):
    make_project(cast, "P-3", checklist=False)
    data = xlsx([BOND_HEADER,
                 ["P-1", None, "审核通过", 5000, "是", 1.3, "2023-02-01", "是", "是", "是", None],  # good
                 ["P-X", None, None, 100, None, None, None, None, None, None, None],
                 ["P-1", None, None, 100, None, None, None, None, None, None, None],
                 ["P-2", None, "批了", "-5", "大概", "很高", "2023-12-01", "有", None, None, None],
                 ["P-3", None, None, "9" * 30 + "亿", None, "1e40", None, None, None, None, None]])
    result = run(cast, data, "bonds")
    assert not result.ok
    assert errors_of(result) == {
        (3, "项目编号", "P-X"), (4, "项目编号", "P-1"),
        (5, "状态", "批了"), (5, "申请额度", "-5"), (5, "用作资本金", "大概"), (5, "收益覆盖倍数", "很高"),
        (5, "申报日期", "2023-12-01"), (5, "实施方案", "有"),
        (6, "申请额度", "9" * 30 + "亿"), (6, "收益覆盖倍数", "1e40"),
    }
    assert all(e.message for e in result.errors)
    assert not BondProject.objects.exists() and not AuditEntry.objects.filter(object_type="bond").exists()


def test_the_bonds_export_reimports_unchanged(cast, projects):
    data = csv_bytes([BOND_HEADER,  # a CSV keeps a note that looks like a formula as text
                      ["P-1", None, "储备申报", "1234.5678", "否", 1.2, None, "是", "否", "是", "=SUM(A1)"],
                      ["P-2", None, "谋划", "0.35亿", None, None, None, None, None, None, None]])
    assert run(cast, data, "bonds", name="专项债.csv").ok
    assert BondProject.objects.get(project__code="P-1").declared_on == TODAY  # a declared record is dated
    again = run(cast, export_ledger("bonds", cast.plan), "bonds")
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    p1 = BondProject.objects.get(project__code="P-1")
    assert (p1.requested_amount, p1.coverage_ratio, p1.notes, p1.version) == (
        Decimal("1234.5678"), Decimal("1.20"), "=SUM(A1)", 1)


def test_a_bonds_export_is_scoped_to_the_user(cast, projects):
    save_bond(projects[0], {"requested_amount": "5000"}, today=TODAY)
    kind = registry.get("bonds")
    assert [r["项目编号"] for r in kind.export_rows(cast.plan, cast.viewer)] == ["P-1"]
    assert not list(kind.export_rows(cast.plan, cast.outsider))


# -- bounded queries -----------------------------------------------------------------------

def _many(cast, n):
    made = Project.objects.bulk_create([Project(plan=cast.plan, code=f"Q-{i:03d}", name=f"批量项目{i}", stage="前期")
                                        for i in range(n)])
    ApprovalItem.objects.bulk_create([ApprovalItem(project=p, kind=k, required=r, sort=s)
                                      for p in made for s, (k, r) in enumerate([("环评", True), ("施工许可", True)])])
    BondProject.objects.bulk_create([BondProject(project=p, requested_amount=Decimal(100)) for p in made[: n // 2]])


def _queries(cast, kind, rows, **kw):
    with CaptureQueriesContext(connection) as ctx:
        result = run(cast, xlsx(rows), kind, **kw)
    assert result.ok, result.errors[:3]
    return len(ctx.captured_queries)


def test_checking_an_approvals_file_takes_the_same_queries_for_50_or_200_rows(cast):
    _many(cast, 200)

    def rows(n):
        return [["项目编号", "手续类型", "办理状态", "批复日期"]] + [
            [f"Q-{i:03d}", k, "已取得", "2023-05-01"] for i in range(n // 2) for k in ("环评", "节能审查")]

    assert _queries(cast, "approvals", rows(50), dry_run=True) == _queries(cast, "approvals", rows(200), dry_run=True)
    assert _queries(cast, "approvals", rows(200)) < 60


def test_checking_a_bonds_file_takes_the_same_queries_for_50_or_200_rows(cast):
    _many(cast, 200)

    def rows(n):
        return [["项目编号", "状态", "申请额度"]] + [[f"Q-{i:03d}", "谋划", 200] for i in range(n)]

    assert _queries(cast, "bonds", rows(50), dry_run=True) == _queries(cast, "bonds", rows(200), dry_run=True)
    assert _queries(cast, "bonds", rows(200)) < 60


# -- API, CLI and pages --------------------------------------------------------------------

def test_the_api_imports_and_exports_the_new_kinds(cast, projects):
    client = cast.client("coordinator")
    bad = xlsx([["项目编号", "状态"], ["P-1", "已到期"]])
    save_bond(projects[0], {}, today=TODAY)
    response = client.post("/api/v1/plans/JY-T/ledgers/bonds/import", {"file": SimpleUploadedFile("b.xlsx", bad)})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (2, "状态", "已到期")
    good = xlsx([["项目编号", "手续类型", "办理状态"], ["P-1", "环评", "办理中"]])
    response = client.post("/api/v1/plans/JY-T/ledgers/approvals/import",
                           {"file": SimpleUploadedFile("a.xlsx", good), "dry_run": "true"})
    doc = response.json()
    assert response.status_code == 200 and (doc["ok"], doc["updated"], doc["errors"]) == (True, 1, [])
    assert doc["changes"][0]["fields"] == {"办理状态": ["未启动", "办理中"]}
    exported = client.get("/api/v1/plans/JY-T/ledgers/approvals/export")
    assert exported.status_code == 200
    again = run(cast, exported.content, "approvals")
    assert again.ok and again.unchanged == ApprovalItem.objects.count()


@pytest.mark.parametrize("role,status", [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_only_coordinators_import_the_new_kinds(cast, projects, role, status):
    data = xlsx([["项目编号", "状态"], ["P-1", "谋划"]])
    response = cast.client(role).post("/api/v1/plans/JY-T/ledgers/bonds/import",
                                      {"file": SimpleUploadedFile("b.xlsx", data)})
    assert response.status_code == status
    assert not BondProject.objects.exists()


def test_the_cli_exports_and_reimports_the_new_kinds(cast, projects, tmp_path, capsys):
    save_bond(projects[0], {"requested_amount": "2000", "state": "储备申报"}, today=TODAY)
    for kind in ("approvals", "bonds"):
        path = tmp_path / f"{kind}.xlsx"
        call_command("export", "--kind", kind, "--plan", "JY-T", "-o", str(path))
        capsys.readouterr()
        call_command("import", str(path), "--kind", kind, "--plan", "JY-T", "--json")
        doc = json.loads(capsys.readouterr().out)
        assert (doc["ok"], doc["created"], doc["updated"]) == (True, 0, 0) and doc["unchanged"] > 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["项目编号", "状态"], ["P-1", "已发行"]]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(bad), "--kind", "bonds", "--plan", "JY-T", "--json")
    assert exit_.value.code == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["column"] == "状态"


def test_the_ledger_page_offers_the_new_kinds_and_applies_them_after_preview(cast, projects):
    client = cast.client("coordinator")
    page = client.get("/plans/JY-T/ledgers/").content.decode()
    assert "前期手续台账" in page and "专项债项目台账" in page
    assert client.get("/plans/JY-T/ledgers/export?kind=bonds&template=1").status_code == 200
    data = xlsx([["项目编号", "状态", "申请额度"], ["P-2", "储备申报", "1亿"]])
    response = client.post("/plans/JY-T/ledgers/upload",
                           {"kind": "bonds", "file": SimpleUploadedFile("专项债.xlsx", data)})
    record = ImportRecord.objects.latest("id")
    assert "储备申报" in client.get(response.url).content.decode()
    assert not BondProject.objects.exists()
    client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/apply")
    assert BondProject.objects.get(project__code="P-2").requested_amount == Decimal(10000)
