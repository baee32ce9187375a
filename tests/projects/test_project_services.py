"""Writing projects: create, update, versions, history, bad input, lifecycle, approvals, problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.projects.models import ApprovalItem, Project, ProjectProblem, StageChange
from shigongtu.projects.services.approvals import ensure_checklist, save_approval
from shigongtu.projects.services.problems import save_problem
from shigongtu.projects.services.projects import change_stage, delete_project, save_project

from .conftest import CREDIT, NATIONAL, make_project


def _rejected(cast, data, project=None):
    before = Project.objects.count(), AuditEntry.objects.count()
    with pytest.raises(InputRejected) as exc:
        save_project(cast.plan, {"code": "P-BAD", "name": "坏数据", **data}, project=project)
    assert (Project.objects.count(), AuditEntry.objects.count()) == before
    return exc.value.problems


def test_a_project_is_created_with_its_codes_normalised_and_amounts_in_wan(cast):
    p = make_project(cast, national_code="2023 220104 48 01 123456".replace(" ", ""), owner_credit_code=CREDIT.lower(),
                     total_investment="1.2亿", annual_plan="3,500万元")
    assert p.national_code == NATIONAL
    assert p.owner_credit_code == CREDIT
    assert p.total_investment == Decimal(12000)
    assert p.annual_plan == Decimal(3500)
    assert p.stage == "谋划"


def test_creating_a_project_records_it_in_the_history(cast, project):
    entry = AuditEntry.objects.filter(object_type="project", object_id=str(project.pk)).get()
    assert entry.action == "create"
    assert entry.changes["name"] == [None, "测试项目P-001"]


def test_the_same_code_cannot_be_used_twice_in_a_plan(cast, project):
    problems = _rejected(cast, {"code": "P-001"})
    assert problems[0].field == "code"


@pytest.mark.parametrize(("field", "value", "words"), [
    ("national_code", "2023-2201-48-01-123456", "项目代码格式不对"),
    ("owner_credit_code", "91220101MA0Y4L7Q61", "校验位不符"),
    ("total_investment", "-5", "不能为负数"),
    ("annual_plan", "很多", "无法识别"),
    ("stage", "施工中", "未知的项目阶段"),
    ("nature", "翻新", "应为"),
    ("planned_start", "2023-02-30", "只有28天"),
    ("lead_unit", "不存在的局", "不存在"),
    ("nodes", "9.9", "没有编号为9.9"),
    ("code", "有 空格", "项目编号"),
])
def test_bad_input_names_the_field_and_writes_nothing(cast, field, value, words):
    problems = _rejected(cast, {field: value})
    assert [p.field for p in problems] == [field]
    assert words in problems[0].message


def test_completion_before_start_is_refused_on_the_completion(cast):
    problems = _rejected(cast, {"planned_start": "2023-05-01", "planned_completion": "2023-04-30"})
    assert [p.field for p in problems] == ["planned_completion"]


@time_machine.travel(dt.datetime(2023, 6, 15, 10, tzinfo=dt.UTC))
def test_an_actual_start_in_the_future_is_refused(cast):
    problems = _rejected(cast, {"actual_start": "2023-07-01", "stage": "在建"})
    assert "在今天" in problems[0].message and problems[0].field == "actual_start"


def test_a_started_project_cannot_stay_in_a_pre_start_stage(cast):
    problems = _rejected(cast, {"actual_start": "2023-03-01", "stage": "前期"})
    assert [p.field for p in problems] == ["stage"]


def test_coordinates_outside_china_are_refused_with_a_hint(cast):
    problems = _rejected(cast, {"lng": "43.79", "lat": "125.45"})
    assert problems[0].field == "lng" and "填反" in problems[0].message


def test_coordinates_come_in_pairs(cast):
    assert _rejected(cast, {"lng": "125.45"})[0].field == "lat"


def test_gcj02_coordinates_are_stored_in_wgs84(cast):
    p = make_project(cast, lng="125.458", lat="43.795", crs="高德")
    assert p.crs == "GCJ02"
    assert abs(float(p.lng) - 125.458) > 0.001  # shifted back by the GCJ02 offset
    assert abs(float(p.lng) - 125.458) < 0.02


def test_every_problem_of_a_row_is_reported_at_once(cast):
    problems = _rejected(cast, {"total_investment": "-1", "owner_credit_code": "123", "stage": "x"})
    assert {p.field for p in problems} == {"total_investment", "owner_credit_code", "stage"}


def test_an_update_bumps_the_version_and_a_stale_one_conflicts(cast, project):
    updated = save_project(cast.plan, {"leader": "张三"}, project=project, expected_version=1)
    assert updated.version == 2
    with pytest.raises(Conflict):
        save_project(cast.plan, {"leader": "李四"}, project=project, expected_version=1)
    assert Project.objects.get(pk=project.pk).leader == "张三"


def test_an_update_without_changes_writes_nothing(cast, project):
    count = AuditEntry.objects.count()
    save_project(cast.plan, {"name": project.name}, project=project)
    assert AuditEntry.objects.count() == count


def test_only_the_plans_managers_create_projects(cast):
    with pytest.raises(NotAllowed):
        save_project(cast.plan, {"code": "X", "name": "x"}, user=cast.reporter)
    with pytest.raises(NotAllowed):
        save_project(cast.plan, {"code": "X", "name": "x"}, user=cast.outsider)
    assert save_project(cast.plan, {"code": "X", "name": "x"}, user=cast.coordinator).pk


def test_a_project_serves_plan_nodes(cast):
    p = make_project(cast, nodes="1.1、1.2")
    assert sorted(p.nodes.values_list("code", flat=True)) == ["1.1", "1.2"]


def test_year_kind_follows_the_start(cast):
    assert make_project(cast, "A", actual_start="2022-05-01", stage="在建").year_kind == "续建"
    assert make_project(cast, "B", actual_start="2023-05-01", stage="在建").year_kind == "新开工"


# -- lifecycle ------------------------------------------------------------------------------

@time_machine.travel(dt.datetime(2023, 5, 20, 10, tzinfo=dt.UTC))
def test_starting_a_project_sets_its_actual_start_and_flags_missing_approvals(cast, project):
    ensure_checklist(project)
    entry = change_stage(project, "在建", user=cast.reporter, on=dt.date(2023, 5, 18))
    project.refresh_from_db()
    assert project.stage == "在建"
    assert project.actual_start == dt.date(2023, 5, 18)
    assert entry.flags[0]["kind"] == "started_without_approvals"
    assert "施工许可" in entry.flags[0]["missing"]


@time_machine.travel(dt.datetime(2023, 5, 20, 10, tzinfo=dt.UTC))
def test_a_stage_change_the_lifecycle_forbids_is_refused(cast):
    p = make_project(cast, actual_start="2023-04-01", stage="在建")
    with pytest.raises(InputRejected) as exc:
        change_stage(p, "谋划", user=cast.coordinator)
    assert exc.value.problems[0].field == "stage"
    assert StageChange.objects.filter(project=p).count() == 1  # only the creation


def test_viewers_cannot_change_a_stage(cast, project):
    with pytest.raises(NotAllowed):
        change_stage(project, "前期", user=cast.viewer)


def test_completing_a_project_records_its_completion(cast):
    p = make_project(cast, actual_start="2022-04-01", stage="在建")
    change_stage(p, "竣工", on=dt.date(2023, 6, 30))
    p.refresh_from_db()
    assert p.actual_completion == dt.date(2023, 6, 30)


# -- approvals ------------------------------------------------------------------------------

def test_a_new_checklist_has_the_usual_items(project):
    assert ensure_checklist(project) == 10
    assert ensure_checklist(project) == 0
    assert project.approvals.filter(kind="施工许可", required=True).exists()


def test_clearing_the_last_required_approval_makes_the_project_ready(cast, project):
    ensure_checklist(project)
    for item in project.approvals.filter(required=True):
        save_approval(project, {"status": "已取得", "doc_no": "净高审批〔2023〕1号", "issued_on": "2023-03-01"},
                      cast.reporter, item)
    project.refresh_from_db()
    assert project.stage == "具备开工条件"
    assert project.stage_changes.last().note == "前期手续已全部办结"


def test_an_approval_valid_before_it_was_issued_is_refused(cast, project):
    with pytest.raises(InputRejected) as exc:
        save_approval(project, {"kind": "环评", "status": "已取得", "issued_on": "2023-03-01",
                                "valid_until": "2023-02-01"}, cast.coordinator)
    assert exc.value.problems[0].field == "valid_until"
    assert not ApprovalItem.objects.exists()


def test_an_unknown_approval_status_is_refused(cast, project):
    with pytest.raises(InputRejected) as exc:
        save_approval(project, {"kind": "环评", "status": "差不多了"}, cast.coordinator)
    assert exc.value.problems[0].field == "status"


# -- problems -------------------------------------------------------------------------------

@time_machine.travel(dt.datetime(2023, 6, 1, 10, tzinfo=dt.UTC))
def test_a_problem_is_tracked_to_its_resolution(cast, project):
    item = save_problem(project, {"title": "用地未清表", "kind": "用地", "needs_coordination": True,
                                  "responsible_unit": "科技创新局", "deadline": "2023-06-30"}, cast.reporter)
    assert item.status == "待协调" and item.responsible_unit == cast.other_dept
    item = save_problem(project, {"status": "已解决", "resolution": "已清表"}, cast.reporter, item)
    assert item.resolved_on == dt.date(2023, 6, 1)
    assert ProjectProblem.objects.get().version == 2


def test_a_problem_needs_a_title(cast, project):
    with pytest.raises(InputRejected) as exc:
        save_problem(project, {"kind": "用地"}, cast.reporter)
    assert exc.value.problems[0].field == "title"


def test_a_project_with_reports_is_not_deleted(cast, project):
    from shigongtu.projects.services.investment import submit_investment

    with time_machine.travel(dt.datetime(2023, 6, 10, tzinfo=dt.UTC)):
        submit_investment(project, {"period": "2023-05", "amount": "100"})
    with pytest.raises(InputRejected):
        delete_project(project, cast.coordinator)
    assert Project.objects.filter(pk=project.pk).exists()
