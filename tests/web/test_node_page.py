"""The node page: facts, ancestors, children, history, the HTMX report form, reviews and node edits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from shigongtu.audit.models import AuditEntry
from shigongtu.plans import services
from shigongtu.plans.models import Report
from shigongtu.plans.selectors import clear_cache
from tests.web.conftest import HTMX

URL = "/plans/JY-T/nodes/1.1/"
SUBMIT = "/plans/JY-T/nodes/1.1/reports"


def good(**extra):
    data = {"period": "2023-06", "progress": "45", "narrative": "完成3个项目开工", "problems": "用地手续慢",
            "next_steps": "加快审批", "action": "submit"}
    data.update(extra)
    return data


def field_errors(html: str, name: str) -> str:
    """The inline error list Django renders under one field (empty when there is none)."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


# -- what the page shows ------------------------------------------------------------------

def test_the_node_page_shows_its_facts_with_effective_dates(cast):
    services.save_node(cast.plan, "1.2", {"leader": "王五"})
    body = cast.client("viewer").get("/plans/JY-T/nodes/1.2/?as_of=2023-06-30").content.decode()
    assert "重点项目开工" in body
    assert "项目服务中心" in body
    assert "王五" in body
    assert "2023-01-01" in body and "2023-12-31" in body
    assert "（沿用上级）" in body   # 1.2 has no dates of its own
    assert "权重" in body


def test_the_node_page_shows_the_breadcrumb_of_ancestors(cast):
    services.save_node(cast.plan, "1.1.1", {"title": "东部新城项目"})
    body = cast.client("viewer").get("/plans/JY-T/nodes/1.1.1/").content.decode()
    crumbs = body[body.index('class="breadcrumb"'):body.index("</ol>")]
    assert "测试施工图" in crumbs
    assert crumbs.index("项目建设") < crumbs.index("春季开工")
    assert 'aria-current="page">1.1.1<' in crumbs


def test_a_parent_node_lists_its_children_with_progress_and_light(cast):
    body = cast.client("viewer").get("/plans/JY-T/nodes/1/").content.decode()
    children = body[body.index('id="children-title"'):]
    assert "春季开工" in children and "重点项目开工" in children
    assert 'href="/plans/JY-T/nodes/1.1/"' in children


def test_the_node_page_shows_its_indicators(cast):
    services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    body = cast.client("viewer").get(URL).content.decode()
    assert "开工项目" in body
    assert 'id="node-indicators-title"' in body


def test_the_history_shows_every_report_with_its_workflow(cast):
    node = cast.node("1.1")
    first = services.file_report(node, "2023-04", {"progress": 20, "narrative": "四月进展", "problems": "四月问题",
                                                   "next_steps": "五月计划"}, user=cast.reporter)
    services.review_report(first, True, user=cast.coordinator)
    second = services.file_report(node, "2023-05", {"progress": 30}, user=cast.reporter)
    services.review_report(second, False, user=cast.coordinator, reason="请补充佐证材料")
    body = cast.client("viewer").get(URL).content.decode()
    history = body[body.index('id="reports"'):]
    assert history.index("2023-05") < history.index("2023-04")  # newest first
    for text in ("四月进展", "四月问题", "五月计划", "已审核", "已退回", "请补充佐证材料", "进度 20.0%", "reporter 于"):
        assert text in history, text


def test_a_viewer_sees_no_forms(cast):
    body = cast.client("viewer").get(URL).content.decode()
    assert 'id="report-form"' not in body
    assert 'id="edit-node"' not in body
    assert "审核通过" not in body


def test_a_reporter_sees_the_report_form_but_not_the_node_editor(cast):
    body = cast.client("reporter").get(URL).content.decode()
    assert 'id="report-form"' in body
    assert 'hx-post="/plans/JY-T/nodes/1.1/reports"' in body
    assert 'id="edit-node"' not in body


def test_the_report_form_offers_the_plan_years_months_up_to_this_one(cast):
    body = cast.client("reporter").get(URL).content.decode()
    select = body[body.index('name="period"'):body.index("</select>", body.index('name="period"'))]
    assert re.findall(r'value="(2023-\d\d)"', select) == [f"2023-{m:02d}" for m in range(7, 0, -1)]
    assert 'value="2023-06" selected' in select   # last month, due by 5 July
    assert "2023年6月" in select


def test_the_report_form_has_a_field_per_indicator_of_the_node(cast):
    ind = services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    services.save_indicator(cast.node("2.1"), {"name": "别的指标", "unit": "家", "kind": "stock", "target": 5})
    body = cast.client("reporter").get(URL).content.decode()
    assert f'name="ind_{ind.pk}"' in body
    assert "开工项目（个）" in body
    assert "别的指标" not in body


def test_a_cancelled_node_takes_no_reports(cast):
    services.save_node(cast.plan, "1.1", {"cancelled": True})
    body = cast.client("reporter").get(URL).content.decode()
    assert 'id="report-form"' not in body
    assert "该任务已取消" in body


def test_a_closed_plan_takes_no_reports(cast):
    services.set_plan_status(cast.plan, "closed")
    body = cast.client("reporter").get(URL).content.decode()
    assert 'id="report-form"' not in body
    assert "该施工图已关闭" in body


def test_the_node_page_keeps_its_queries_whatever_its_history(cast, django_assert_max_num_queries):
    node = cast.node("1.1")
    services.save_indicator(node, {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    services.file_report(node, "2023-01", {"progress": 10, "values": {"开工项目": 1}}, user=cast.reporter)
    client = cast.client("coordinator")
    clear_cache()
    with django_assert_max_num_queries(25) as before:
        client.get(URL)
    for month in range(2, 7):
        services.file_report(node, f"2023-{month:02d}", {"progress": month * 10, "values": {"开工项目": month}},
                             user=cast.reporter)
    clear_cache()
    with django_assert_max_num_queries(len(before)):
        client.get(URL)


# -- filing a report (HTMX) -----------------------------------------------------------------

def test_filing_a_report_saves_it_and_returns_the_refreshed_history_and_form(cast):
    ind = services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    response = cast.client("reporter").post(SUBMIT, good(**{f"ind_{ind.pk}": "12"}), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" id="report-panel"')
    assert "已提交2023年6月月报，等待统筹部门审核。" in body
    assert "完成3个项目开工" in body            # now in the history
    assert 'id="node-status" class="node-status" hx-swap-oob="true"' in body
    report = Report.objects.get()
    assert (report.period, report.progress, report.status) == ("2023-06", Decimal(45), "submitted")
    assert (report.narrative, report.problems, report.next_steps) == ("完成3个项目开工", "用地手续慢", "加快审批")
    assert report.submitted_by == cast.reporter
    assert report.values.get().value == Decimal(12)


def test_saving_a_draft_keeps_it_out_of_review(cast):
    response = cast.client("reporter").post(SUBMIT, good(action="draft"), **HTMX)
    assert "草稿已保存" in response.content.decode()
    assert Report.objects.get().status == "draft"


def test_without_htmx_filing_redirects_back_to_the_node_page(cast):
    response = cast.client("reporter").post(SUBMIT, good())
    assert response.status_code == 302
    assert response["Location"] == "/plans/JY-T/nodes/1.1/#reports"
    assert Report.objects.count() == 1


def test_a_progress_over_100_is_shown_at_the_field_and_nothing_is_written(cast):
    entries = AuditEntry.objects.count()
    response = cast.client("reporter").post(SUBMIT, good(progress="150"), **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "进度应为0到100之间的数：150" in field_errors(body, "progress")
    assert 'value="完成3个项目开工"' in body or "完成3个项目开工</textarea>" in body  # what was typed stays
    assert not Report.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_progress_that_is_not_a_number_is_shown_at_the_field(cast):
    response = cast.client("reporter").post(SUBMIT, good(progress="过半"), **HTMX)
    assert response.status_code == 422
    assert "进度应为0到100之间的数" in field_errors(response.content.decode(), "progress")
    assert not Report.objects.exists()


def test_a_missing_progress_is_shown_at_the_field(cast):
    response = cast.client("reporter").post(SUBMIT, good(progress=""), **HTMX)
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "progress")
    assert not Report.objects.exists()


def test_a_bad_indicator_value_is_shown_at_that_indicators_field(cast):
    ind = services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    response = cast.client("reporter").post(SUBMIT, good(**{f"ind_{ind.pk}": "十二"}), **HTMX)
    assert response.status_code == 422
    assert "指标「开工项目」的值应为数字" in field_errors(response.content.decode(), f"ind_{ind.pk}")
    assert not Report.objects.exists()


def test_a_month_outside_the_choices_is_refused(cast):
    response = cast.client("reporter").post(SUBMIT, good(period="2023-09"), **HTMX)
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "period")
    assert not Report.objects.exists()


def test_a_bad_post_without_htmx_renders_the_whole_page_with_the_errors(cast):
    response = cast.client("reporter").post(SUBMIT, good(progress="-1"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" in body
    assert "进度应为0到100之间的数：-1" in field_errors(body, "progress")


# -- editing drafts and returned reports ------------------------------------------------------

def test_a_draft_opens_in_the_form_with_its_version(cast):
    draft = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33, "narrative": "草稿内容"},
                                 user=cast.reporter, submit=False)
    response = cast.client("reporter").get(f"/plans/JY-T/nodes/1.1/report-form?report={draft.pk}", **HTMX)
    body = response.content.decode()
    assert f'name="report" value="{draft.pk}"' in body
    assert f'name="version" value="{draft.version}"' in body
    assert 'value="33"' in body
    assert "草稿内容" in body
    assert "修改 2023年6月 月报" in body


def test_the_node_page_opens_a_draft_without_htmx_too(cast):
    draft = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33}, user=cast.reporter, submit=False)
    body = cast.client("reporter").get(f"{URL}?edit={draft.pk}").content.decode()
    assert f'name="report" value="{draft.pk}"' in body


def test_editing_a_draft_updates_it_and_can_submit_it(cast):
    draft = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33}, user=cast.reporter, submit=False)
    response = cast.client("reporter").post(
        SUBMIT, good(report=draft.pk, version=draft.version, progress="50"), **HTMX)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.progress, draft.status, draft.version) == (Decimal(50), "submitted", 2)
    assert Report.objects.count() == 1


def test_a_returned_report_can_be_corrected_and_submitted_again(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33}, user=cast.reporter)
    report = services.review_report(report, False, user=cast.coordinator, reason="数字有误")
    body = cast.client("reporter").get(URL).content.decode()
    assert "修改后重新提交" in body
    response = cast.client("reporter").post(
        SUBMIT, good(report=report.pk, version=report.version, progress="35"), **HTMX)
    assert response.status_code == 200
    report.refresh_from_db()
    assert (report.status, report.progress) == ("submitted", Decimal(35))


def test_a_stale_version_shows_a_conflict_and_overwrites_nothing(cast):
    draft = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33}, user=cast.reporter, submit=False)
    stale = draft.version
    services.file_report(cast.node("1.1"), "2023-06", {"progress": 60}, user=cast.coordinator, submit=False,
                         report=draft, expected_version=stale)   # someone else saved meanwhile
    response = cast.client("reporter").post(SUBMIT, good(report=draft.pk, version=stale, progress="40"), **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "这份月报刚被他人修改" in body
    assert 'value="40"' in body      # the user's figure is still in the form
    draft.refresh_from_db()
    assert draft.progress == Decimal(60)


def test_a_submitted_report_cannot_be_edited_through_the_form(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 33}, user=cast.reporter)
    response = cast.client("reporter").post(SUBMIT, good(report=report.pk, version=report.version), **HTMX)
    assert response.status_code == 422
    assert "已提交的月报不能修改" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == Decimal(33)


# -- reviewing on the node page -------------------------------------------------------------------

def test_a_coordinator_approves_a_report_on_the_node_page(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40}, user=cast.reporter)
    client = cast.client("coordinator")
    assert "审核通过" in client.get(URL).content.decode()
    response = client.post(f"/plans/JY-T/reports/{report.pk}/review",
                           {"decision": "approve", "version": report.version}, **HTMX)
    assert response.status_code == 200
    assert "已通过 1.1" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("approved", cast.coordinator)


def test_a_coordinator_returns_a_report_with_a_reason(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40}, user=cast.reporter)
    response = cast.client("coordinator").post(f"/plans/JY-T/reports/{report.pk}/review",
                                               {"decision": "return", "reason": "请补充照片"}, **HTMX)
    assert "已退回 1.1" in response.content.decode()
    assert "请补充照片" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "请补充照片")


def test_a_stale_review_shows_a_conflict(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40}, user=cast.reporter)
    response = cast.client("coordinator").post(f"/plans/JY-T/reports/{report.pk}/review",
                                               {"decision": "approve", "version": report.version - 1}, **HTMX)
    assert response.status_code == 409
    assert "刚被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_report_of_another_plan_cannot_be_reviewed_through_this_one(cast):
    other = services.create_plan("JY-U", "另一张", 2023, unit=cast.zone)
    node, _ = services.save_node(other, "1", {"title": "别的任务"})
    report = services.file_report(node, "2023-06", {"progress": 40})
    response = cast.client("coordinator").post(f"/plans/JY-T/reports/{report.pk}/review", {"decision": "approve"})
    assert response.status_code == 404


# -- editing the node -------------------------------------------------------------------------------

def node_data(cast, **extra):
    node = cast.node("1.2")
    data = {"version": node.version, "title": "重点项目开工（调整）", "lead_unit": cast.other_dept.pk,
            "leader": "赵六", "start": "2023-02-01", "due": "2023-10-31", "weight": "1.5", "notes": "调度会议定"}
    data.update(extra)
    return data


def test_a_coordinator_sees_the_node_editor_with_units_of_the_plan_only(cast):
    body = cast.client("coordinator").get("/plans/JY-T/nodes/1.2/").content.decode()
    editor = body[body.index('id="edit-node"'):]
    assert 'name="version" value="1"' in editor
    assert "科技创新局" in editor
    assert "双阳区" not in editor
    assert 'type="date"' in editor and 'value="' in editor


def test_a_coordinator_edits_a_node(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit", node_data(cast))
    assert response.status_code == 302
    node = cast.node("1.2")
    assert (node.title, node.lead_unit, node.leader) == ("重点项目开工（调整）", cast.other_dept, "赵六")
    assert (node.start, node.due, node.weight, node.notes) == (dt.date(2023, 2, 1), dt.date(2023, 10, 31),
                                                               Decimal("1.5"), "调度会议定")
    assert node.version == 2


def test_a_due_date_before_the_start_is_shown_at_the_field(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit", node_data(cast, due="2023-01-15"))
    assert response.status_code == 422
    assert "早于开始时间" in field_errors(response.content.decode(), "due")
    assert cast.node("1.2").title == "重点项目开工"


def test_a_lead_unit_outside_the_plans_unit_is_refused(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit",
                                               node_data(cast, lead_unit=cast.other_zone.pk))
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "lead_unit")
    assert cast.node("1.2").lead_unit == cast.dept


def test_a_stale_node_edit_shows_a_conflict(cast):
    data = node_data(cast)
    services.save_node(cast.plan, "1.2", {"leader": "别人改的"}, user=cast.coordinator)
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit", data)
    assert response.status_code == 409
    assert "该任务刚被他人修改" in response.content.decode()
    assert cast.node("1.2").leader == "别人改的"


def test_cancelling_a_node_from_the_editor(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit", node_data(cast, cancelled="on"))
    assert response.status_code == 302
    assert cast.node("1.2").cancelled


def test_indicators_computed_from_other_sources_get_no_field_in_the_form(cast):
    typed = services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    computed = services.save_indicator(cast.node("1.1"), {"name": "完成投资", "unit": "万元", "kind": "flow",
                                                          "target": 100, "source": "projects.investment"})
    body = cast.client("reporter").get(URL).content.decode()
    assert f'name="ind_{typed.pk}"' in body
    assert f'name="ind_{computed.pk}"' not in body


def test_a_coordinator_sets_the_progress_source_on_the_node_page(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit",
                                               node_data(cast, progress_source="projects"))
    assert response.status_code == 302
    assert cast.node("1.2").progress_source == "projects"


def test_progress_from_an_indicator_the_node_lacks_is_shown_at_the_field(cast):
    response = cast.client("coordinator").post("/plans/JY-T/nodes/1.2/edit",
                                               node_data(cast, progress_source="indicator"))
    assert response.status_code == 422
    assert "没有指标" in response.content.decode()
    assert cast.node("1.2").progress_source == "reports"
