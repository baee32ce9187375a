"""督办 end to end in a real browser (issue 14's "Done when"): the coordinator's inspection feedback
and satellite findings loaded from their ledger, the lead unit acknowledges, reports progress and
applies for closure, the coordinator takes it through the review steps to 销号, and the dashboard
shows 销号率 and the findings' map (screenshots kept)."""

from __future__ import annotations

import os
import shutil

import pytest

SHOTS = os.environ.get("SHIGONGTU_SHOTS")  # also copy the screenshots here when set
ITEM = "/plans/JY-T/supervision/DC-1/"


@pytest.fixture
def items(transactional_db, cast):
    from shigongtu.ledgers.engine import import_ledger
    from tests.supervision.conftest import csv_bytes

    rows = [["编号", "事项名称", "来源", "批次", "牵头单位", "责任领导", "交办日期", "整改时限", "经度", "纬度", "图斑类型"],
            ["DC-1", "净月潭周边扬尘整治（示例）", "督察反馈", "第二轮中央生态环境保护督察", "项目服务中心", "郑海（示例）",
             "2023-03-01", "2023-06-30", None, None, None],
            ["WP-1", "裸露地面未苫盖（示例）", "遥感图斑", "2023年第3季度卫片", "项目服务中心", "", "2023-07-05",
             "2023-08-05", "125°27′10″", "43°47′30″", "裸露地面"]]
    result = import_ledger(csv_bytes(rows), "督办.csv", "supervision", cast.plan, cast.coordinator)
    assert result.ok, result.as_dict()["errors"]
    return cast


def _shot(session, name):
    path = session.shot(name, full_page=True)
    if SHOTS:
        shutil.copy(path, os.path.join(SHOTS, name))


def _submit(session, action, **fields):
    form = session.page.locator(f"form[action$='/{action}']")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    session.page.wait_for_load_state("networkidle")


def test_an_item_goes_from_assigned_to_closed_and_the_dashboard_shows_it(items, open_session):
    from shigongtu.supervision.models import SupervisionItem

    unit = open_session("reporter")
    unit.open(ITEM)
    _submit(unit, "acknowledge", on="2023-03-02", person="王示例")
    _submit(unit, "progress", on="2023-04-10", text="已完成苫盖 80%", evidence="现场照片.jpg")
    _submit(unit, "done", on="2023-05-20", text="全部苫盖完毕", evidence="验收照片.zip")
    assert SupervisionItem.objects.get(code="DC-1").status == "已办结"
    _shot(unit, "supervision-item-applied.png")

    office = open_session("coord")
    office.open(ITEM)
    for _ in range(6):  # the plan's review steps (自查 → 区级验收 → 主要领导审签 → 销号报备)
        if office.page.locator("form[action$='/review']").count() == 0:
            break
        _submit(office, "review", on="2023-06-01", text="同意", person="李示例")
    assert SupervisionItem.objects.get(code="DC-1").status == "已销号"
    _shot(office, "supervision-item-closed.png")

    office.open("/plans/JY-T/supervision/")
    _shot(office, "supervision-list.png")
    office.open("/plans/JY-T/dashboard/")
    office.charts_drawn()
    card = office.page.locator("section", has=office.page.locator("#dash-supervision"))
    text = card.inner_text()
    assert "销号率" in text and "50.0%" in text  # one of the two items closed by the dashboard's day
    _shot(office, "supervision-dashboard.png")
    assert [e for e in unit.errors + office.errors if "422" not in e] == []
