"""The enterprise page's forms in a real browser: a tier moved from the pool to recognised with a
mistake first (shown next to its field), yearly figures added, and the page after (screenshots kept)."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.enterprises.conftest import code

SHOTS = os.environ.get("SHIGONGTU_SHOTS")  # also copy the screenshots here when set


@pytest.fixture
def firms(transactional_db, cast):
    from shigongtu.ledgers.engine import import_ledger
    from tests.enterprises.conftest import ledger_rows
    from tests.ledgers.helpers import xlsx

    assert import_ledger(xlsx(ledger_rows()), "tiers.xlsx", "enterprises", cast.plan, cast.coordinator).ok
    return cast


def _shot(session, name):
    path = session.shot(name, full_page=True)
    if SHOTS:
        shutil.copy(path, os.path.join(SHOTS, name))


def test_a_coordinator_recognises_a_pool_firm_and_adds_its_figures(firms, open_session):
    firm = f"/plans/JY-T/enterprises/{code(2)}/"
    s = open_session("coord")
    s.open(firm)
    s.page.locator("tr", has_text="专精特新中小企业").get_by_role("link", name="修改").click()
    s.page.wait_for_load_state("networkidle")
    s.page.select_option("select[name=status]", "已认定")
    s.page.fill("input[name=certificate_no]", "ZJTX2023-07")
    s.page.click("main button[type=submit]")
    s.page.wait_for_load_state("networkidle")
    assert s.page.locator(".has-error", has_text="认定日期").count() == 1
    _shot(s, "enterprise-tier-error.png")
    s.page.fill("input[name=granted_on]", "2023-08-01")
    s.page.fill("input[name=batch]", "2023年第二批")
    s.page.click("main button[type=submit]")
    s.page.wait_for_load_state("networkidle")
    assert s.page.url.endswith(firm)
    s.page.get_by_role("link", name="录入年度数据").click()
    s.page.wait_for_load_state("networkidle")
    for name, value in (("year", "2022"), ("revenue", "8600"), ("rd_expense", "520"), ("staff_total", "120"),
                        ("tech_staff", "30"), ("ip_class1", "3"), ("ip_class2", "12")):
        s.page.fill(f"input[name={name}]", value)
    _shot(s, "enterprise-year-form.png")
    s.page.click("main button[type=submit]")
    s.page.wait_for_load_state("networkidle")
    assert s.page.locator("table", has_text="8,600.00").count() == 1
    _shot(s, "enterprise-after-edits.png")
    s.open("/plans/JY-T/enterprises/tiers/?as_of=2024-07-01")
    assert s.page.locator("main", has_text="培育漏斗").count() == 1
    _shot(s, "enterprise-tiers.png")
    assert [e for e in s.errors if "422" not in e] == []  # the refused form answers 422, as it should


def test_the_register_form_reads_in_english(firms, open_session):
    s = open_session("coord")
    s.open("/plans/JY-T/enterprises/new/")
    s.page.click("button[name=language][value=en]")
    s.page.wait_for_load_state("networkidle")
    assert s.page.locator("h1", has_text="Add enterprise").count() == 1
    s.page.fill("input[name=name]", "Example Ding Ltd")
    s.page.fill("input[name=credit_code]", "91220101MA0000040X")
    s.page.click("main button[type=submit]")
    s.page.wait_for_load_state("networkidle")
    assert s.page.locator(".has-error").count() == 1
    _shot(s, "enterprise-new-en.png")
    assert [e for e in s.errors if "422" not in e] == []  # the refused form answers 422, as it should
