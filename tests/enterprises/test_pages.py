"""The pages: list with filters (query count pinned), enterprise page, tier page; scope; English."""

from __future__ import annotations

from decimal import Decimal

from shigongtu.enterprises import selectors, services
from shigongtu.plans.services import save_indicator
from tests.enterprises.conftest import code

LIST = "/plans/JY-T/enterprises/"


def test_the_list_shows_the_registry_with_filters(registry, django_assert_max_num_queries):
    client = registry.client("viewer")
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(14):
        page = client.get(LIST, {"tier": "高新技术企业", "as_of": "2023-06-30"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "示例甲科技有限公司" in text and "示例乙生物有限公司" in text and "示例丙装备有限公司" not in text


def test_the_list_keeps_its_query_count_as_it_grows(registry, django_assert_max_num_queries):
    for n in range(20, 70):
        e = services.register_enterprise(registry.zone, {"name": f"示例{n}", "credit_code": code(n)})
        services.save_tier(e, {"tier": "高企", "status": "培育库"})
    client = registry.client("coordinator")
    client.get(LIST)
    with django_assert_max_num_queries(14):
        assert client.get(LIST, {"page": 2}).status_code == 200


def test_the_enterprise_page_shows_tiers_criteria_and_history(registry):
    firm = registry.zone.enterprises.get(credit_code=code(1))
    services.save_year(firm, {"year": 2022, "revenue": "3000", "rd_expense": "180", "staff_total": 40,
                              "tech_staff": 6})
    text = registry.client("viewer").get(f"{LIST}{code(1)}/").content.decode()
    assert "高新技术企业" in text and "GR202122000001" in text
    assert "认定条件预审" in text and "满足" in text
    assert "变更记录" in text


def test_the_tier_page_shows_targets_funnel_expiring_and_pool(registry):
    save_indicator(registry.node("2.1"), {"name": "高新技术企业", "unit": "家", "kind": "stock", "target": Decimal(3),
                                          "source": selectors.SOURCE})
    page = registry.client("viewer").get(f"{LIST}tiers/", {"as_of": "2024-07-01", "tier": "专精特新"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "培育漏斗" in text and "到期预警" in text
    assert "示例甲科技有限公司" in text  # expiring 2024-12-14
    assert "示例乙生物有限公司" in text  # in the 专精特新 pool


def test_an_outsider_gets_404(registry):
    client = registry.client("outsider")
    assert client.get(LIST).status_code == 404
    assert client.get(f"{LIST}{code(1)}/").status_code == 404
    assert registry.client("viewer").get(f"{LIST}{code(99)}/").status_code == 404


def test_the_pages_speak_english_when_asked(registry):
    client = registry.client("viewer")
    client.cookies["django_language"] = "en"
    text = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enterprise registry" in text and "high-tech enterprise" in text
    assert "企业库" not in text
    tiers = client.get(f"{LIST}tiers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cultivation funnel" in tiers


def test_the_history_names_fields_in_the_page_language(registry):
    client = registry.client("viewer")
    assert "认定日期:" in client.get(f"{LIST}{code(1)}/").content.decode()
    client.cookies["django_language"] = "en"
    text = client.get(f"{LIST}{code(1)}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "granted date:" in text and "认定日期" not in text
