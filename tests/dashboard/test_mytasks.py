"""My tasks: the leaves a reporter must report this month, what came back, drafts; the coordinator's queue."""

from __future__ import annotations

import datetime as dt

from shigongtu.dashboard.mytasks import my_tasks
from shigongtu.plans import services
from tests.dashboard.conftest import file

TODAY = dt.date(2023, 7, 10)


def jy(tasks):
    return next(t for t in tasks if t.code == "JY-T")


def test_a_reporter_must_report_june_for_the_leaves_of_their_unit(dash):
    t = jy(my_tasks(dash.reporter, TODAY))
    assert t.period.key == "2023-06" and t.deadline == dt.date(2023, 7, 5) and t.late
    assert [n.code for n in t.due] == ["1.1"]             # 1.2 filed June; 2.1 belongs to another unit
    assert (t.expected, t.filed) == (2, 1)


def test_a_task_done_earlier_needs_no_report(dash):
    file(dash, "1.1", "2023-05", 100)
    t = jy(my_tasks(dash.reporter, TODAY))
    assert t.due == []


def test_a_returned_report_is_listed_once_with_its_reason(dash):
    report = file(dash, "1.1", "2023-06", 70)
    services.review_report(report, False, user=dash.coordinator, reason="请补充佐证材料")
    t = jy(my_tasks(dash.reporter, TODAY))
    assert [(r.code, r.reason) for r in t.returned] == [("1.1", "请补充佐证材料")]
    assert t.due == []
    body = dash.client("reporter").get("/my/").content.decode()
    assert f"/plans/JY-T/nodes/1.1/?edit={report.pk}#report-panel" in body and "请补充佐证材料" in body


def test_drafts_are_listed_and_do_not_count_as_filed(dash):
    services.file_report(dash.node("1.1"), "2023-06", {"progress": 70}, submit=False)
    t = jy(my_tasks(dash.reporter, TODAY))
    assert [d.code for d in t.drafts] == ["1.1"]
    assert [n.code for n in t.due] == ["1.1"]


def test_the_projects_due_are_those_of_the_unit_started_without_a_june_report(dash):
    t = jy(my_tasks(dash.reporter, TODAY))
    assert t.projects_due == []            # P-1 reported June; P-2 has not started
    other = jy(my_tasks(dash.coordinator, TODAY))
    assert other.projects_due == []        # a coordinator reports nothing by unit


def test_a_coordinator_sees_the_reports_waiting_for_review(dash):
    t = jy(my_tasks(dash.coordinator, TODAY))
    assert t.review_waiting == 5
    body = dash.client("coordinator").get("/my/").content.decode()
    assert "/plans/JY-T/review/" in body


def test_a_viewer_has_nothing_to_do(dash):
    assert my_tasks(dash.viewer, TODAY) == []
    assert "没有需要您填报的施工图" in dash.client("viewer").get("/my/").content.decode()
