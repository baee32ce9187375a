"""Project pages: who sees what, the list's filters and pinned query count, the report form (HTMX),
review and stage changes from the project page, the chart data and the warnings page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.investment import submit_investment

from .conftest import make_project

JULY = time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC))
LIST = "/plans/JY-T/projects/"
PAGE = "/plans/JY-T/projects/P-001/"
GET_ALL = {"coordinator": 200, "reporter": 200, "viewer": 200, "outsider": 404}
PAGES = {
    "list": (LIST, GET_ALL),
    "list filtered": (f"{LIST}?stage=在建&industry=数字经济&level=区重点&light=red&node=1&q=测试&sort=-ytd_investment",
                      GET_ALL),
    "project": (PAGE, GET_ALL),
    "chart": (f"{PAGE}chart.json", GET_ALL),
    "report form": (f"{PAGE}report/", {"coordinator": 200, "reporter": 200, "viewer": 403, "outsider": 404}),
    "warnings": ("/plans/JY-T/projects/warnings/", GET_ALL),
}


@pytest.fixture
def world(cast):
    with JULY:
        p = make_project(cast, actual_start="2023-03-01", stage="在建", industry="数字经济")
        report = submit_investment(p, {"period": "2023-05", "amount": "1000", "stats_amount": "900"})
    return {"project": p, "report": report}


@pytest.mark.parametrize("role", ["coordinator", "reporter", "viewer", "outsider"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_role_sees_what_it_should_on_every_page(cast, world, role, page):
    url, expected = PAGES[page]
    with JULY:
        assert cast.client(role).get(url).status_code == expected[role]


def test_anonymous_visitors_are_sent_to_sign_in(cast, world):
    from django.test import Client

    response = Client().get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


@JULY
def test_the_list_shows_projects_with_their_light_and_filters(cast, world):
    make_project(cast, "P-002", name="芯光产业园", industry="光电信息")
    html = cast.client("viewer").get(f"{LIST}?industry=光电信息").content.decode()
    assert "芯光产业园" in html and "测试项目P-001" not in html
    html = cast.client("viewer").get(f"{LIST}?light=red&as_of=2023-06-30").content.decode()
    assert "测试项目P-001" in html and "芯光产业园" not in html  # started in March, not in statistics


@JULY
def test_the_list_takes_the_same_queries_for_any_number_of_rows(cast, world, django_assert_num_queries):
    client = cast.client("coordinator")
    url = f"{LIST}?as_of=2023-06-30&sort=-total_investment&stage=在建"
    client.get(url)  # counts and totals are cached per plan revision
    # session, user, scope, plan, nav (manage right; the review count is kept by the read model), rules, project count (cache key),
    # page, units, fronts; the page's warnings (9) give each row its light (contract §4)
    with django_assert_num_queries(19):
        client.get(url)
    for i in range(60):
        make_project(cast, f"Q-{i:02d}", industry="数字经济", actual_start="2023-05-01", stage="在建")
    with django_assert_num_queries(23):  # a new revision: the count, totals and industries once more
        client.get(url)
    with django_assert_num_queries(19):
        response = client.get(url)
    assert response.context["page"].paginator.count == 61
    assert len(response.context["rows"]) == 50


@JULY
def test_a_project_added_behind_the_services_back_still_shows_in_the_count(cast, world):
    client = cast.client("viewer")
    assert client.get(LIST).context["page"].paginator.count == 1
    Project.objects.create(plan=cast.plan, code="RAW", name="直接写入")
    assert client.get(LIST).context["page"].paginator.count == 2


@JULY
def test_a_bad_filter_value_is_ignored_and_said(cast, world):
    response = cast.client("viewer").get(f"{LIST}?stage=施工中")
    assert response.status_code == 200
    assert "部分筛选条件无法识别" in response.content.decode()


@JULY
def test_the_project_page_shows_facts_approvals_reports_and_history(cast, world):
    html = cast.client("viewer").get(PAGE).content.decode()
    for text in ("项目概况", "前期手续", "月度投资填报", "存在问题", "阶段变更", "变更历史", "2023-05", "开工未入库"):
        assert text in html, text
    assert 'data-chart-url="/plans/JY-T/projects/P-001/chart.json"' in html


@JULY
def test_the_chart_has_monthly_bars_and_the_cumulative_plan(cast, world):
    option = cast.client("viewer").get(f"{PAGE}chart.json").json()
    bars, stats, done, planned = option["series"]
    assert bars["data"][4] == 1000 and stats["data"][4] == 900
    assert done["data"][4] == 1000 and done["data"][5] is None
    assert planned["data"][-1] == pytest.approx(4000)  # the annual plan by December


@JULY
def test_the_report_form_files_a_month_over_htmx(cast, world):
    client = cast.client("reporter")
    response = client.post(f"{PAGE}report/", {"period": "2023-06", "amount": "0.12亿", "ytd": "2200",
                                              "action": "submit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已提交2023年6月投资月报" in response.content.decode()
    assert InvestmentReport.objects.get(period="2023-06").amount == 1200
    assert Project.objects.get(code="P-001").ytd_investment == 2200


@JULY
def test_bad_figures_come_back_next_to_their_box_and_nothing_is_written(cast, world):
    client = cast.client("reporter")
    response = client.post(f"{PAGE}report/", {"period": "2023-06", "amount": "-5", "ytd": "9",
                                              "action": "submit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    form = response.context["form"]
    assert "amount" in form.errors
    assert not InvestmentReport.objects.filter(period="2023-06").exists()


@JULY
def test_a_month_of_the_future_is_not_offered(cast, world):
    response = cast.client("reporter").post(f"{PAGE}report/", {"period": "2023-09", "amount": "5"})
    assert response.status_code == 422 and "period" in response.context["form"].errors


@JULY
def test_choosing_a_month_opens_its_report(cast, world):
    response = cast.client("reporter").get(f"{PAGE}report/?period=2023-05", HTTP_HX_REQUEST="true")
    assert response.context["form"].initial["amount"] == "1000"


@JULY
def test_reviewing_from_the_project_page(cast, world):
    report = world["report"]
    client = cast.client("reporter")
    response = client.post(f"/plans/JY-T/project-reports/{report.pk}/review", {"decision": "approve",
                                                                               "version": report.version})
    assert response.status_code == 302
    assert InvestmentReport.objects.get(pk=report.pk).status == "unit_approved"
    assert cast.client("viewer").post(f"/plans/JY-T/project-reports/{report.pk}/review",
                                      {"decision": "approve"}).status_code == 403
    cast.client("coordinator").post(f"/plans/JY-T/project-reports/{report.pk}/review", {"decision": "return"})
    assert InvestmentReport.objects.get(pk=report.pk).status == "unit_approved"  # a return needs a reason


@JULY
def test_changing_the_stage_from_the_project_page(cast, world):
    client = cast.client("reporter")
    response = client.post(f"{PAGE}stage", {"stage": "竣工", "on": "2023-07-01", "version": 1})
    assert response.status_code == 302
    assert Project.objects.get(code="P-001").stage == "竣工"
    response = client.post(f"{PAGE}stage", {"stage": "谋划"})
    assert response.status_code == 422


@JULY
def test_the_warnings_page_lists_project_warnings(cast, world):
    make_project(cast, "U", planned_start="2023-04-01", stage="前期")
    html = cast.client("viewer").get("/plans/JY-T/projects/warnings/?as_of=2023-06-30").content.decode()
    assert "计划开工已过未开工" in html and "开工未入库" in html
