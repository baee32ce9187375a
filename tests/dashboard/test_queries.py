"""Query counts are pinned: the cached dashboard runs a handful, a cold one a bounded number."""

from __future__ import annotations

from django.core.cache import cache

from shigongtu.plans import services
from shigongtu.plans.selectors import clear_cache

CACHED_HTML = 4    # session, user, the user's memberships, the plan; the menu and review count are cached too
COLD_HTML = 73     # the whole assembly, whatever the size of the plan (the record-type cards included)
CHART = 4          # the same four: the option itself is cached as JSON


def test_the_cached_dashboard_html_runs_a_pinned_number_of_queries(dash, django_assert_max_num_queries):
    client = dash.client("coordinator")
    client.get("/plans/JY-T/dashboard/")
    with django_assert_max_num_queries(CACHED_HTML):
        assert client.get("/plans/JY-T/dashboard/").status_code == 200


def test_a_cached_chart_runs_a_pinned_number_of_queries(dash, django_assert_max_num_queries):
    client = dash.client("viewer")
    client.get("/plans/JY-T/dashboard/charts/map.json")
    with django_assert_max_num_queries(CHART):
        assert client.get("/plans/JY-T/dashboard/charts/investment.json").status_code == 200


def test_the_cached_big_screen_runs_a_pinned_number_of_queries(dash, django_assert_max_num_queries):
    client = dash.client("viewer")
    client.get("/plans/JY-T/bigscreen/")
    with django_assert_max_num_queries(CACHED_HTML):
        assert client.get("/plans/JY-T/bigscreen/").status_code == 200


def test_a_cold_dashboard_runs_as_many_queries_for_a_bigger_plan(dash, django_assert_max_num_queries,
                                                                   django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = dash.client("coordinator")
    client.get("/")  # sign-in queries out of the way

    def cold() -> int:
        cache.clear()
        clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/plans/JY-T/dashboard/").status_code == 200
        return len(captured)

    cold()           # fills the project library's own cache of monthly sums
    small = cold()
    for i in range(1, 30):
        services.save_node(dash.plan, f"1.2.{i}", {"title": f"子任务{i}", "lead_unit": dash.dept})
        services.file_report(dash.node(f"1.2.{i}"), "2023-06", {"progress": i})
    bigger = cold()
    assert small <= COLD_HTML
    assert bigger == small
