"""The API: filters, query counts, the detail with criteria, writes, scope (outsider 404, viewer 403)."""

from __future__ import annotations

import json

import pytest

from shigongtu.enterprises.models import Enterprise, TierRecord
from tests.enterprises.conftest import code

BASE = "/api/v1/plans/JY-T/enterprises"


def _json(response):
    return json.loads(response.content)


def test_it_lists_the_registry_with_filters(registry, django_assert_max_num_queries):
    client = registry.client("viewer")
    with django_assert_max_num_queries(10):  # the units' ids, then the page's ids, then its rows
        doc = _json(client.get(BASE, {"tier": "高企", "as_of": "2023-06-30"}))
    assert doc["count"] == 2
    assert [e["credit_code"] for e in doc["results"]] == [code(1), code(2)]
    assert doc["results"][0]["tiers"][0]["valid"] is True
    assert _json(client.get(BASE, {"status": "培育库"}))["count"] == 1
    assert _json(client.get(BASE, {"expiring": "1", "as_of": "2024-07-01"}))["count"] == 1
    assert _json(client.get(BASE, {"industry": "生物医药"}))["count"] == 1
    assert _json(client.get(BASE, {"leader": "李示例"}))["count"] == 1


def test_the_list_keeps_its_query_count_as_it_grows(registry, django_assert_max_num_queries):
    from shigongtu.enterprises import services

    for n in range(20, 60):
        e = services.register_enterprise(registry.zone, {"name": f"示例{n}", "credit_code": code(n)})
        services.save_tier(e, {"tier": "高企", "status": "拟申报"})
    client = registry.client("coordinator")
    with django_assert_max_num_queries(10):  # the units' ids, then the page's ids, then its rows
        doc = _json(client.get(BASE, {"page_size": 50}))
    assert len(doc["results"]) == 43


def test_the_detail_shows_tiers_figures_and_criteria(registry):
    doc = _json(registry.client("coordinator").get(f"{BASE}/{code(2)}"))
    assert [t["tier"] for t in doc["tiers"]] == ["专精特新中小企业", "高新技术企业"]
    assert "高新技术企业" in doc["criteria"]
    assert all(c["outcome"] == "unknown" for c in doc["criteria"]["高新技术企业"])


def test_the_summary_has_the_counts_and_the_funnel(registry):
    doc = _json(registry.client("viewer").get(f"{BASE}/summary", {"as_of": "2023-06-30"}))
    tiers = {t["tier"]: t for t in doc["tiers"]}
    assert tiers["高新技术企业"]["valid"] == 2
    assert len(doc["funnel"]) == 7


def test_a_coordinator_registers_and_records_tiers_and_years(cast):
    client = cast.client("coordinator")
    created = client.post(BASE, {"name": "示例新企业", "credit_code": code(9)}, content_type="application/json")
    assert created.status_code == 201, created.content
    tier = client.put(f"{BASE}/{code(9)}/tiers", {"tier": "高企", "granted_on": "2023-10-16"},
                      content_type="application/json")
    assert tier.status_code == 200, tier.content
    assert _json(tier)["expires_on"] == "2026-10-15"
    year = client.put(f"{BASE}/{code(9)}/years", {"year": 2022, "revenue": "1.2亿"}, content_type="application/json")
    assert _json(year)["revenue"] == "12000.0000" or float(_json(year)["revenue"]) == 12000


@pytest.mark.parametrize(("path", "body", "field"), [
    ("", {"name": "示例", "credit_code": "91220101MA00000010"}, "credit_code"),
    (f"/{code(1)}/tiers", {"tier": "独角兽"}, "tier"),
    (f"/{code(1)}/tiers", {"tier": "高企", "status": "已认定", "granted_on": None}, "granted_on"),
    (f"/{code(1)}/years", {"year": 2022, "revenue": "-1"}, "revenue"),
])
def test_bad_input_is_422_naming_the_field(registry, path, body, field):
    method = registry.client("coordinator").post if not path else registry.client("coordinator").put
    response = method(BASE + path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert _json(response)["detail"][0]["field"] == field


def test_a_stale_version_is_409(registry):
    client = registry.client("coordinator")
    ok = client.patch(f"{BASE}/{code(1)}", {"leader": "王示例", "version": 1}, content_type="application/json")
    assert ok.status_code == 200
    stale = client.patch(f"{BASE}/{code(1)}", {"leader": "赵示例", "version": 1}, content_type="application/json")
    assert stale.status_code == 409


def test_an_outsider_gets_404_and_a_viewer_403_on_writes(registry):
    outsider, viewer = registry.client("outsider"), registry.client("viewer")
    assert outsider.get(BASE).status_code == 404
    assert outsider.get(f"{BASE}/{code(1)}").status_code == 404
    assert viewer.get(f"{BASE}/{code(1)}").status_code == 200
    assert viewer.put(f"{BASE}/{code(1)}/tiers", {"tier": "高企", "status": "已撤销"},
                      content_type="application/json").status_code == 403
    assert viewer.post(BASE, {"name": "示例", "credit_code": code(8)}, content_type="application/json").status_code == 403
    assert registry.client("reporter").patch(f"{BASE}/{code(1)}", {"leader": "x"},
                                             content_type="application/json").status_code == 403
    assert TierRecord.objects.get(enterprise__credit_code=code(1)).status == "已认定"
    assert Enterprise.objects.count() == 3
