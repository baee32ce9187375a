"""The plan list, the plan tree, its HTMX children, the warnings page and the review queue."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import clear_cache

# Queries of one fresh roll-up (plans.compute: revision, nodes, reports, ...), with room to spare.
ROLLUP = 5


def rows_of(html: str) -> list[str]:
    """The node codes of the tree rows, in page order."""
    return re.findall(r'<tr data-code="([^"]+)"', html)


def grow(plan: Plan, unit: OrgUnit, fronts: int = 3, tasks: int = 10) -> None:
    """Add fronts with tasks, each task with its own lead unit and an indicator, and reports."""
    for f in range(3, 3 + fronts):
        services.save_node(plan, str(f), {"title": f"战线{f}"})
        for t in range(1, tasks + 1):
            lead = services.ensure_unit(f"单位{f}-{t}", unit)
            node, _ = services.save_node(plan, f"{f}.{t}", {"title": f"任务{f}.{t}", "lead_unit": lead,
                                                            "leader": "王五"})
            services.save_indicator(node, {"name": f"指标{f}.{t}", "unit": "个", "kind": "flow", "target": 10})
            services.file_report(node, "2023-05", {"progress": 30, "values": {f"指标{f}.{t}": 2}})


# -- plan list ----------------------------------------------------------------------------

def test_the_plan_list_shows_year_unit_status_and_light_counts(cast):
    body = cast.client("viewer").get("/plans/").content.decode()
    assert "测试施工图" in body
    assert "2023" in body
    assert "净月高新区" in body
    assert "起草" in body
    # at the plan's default date (the end of 2023) every unreported task is overdue: red
    assert 'badge badge--red" href="/plans/JY-T/?light=red">5<' in body


def test_the_plan_list_keeps_a_bounded_number_of_queries(cast, django_assert_max_num_queries):
    client = cast.client("coordinator")
    for i in range(4):
        services.create_plan(f"P{i}", f"计划{i}", 2023, unit=cast.zone)
    with django_assert_max_num_queries(5 + 5 * ROLLUP):  # session, user, scope, count, page + a roll-up per plan
        response = client.get("/")
    assert response.status_code == 200


def test_the_plan_list_computes_lights_for_one_page_of_plans_only(cast, django_assert_max_num_queries):
    for i in range(30):
        services.create_plan(f"P{i:02d}", f"计划{i}", 2022, unit=cast.zone)
    client = cast.client("coordinator")
    with django_assert_max_num_queries(5 + 20 * ROLLUP) as first_page:
        body = client.get("/").content.decode()
    assert "共 31 条" in body
    clear_cache()
    for i in range(30, 60):
        services.create_plan(f"P{i:02d}", f"计划{i}", 2022, unit=cast.zone)
    with django_assert_max_num_queries(len(first_page)):
        client.get("/")


# -- plan tree ----------------------------------------------------------------------------

def test_the_tree_shows_every_node_with_lead_unit_leader_due_progress_and_light(cast):
    services.save_node(cast.plan, "1.2", {"leader": "李四（包保）"})
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 40})
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["1", "1.1", "1.2", "2", "2.1"]
    row = body[body.index('data-code="1.2"'):]
    row = row[:row.index("</tr>")]
    assert 'data-parent="1"' in row
    assert "重点项目开工" in row
    assert "项目服务中心" in row
    assert "李四（包保）" in row
    assert "2023-12-31" in row
    assert 'progress-fill" style="--value: 40.00"' in row
    assert "progress-expected" in row
    assert "badge badge--" in row


def test_the_tree_summary_counts_nodes_per_light(cast):
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    strip = body[body.index('class="light-summary"'):body.index("</section>", body.index('class="light-summary"'))]
    assert re.search(r"全部任务</span><span class=\"light-summary-value\">5<", strip)
    assert re.search(r"light-summary-item--red[^\"]*\" href=\"[^\"]*\">\s*<span class=\"light-summary-label\">"
                     r"<span class=\"badge badge--red\">滞后</span></span><span class=\"light-summary-value\">\d+<",
                     strip)


def test_the_tree_shows_the_plan_indicators_with_completion_and_expected_share(cast):
    node = cast.node("1.1")
    services.save_indicator(node, {"name": "开工项目", "unit": "个", "kind": "flow", "target": 30})
    services.file_report(node, "2023-05", {"progress": 50, "values": {"开工项目": 12}})
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    table = body[body.index('id="indicators-title"'):body.index("</table>", body.index('id="indicators-title"'))]
    assert "开工项目" in table
    assert "30" in table and "12" in table
    assert "40.0%" in table      # completion 12 / 30
    assert "50.0%" in table      # expected share 6 / 12: June is complete on the 30th


def test_a_text_search_keeps_the_ancestors_of_matches_as_context(cast):
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30&q=春季").content.decode()
    assert rows_of(body) == ["1", "1.1"]
    assert re.search(r'data-code="1" class="tree-level-0 is-context"', body)
    assert "筛选出 1 个任务（共 5 个）" in body


def test_a_code_search_finds_the_branch(cast):
    body = cast.client("viewer").get("/plans/JY-T/?q=2").content.decode()
    assert rows_of(body) == ["2", "2.1"]


def test_the_light_filter_shows_only_that_light(cast):
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 100})
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30&light=done").content.decode()
    assert rows_of(body) == ["1", "1.2"]
    assert 'data-code="1.2" data-parent="1" class="tree-level-1"' in body


def test_the_lead_unit_filter_shows_that_units_nodes(cast):
    body = cast.client("viewer").get(f"/plans/JY-T/?unit={cast.other_dept.pk}").content.decode()
    assert rows_of(body) == ["2", "2.1"]


def test_overdue_only_shows_nodes_past_their_due_date(cast):
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-06-30&overdue=1").content.decode()
    assert rows_of(body) == ["1", "1.1"]
    assert 'class="text-red"' in body


def test_a_filter_without_matches_says_so(cast):
    body = cast.client("viewer").get("/plans/JY-T/?q=没有这个任务").content.decode()
    assert rows_of(body) == []
    assert "没有符合条件的任务" in body


def test_a_bad_as_of_date_falls_back_to_the_default_and_says_so(cast):
    response = cast.client("viewer").get("/plans/JY-T/?as_of=2023-13-45")
    assert response.status_code == 200
    assert "无法识别" in response.content.decode()
    assert "统计截至 2023-06-30" in response.content.decode()  # the latest complete month


def test_the_as_of_date_changes_the_picture(cast):
    client = cast.client("viewer")
    march = client.get("/plans/JY-T/?as_of=2023-03-01").content.decode()
    june = client.get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    row = 'data-code="1.1" data-parent="1" class="tree-level-1"'
    assert "badge badge--red" in june[june.index(row):june.index("</tr>", june.index(row))]
    assert "badge badge--red" not in march[march.index(row):march.index("</tr>", march.index(row))]


def test_links_carry_a_chosen_as_of_date(cast):
    body = cast.client("viewer").get("/plans/JY-T/?as_of=2023-03-31").content.decode()
    assert 'href="/plans/JY-T/nodes/1.1/?as_of=2023-03-31"' in body
    assert 'href="/plans/JY-T/warnings/?as_of=2023-03-31"' in body


def test_the_tree_page_keeps_its_queries_whatever_the_plan_size(cast, django_assert_max_num_queries):
    client = cast.client("coordinator")
    with django_assert_max_num_queries(8 + ROLLUP + 3) as queries:  # + indicators and unit names
        small = client.get("/plans/JY-T/?as_of=2023-06-30")
    grow(cast.plan, cast.zone)
    clear_cache()
    with django_assert_max_num_queries(len(queries) + 3):  # the indicators' values and statistics figures appear
        big = client.get("/plans/JY-T/?as_of=2023-06-30")
    assert len(rows_of(big.content.decode())) == len(rows_of(small.content.decode())) + 33


def test_the_children_endpoint_returns_the_rows_under_a_node(cast):
    services.save_node(cast.plan, "1.1.1", {"title": "子任务"})
    services.save_node(cast.plan, "1.1.1.1", {"title": "节点"})
    body = cast.client("viewer").get("/plans/JY-T/tree/children?parent=1.1&as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["1.1.1"]
    assert "data-lazy" in body  # it has children of its own, loaded on the next click
    assert "<html" not in body


def test_the_children_of_an_unknown_node_are_not_found(cast):
    assert cast.client("viewer").get("/plans/JY-T/tree/children?parent=9").status_code == 404


# -- warnings -----------------------------------------------------------------------------

def test_the_warnings_page_lists_overdue_nodes_and_missing_reports_in_chinese(cast):
    body = cast.client("viewer").get("/plans/JY-T/warnings/?as_of=2023-06-30").content.decode()
    assert "逾期" in body
    assert "未按时报送" in body
    assert 'href="/plans/JY-T/nodes/1.1/' in body
    assert "春季开工" in body
    assert "项目服务中心" in body
    assert "已逾期 30 天（完成时限 2023-05-31）" in body


def test_the_warnings_page_names_lagging_nodes_and_indicators(cast):
    node = cast.node("1.2")
    services.save_indicator(node, {"name": "开工项目", "unit": "个", "kind": "flow", "target": 100})
    services.file_report(node, "2023-05", {"progress": 5, "values": {"开工项目": 1}})
    body = cast.client("viewer").get("/plans/JY-T/warnings/?as_of=2023-06-30").content.decode()
    assert "进度滞后" in body
    assert "指标滞后" in body
    assert "开工项目：完成 1.0%" in body


def test_the_warnings_page_filters_by_kind_and_light(cast):
    client = cast.client("viewer")
    body = client.get("/plans/JY-T/warnings/?as_of=2023-06-30&kind=overdue").content.decode()
    table = body[body.index("<tbody>"):]
    assert "已逾期" in table and "月报未报送" not in table
    body = client.get("/plans/JY-T/warnings/?as_of=2023-06-30&light=yellow").content.decode()
    table = body[body.index("<tbody>"):]
    assert "月报未报送" in table and "已逾期" not in table


def test_the_warnings_page_keeps_its_queries_whatever_the_plan_size(cast, django_assert_max_num_queries):
    grow(cast.plan, cast.zone)
    client = cast.client("viewer")
    clear_cache()
    with django_assert_max_num_queries(8 + ROLLUP + 5):  # + indicators, reported periods, unit names
        response = client.get("/plans/JY-T/warnings/?as_of=2023-06-30")
    assert response.status_code == 200


# -- review queue -------------------------------------------------------------------------

def test_the_review_queue_shows_submitted_reports_beside_last_months_progress(cast):
    node = cast.node("1.1")
    services.file_report(node, "2023-05", {"progress": 30})
    services.file_report(node, "2023-06", {"progress": 55, "narrative": "六月进展"})
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 10}, submit=False)  # a draft: not in the queue
    body = cast.client("coordinator").get("/plans/JY-T/review/").content.decode()
    row = next(r for r in body.split('<tr id="review-') if ">2023-06<" in r)
    assert "55.0%" in row
    assert "30.0%" in row      # May, for comparison
    assert "比上月 +25.0" in row
    assert "六月进展" in row
    assert "重点项目开工" not in body


def test_the_review_queue_keeps_its_queries_whatever_its_length(cast, django_assert_max_num_queries):
    grow(cast.plan, cast.zone)
    for node_code in ("1.1", "1.2", "2.1"):
        services.file_report(cast.node(node_code), "2023-06", {"progress": Decimal(40)})
    client = cast.client("coordinator")
    with django_assert_max_num_queries(15):  # + the unit and front filters' choices, + the investment reports' count
        body = client.get("/plans/JY-T/review/").content.decode()
    assert body.count('class="review-row') == 33


def test_approving_from_the_queue_replaces_the_row(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40})
    response = cast.client("coordinator").post(
        f"/plans/JY-T/reports/{report.pk}/review", {"decision": "approve", "from": "queue", "version": report.version},
        HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="review-{report.pk}"')
    assert "已通过" in body
    report.refresh_from_db()
    assert report.status == "approved"


def test_returning_without_a_reason_is_refused_with_a_message(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40})
    response = cast.client("coordinator").post(
        f"/plans/JY-T/reports/{report.pk}/review", {"decision": "return", "from": "queue", "reason": " "},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "退回时请填写原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_review_without_htmx_redirects_back_to_the_queue(cast):
    report = services.file_report(cast.node("1.1"), "2023-06", {"progress": 40})
    response = cast.client("coordinator").post(f"/plans/JY-T/reports/{report.pk}/review",
                                               {"decision": "return", "from": "queue", "reason": "补充材料"})
    assert response.status_code == 302
    assert response["Location"] == "/plans/JY-T/review/"
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "补充材料")


def test_the_date_used_by_default_is_the_end_of_the_latest_complete_month_and_the_page_says_so(cast):
    body = cast.client("viewer").get("/plans/JY-T/").content.decode()
    assert f"统计截至 {dt.date(2023, 6, 30).isoformat()}" in body
    assert "默认：最近一个已结束月份的月底" in body


def test_a_plans_own_default_date_is_used_and_named(cast):
    Plan.objects.filter(pk=cast.plan.pk).update(default_as_of=dt.date(2023, 5, 31))
    body = cast.client("viewer").get("/plans/JY-T/").content.decode()
    assert "统计截至 2023-05-31" in body and "施工图设定的默认日期" in body
