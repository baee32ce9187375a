"""Lists as API clients expect them: filters, a total, keyset pages by an opaque cursor, 422s."""

from __future__ import annotations

import pytest

from shigongtu.plans import services


@pytest.fixture
def many(cast):
    """Front 3 with twelve tasks (every third led by the cast's department) and a report each."""
    services.save_node(cast.plan, "3", {"title": "城市建设战线"})
    for t in range(1, 13):
        node, _ = services.save_node(cast.plan, f"3.{t}", {"title": f"道路工程{t}",
                                                           **({"lead_unit": cast.dept} if t % 3 == 0 else {})})
        services.file_report(node, "2023-05", {"progress": 10 * (t % 10), "narrative": f"第{t}段路基完成"})
    return cast


def codes(response):
    return [n["code"] for n in response.json()]


def test_the_nodes_of_a_front_come_in_pages_with_a_total_and_a_cursor(many):
    client = many.client("viewer")
    first = client.get("/api/v1/plans/JY-T/nodes?front=3&limit=5")
    assert codes(first) == ["3", "3.1", "3.2", "3.3", "3.4"]
    assert first["X-Total-Count"] == "13"
    assert 'rel="next"' in first["Link"]
    second = client.get(f"/api/v1/plans/JY-T/nodes?front=3&limit=5&cursor={first['X-Next-Cursor']}")
    assert codes(second) == ["3.5", "3.6", "3.7", "3.8", "3.9"]
    last = client.get(f"/api/v1/plans/JY-T/nodes?front=3&limit=5&cursor={second['X-Next-Cursor']}")
    assert codes(last) == ["3.10", "3.11", "3.12"]
    assert "X-Next-Cursor" not in last


def test_nodes_filter_by_unit_text_light_and_depth(many):
    client = many.client("viewer")
    assert codes(client.get(f"/api/v1/plans/JY-T/nodes?front=3&unit={many.dept.pk}")) == ["3.3", "3.6", "3.9", "3.12"]
    assert codes(client.get("/api/v1/plans/JY-T/nodes?q=道路工程1")) == ["3.1", "3.10", "3.11", "3.12"]
    assert codes(client.get("/api/v1/plans/JY-T/nodes?depth=0")) == ["1", "2", "3"]
    tree = client.get("/api/v1/plans/JY-T/tree?as_of=2023-06-30").json()["nodes"]
    red = [n["code"] for n in tree if n["light"] == "red"]
    assert codes(client.get("/api/v1/plans/JY-T/nodes?light=red&as_of=2023-06-30")) == red


def test_the_whole_list_without_parameters_is_unchanged(many):
    response = many.client("viewer").get("/api/v1/plans/JY-T/nodes")
    assert len(response.json()) == 18
    assert {"code", "parent", "title", "lead_unit", "version"} <= set(response.json()[0])


@pytest.mark.parametrize(("query", "field"), [
    ("limit=100000", "limit"), ("limit=0", "limit"), ("cursor=%25%25%25", "cursor"), ("cursor=WzEsMl0", "cursor"),
    ("light=purple", "light"), ("front=9", "front"), ("front=3.1", "front"), ("depth=-1", "depth"),
])
def test_a_bad_page_parameter_is_a_422_naming_it(many, query, field):
    response = many.client("viewer").get(f"/api/v1/plans/JY-T/nodes?{query}")
    assert response.status_code == 422
    assert field in {d["field"] for d in response.json()["detail"]}


def test_reports_filter_by_front_unit_and_text_and_page_by_cursor(many):
    client = many.client("viewer")
    first = client.get("/api/v1/plans/JY-T/reports?front=3&limit=5")
    assert first["X-Total-Count"] == "12"
    assert len(first.json()) == 5
    seen = [r["node"] for r in first.json()]
    cursor = first["X-Next-Cursor"]
    while cursor:
        page = client.get(f"/api/v1/plans/JY-T/reports?front=3&limit=5&cursor={cursor}")
        seen += [r["node"] for r in page.json()]
        cursor = page.get("X-Next-Cursor")
    assert sorted(seen) == sorted(f"3.{t}" for t in range(1, 13))
    assert len(client.get(f"/api/v1/plans/JY-T/reports?unit={many.dept.pk}&front=3").json()) == 4
    assert [r["node"] for r in client.get("/api/v1/plans/JY-T/reports?q=第7段").json()] == ["3.7"]
    assert client.get("/api/v1/plans/JY-T/reports?cursor=bm9wZQ").status_code == 422


def test_reports_of_several_months_page_by_cursor_in_the_list_order(many):
    for t in (2, 5, 11):
        services.file_report(many.node(f"3.{t}"), "2023-04", {"progress": 5})
    services.file_report(many.node("3.7"), "2023-06", {"progress": 70})
    client = many.client("viewer")
    whole = [(r["period"], r["node"]) for r in client.get("/api/v1/plans/JY-T/reports?front=3&offset=1").json()]
    first = client.get("/api/v1/plans/JY-T/reports?front=3&limit=4")
    seen, cursor = [(r["period"], r["node"]) for r in first.json()], first["X-Next-Cursor"]
    while cursor:
        page = client.get(f"/api/v1/plans/JY-T/reports?front=3&limit=4&cursor={cursor}")
        seen += [(r["period"], r["node"]) for r in page.json()]
        cursor = page.get("X-Next-Cursor")
    assert first["X-Total-Count"] == "16"
    assert seen[0] == ("2023-06", "3.7") and seen[1:4] == [("2023-05", "3.1"), ("2023-05", "3.2"), ("2023-05", "3.3")]
    assert seen[1:] == whole  # offset=1 skips the first: the same order both ways
    assert seen[-3:] == [("2023-04", "3.2"), ("2023-04", "3.5"), ("2023-04", "3.11")]
    wrong = client.get("/api/v1/plans/JY-T/reports?front=3&cursor=WzUsIjAwMDAwMyIsMSwxXQ")  # [5, "000003", 1, 1]
    assert wrong.status_code == 422


def test_a_page_of_nodes_or_reports_keeps_its_queries(many, django_assert_max_num_queries):
    client = many.client("viewer")
    client.get("/api/v1/plans/JY-T/nodes?front=3&limit=5")
    client.get("/api/v1/plans/JY-T/reports?front=9&limit=5")  # the plan's report months, read once
    with django_assert_max_num_queries(7):  # session, user, scope, plan, default date, revision, nodes
        client.get("/api/v1/plans/JY-T/nodes?front=3&limit=5")
    with django_assert_max_num_queries(8):
        client.get("/api/v1/plans/JY-T/reports?front=3&limit=5")


def test_the_openapi_document_names_the_page_parameters_and_headers(cast):
    doc = cast.client("viewer").get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/plans/{code}/nodes"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"front", "under", "unit", "light", "q", "limit", "cursor"} <= names
    assert "X-Next-Cursor" in op["responses"]["200"]["headers"]


@pytest.fixture
def projects(cast):
    import datetime as dt
    from decimal import Decimal

    from shigongtu.projects.services.projects import save_project

    for n in range(1, 12):
        start = {"planned_start": dt.date(2023, n, 1)} if n % 3 else {}  # every third without one: NULLs
        save_project(cast.plan, {"code": f"P-{n:03d}", "name": f"测试项目{n}", "lead_unit": cast.dept,
                                 "total_investment": Decimal(1000 * (n % 4)), "stage": "前期", **start},
                     today=dt.date(2023, 6, 30))
    return cast


@pytest.mark.parametrize("sort", ["code", "-total_investment", "planned_start", "-planned_start"])
def test_projects_page_by_cursor_through_every_row_once_whatever_the_sort(projects, sort):
    client = projects.client("viewer")
    url = f"/api/v1/plans/JY-T/projects?sort={sort}&as_of=2023-06-30"
    whole = [p["code"] for p in client.get(f"{url}&page_size=200").json()["results"]]
    seen, cursor = [], ""
    for _ in range(10):
        doc = client.get(f"{url}&limit=4" + (f"&cursor={cursor}" if cursor else "")).json()
        assert doc["count"] == 11
        seen += [p["code"] for p in doc["results"]]
        cursor = doc["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(whole)
    assert len(seen) == len(set(seen)) == 11


def test_a_project_page_size_above_the_bound_is_a_422_naming_it(projects):
    client = projects.client("viewer")
    for query, field in (("page_size=100000", "page_size"), ("limit=501", "limit"), ("cursor=e30", "cursor")):
        response = client.get(f"/api/v1/plans/JY-T/projects?{query}")
        assert response.status_code == 422, query
        assert field in {d["field"] for d in response.json()["detail"]}


@pytest.mark.parametrize("path", ["leads", "supervision", "enterprises"])
def test_the_other_lists_answer_a_cursor_page_with_a_total(cast, path):
    client = cast.client("viewer")
    doc = client.get(f"/api/v1/plans/JY-T/{path}?limit=5").json()
    assert {"count", "next", "results"} <= set(doc)
    assert client.get(f"/api/v1/plans/JY-T/{path}?cursor=%%%").status_code == 422
    assert client.get(f"/api/v1/plans/JY-T/{path}?page_size=5000").status_code == 422
