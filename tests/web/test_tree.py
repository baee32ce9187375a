"""The plan tree page within its row budget: top levels first, branches on demand, server search."""

from __future__ import annotations

import re

import pytest

from shigongtu.plans import services
from shigongtu.plans.selectors import clear_cache
from shigongtu.web import tree

ROLLUP = 5  # queries of one fresh roll-up, with room to spare


def rows_of(html: str) -> list[str]:
    return re.findall(r'<tr data-code="([^"]+)"', html)


@pytest.fixture
def big(cast, monkeypatch):
    """The cast's plan with a third front of twelve tasks, one with two sub-tasks, on a budget of 8 rows."""
    monkeypatch.setattr(tree, "ROW_BUDGET", 8)
    monkeypatch.setattr(tree, "CHILD_PAGE", 5)
    services.save_node(cast.plan, "3", {"title": "城市建设战线"})
    for t in range(1, 13):
        services.save_node(cast.plan, f"3.{t}", {"title": f"道路工程{t}"})
    services.save_node(cast.plan, "1.1.1", {"title": "子任务甲"})
    services.save_node(cast.plan, "1.1.2", {"title": "子任务乙"})
    clear_cache()
    return cast


def test_a_big_plan_opens_with_its_fronts_and_their_first_level_within_the_budget(big):
    body = big.client("viewer").get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["1", "1.1", "1.2", "2", "2.1", "3"]  # front 3's twelve would pass 8 rows
    assert len(rows_of(body)) <= 8
    assert re.search(r'data-code="1.1"[^>]*data-lazy', body)
    assert re.search(r'data-code="3"[^>]*data-lazy', body)


def test_an_unopened_branch_is_a_link_that_works_without_script(big):
    body = big.client("viewer").get("/plans/JY-T/?as_of=2023-03-31").content.decode()
    assert 'href="/plans/JY-T/?open=1.1&amp;as_of=2023-03-31#n-1.1"' in body
    assert 'hx-get="/plans/JY-T/tree/children?parent=1.1&amp;as_of=2023-03-31"' in body


def test_the_page_with_a_branch_open_shows_the_path_and_its_first_children(big):
    body = big.client("viewer").get("/plans/JY-T/?open=3&as_of=2023-06-30").content.decode()
    assert rows_of(body)[:7] == ["1", "2", "3", "3.1", "3.2", "3.3", "3.4"]
    assert "3.6" not in rows_of(body)
    assert 'hx-get="/plans/JY-T/tree/children?parent=3&amp;after=3.5&amp;as_of=2023-06-30"' in body
    assert "显示后面的 7 项" in body
    deeper = big.client("viewer").get("/plans/JY-T/?open=1.1&as_of=2023-06-30").content.decode()
    assert rows_of(deeper) == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "3"]


def test_the_no_script_more_link_continues_after_the_last_child_shown(big):
    body = big.client("viewer").get("/plans/JY-T/?open=3&after=3.5&as_of=2023-06-30").content.decode()
    assert [c for c in rows_of(body) if c.startswith("3.")][:5] == ["3.6", "3.7", "3.8", "3.9", "3.10"]


def test_the_children_fragment_pages_a_big_branch(big):
    client = big.client("viewer")
    first = client.get("/plans/JY-T/tree/children?parent=3&as_of=2023-06-30").content.decode()
    assert rows_of(first) == ["3.1", "3.2", "3.3", "3.4", "3.5", "3~3.5"]
    last = client.get("/plans/JY-T/tree/children?parent=3&after=3.10&as_of=2023-06-30").content.decode()
    assert rows_of(last) == ["3.11", "3.12"]
    assert "tree-more" not in last


def test_a_search_is_answered_by_the_server_a_page_at_a_time(big, monkeypatch):
    monkeypatch.setattr(tree, "MATCH_PAGE", 4)
    client = big.client("viewer")
    body = client.get("/plans/JY-T/?q=道路&as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["3", "3.1", "3.2", "3.3", "3.4"]  # the front as context
    assert "筛选出 12 个任务（共 20 个）" in body
    assert 'href="/plans/JY-T/?q=%E9%81%93%E8%B7%AF&amp;as_of=2023-06-30&amp;after=3.4"' in body
    second = client.get("/plans/JY-T/?q=道路&as_of=2023-06-30&after=3.4").content.decode()
    assert rows_of(second) == ["3", "3.5", "3.6", "3.7", "3.8"]
    assert "第一页" in second


def test_a_search_page_keeps_within_the_row_budget_with_its_ancestors(big, monkeypatch):
    monkeypatch.setattr(tree, "ROW_BUDGET", 3)
    body = big.client("viewer").get("/plans/JY-T/?q=子任务&as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["1", "1.1", "1.1.1"]
    assert "after=1.1.1" in body


def test_a_filter_by_unit_and_light_is_answered_by_the_server(big):
    body = big.client("viewer").get(f"/plans/JY-T/?unit={big.dept.pk}&as_of=2023-06-30").content.decode()
    assert "1.1" in rows_of(body)
    assert "3.1" not in rows_of(body)


def test_the_big_tree_page_keeps_its_queries(big, django_assert_max_num_queries):
    client = big.client("viewer")
    client.get("/plans/JY-T/?as_of=2023-06-30")
    with django_assert_max_num_queries(12):
        client.get("/plans/JY-T/?as_of=2023-06-30")
    with django_assert_max_num_queries(8):
        client.get("/plans/JY-T/tree/children?parent=3&as_of=2023-06-30")


def test_the_bounded_tree_speaks_english_whole(big, monkeypatch):
    from django.utils import translation

    monkeypatch.setattr(tree, "MATCH_PAGE", 4)
    client = big.client("viewer")
    client.cookies["django_language"] = "en"
    try:
        opened = client.get("/plans/JY-T/?open=3&as_of=2023-06-30").content.decode()
        found = client.get("/plans/JY-T/?q=道路&as_of=2023-06-30").content.decode()
    finally:
        translation.deactivate()
    assert "the fronts and their first level are shown first" in opened
    assert "Show the next 7 items" in opened
    assert "Close every branch" in opened
    assert "This page shows 4 of them." in found
    assert "显示" not in opened + found


def test_the_first_view_of_a_big_plan_stops_its_first_levels_at_its_own_budget(big, monkeypatch):
    monkeypatch.setattr(tree, "FIRST_VIEW", 5)
    body = big.client("viewer").get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    assert rows_of(body) == ["1", "1.1", "1.2", "2", "3"]
    assert re.search(r'data-code="2"[^>]*data-lazy', body)
