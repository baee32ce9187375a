"""The enterprise page's forms: register an enterprise, edit it, its tier records and its yearly figures —
saved through the services (history written), problems shown next to their field, scope (viewer 403,
outsider 404) and a stale version refused with a message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from shigongtu.audit.models import AuditEntry
from shigongtu.enterprises import services
from shigongtu.enterprises.models import Enterprise, TierRecord, YearFigures
from tests.enterprises.conftest import code

LIST = "/plans/JY-T/enterprises/"
FIRM = f"{LIST}{code(1)}/"

ENTERPRISE_FORM = {"name": "示例丁信息有限公司", "credit_code": code(40), "industry": "数字经济", "leader": "王示例",
                   "officer": "", "registered_on": "2019-05-06", "above_scale": "否", "above_scale_on": "",
                   "address": "净月大街1号", "lng": "", "lat": ""}


def _firm(registry) -> Enterprise:
    return registry.zone.enterprises.get(credit_code=code(1))


def test_a_coordinator_registers_an_enterprise_from_the_list(registry):
    client = registry.client("coordinator")
    assert "新增企业" in client.get(LIST).content.decode()
    response = client.post(f"{LIST}new/", ENTERPRISE_FORM)
    assert response.status_code == 302 and response["Location"] == f"{LIST}{code(40)}/"
    firm = registry.zone.enterprises.get(credit_code=code(40))
    assert firm.name == "示例丁信息有限公司" and str(firm.registered_on) == "2019-05-06"
    assert AuditEntry.objects.filter(object_type="enterprise", object_id=str(firm.pk), action="create").exists()


def test_a_bad_credit_code_is_shown_next_to_its_field_and_nothing_is_written(registry):
    response = registry.client("coordinator").post(f"{LIST}new/", {**ENTERPRISE_FORM, "credit_code": "91220101MA0000040X"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == ["credit_code"] and "校验" in errors["credit_code"][0]
    assert not Enterprise.objects.filter(name="示例丁信息有限公司").exists()


def test_a_missing_name_is_named_in_english_too(registry):
    client = registry.client("coordinator")
    with translation.override("en"):
        response = client.post(f"{LIST}new/", {**ENTERPRISE_FORM, "name": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "name" in response.context["form"].errors


def test_the_enterprise_is_edited_with_its_version(registry):
    firm = _firm(registry)
    client = registry.client("coordinator")
    page = client.get(f"{FIRM}edit/")
    assert page.status_code == 200 and page.context["form"].initial["name"] == "示例甲科技有限公司"
    response = client.post(f"{FIRM}edit/", {**page.context["form"].initial, "industry": "人工智能",
                                            "version": firm.version})
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.industry == "人工智能" and firm.credit_code == code(1) and firm.version == 2
    entry = AuditEntry.objects.filter(object_type="enterprise", object_id=str(firm.pk)).order_by("-seq").first()
    assert entry.changes["industry"][1] == "人工智能"


def test_a_stale_version_is_refused_with_a_message(registry):
    firm = _firm(registry)
    client = registry.client("coordinator")
    initial = client.get(f"{FIRM}edit/").context["form"].initial
    services.update_enterprise(firm, {"leader": "别人改的"}, registry.coordinator)
    response = client.post(f"{FIRM}edit/", {**initial, "industry": "人工智能"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    firm.refresh_from_db()
    assert firm.industry == "软件和信息技术服务" and firm.leader == "别人改的"


def test_a_tier_moves_from_the_pool_to_recognised(registry):
    firm = registry.zone.enterprises.get(credit_code=code(2))
    record = firm.tiers.get(tier="专精特新中小企业")
    client = registry.client("coordinator")
    url = f"{LIST}{code(2)}/tier/?tier=专精特新"
    page = client.get(url)
    assert page.context["form"].initial["status"] == "培育库"
    form = {**page.context["form"].initial, "status": "已认定", "granted_on": "2023-08-01",
            "certificate_no": "ZJTX2023-07", "batch": "2023年第二批"}
    assert client.post(url, form).status_code == 302
    record.refresh_from_db()
    assert (record.status, str(record.granted_on), str(record.expires_on)) == ("已认定", "2023-08-01", "2026-07-31")
    assert record.version == 2 and record.batch == "2023年第二批"
    assert AuditEntry.objects.filter(object_type="enterprise_tier", object_id=str(record.pk), action="update").exists()


def test_recognised_without_a_granted_date_is_shown_on_that_field(registry):
    client = registry.client("coordinator")
    url = f"{LIST}{code(2)}/tier/?tier=专精特新"
    form = {**client.get(url).context["form"].initial, "status": "已认定", "granted_on": ""}
    response = client.post(url, form)
    assert response.status_code == 422
    assert "granted_on" in response.context["form"].errors
    assert TierRecord.objects.get(enterprise__credit_code=code(2), tier="专精特新中小企业").status == "培育库"


def test_a_new_tier_record_is_added(registry):
    client = registry.client("coordinator")
    response = client.post(f"{LIST}{code(3)}/tier/", {"version": "0", "tier": "高新技术企业", "status": "拟申报"})
    assert response.status_code == 302
    assert TierRecord.objects.get(enterprise__credit_code=code(3), tier="高新技术企业").status == "拟申报"


def test_adding_a_tier_someone_added_meanwhile_is_a_conflict(registry):
    client = registry.client("coordinator")
    response = client.post(f"{LIST}{code(1)}/tier/", {"version": "0", "tier": "高新技术企业", "status": "已撤销"})
    assert response.status_code == 409
    assert TierRecord.objects.get(enterprise__credit_code=code(1), tier="高新技术企业").status == "已认定"


def test_yearly_figures_are_added_then_corrected(registry):
    client = registry.client("coordinator")
    url = f"{LIST}{code(1)}/year/"
    figures = {"version": "0", "year": "2022", "revenue": "1.2亿", "rd_expense": "600", "staff_total": "80",
               "tech_staff": "20", "ip_class1": "2", "ip_class2": "9", "equity_financing": ""}
    assert client.post(url, figures).status_code == 302
    year = YearFigures.objects.get(enterprise__credit_code=code(1), year=2022)
    assert year.revenue == Decimal("12000") and year.tech_staff == 20
    page = client.get(f"{url}?year=2022")
    assert page.context["form"].initial["revenue"] == "12000"
    assert client.post(f"{url}?year=2022", {**page.context["form"].initial, "tech_staff": "25"}).status_code == 302
    year.refresh_from_db()
    assert year.tech_staff == 25 and year.version == 2
    text = client.get(FIRM).content.decode()
    assert "录入年度数据" in text and "认定条件预审" in text


def test_negative_figures_and_a_future_year_are_shown_on_their_fields(registry):
    response = registry.client("coordinator").post(f"{LIST}{code(1)}/year/", {
        "version": "0", "year": "2999", "revenue": "-5", "staff_total": "10", "tech_staff": "12"})
    assert response.status_code == 422
    assert {"year", "revenue", "tech_staff"} <= set(response.context["form"].errors)
    assert not YearFigures.objects.exists()


@pytest.mark.parametrize("path", ["new/", f"{code(1)}/edit/", f"{code(1)}/tier/", f"{code(1)}/year/"])
def test_a_viewer_gets_403_and_an_outsider_404(registry, path):
    assert registry.client("viewer").get(f"{LIST}{path}").status_code == 403
    assert registry.client("viewer").post(f"{LIST}{path}", ENTERPRISE_FORM).status_code == 403
    assert registry.client("outsider").get(f"{LIST}{path}").status_code == 404


def test_an_unknown_tier_or_year_in_the_address_is_404(registry):
    client = registry.client("coordinator")
    assert client.get(f"{LIST}{code(1)}/tier/?tier=专精特新").status_code == 404
    assert client.get(f"{LIST}{code(1)}/tier/?tier=不存在").status_code == 404
    assert client.get(f"{LIST}{code(1)}/year/?year=2020").status_code == 404


def test_viewers_see_no_edit_links(registry):
    text = registry.client("viewer").get(FIRM).content.decode()
    assert "修改企业信息" not in text and "新增梯度记录" not in text
