"""The ledger flow in a browser: upload, watch it being checked, read the errors, fix, confirm."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from shigongtu.projects.models import Project
from tests.ledgers.helpers import xlsx

HEADER = ["项目编号", "项目名称", "项目阶段", "总投资（亿元）", "计划开工时间"]


def upload(session, tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx([["2023年重点项目台账"], HEADER, *rows]))
    page = session.page
    session.open("/plans/JY-T/ledgers/")
    page.select_option("#id_kind", "projects")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/\d+/"))
    page.wait_for_load_state("networkidle")
    return page


def test_a_clerk_uploads_reads_the_errors_downloads_the_marked_file_and_confirms_the_fix(cast, open_session,
                                                                                        tmp_path):
    coordinator = open_session("coord")
    page = upload(coordinator, tmp_path, "台账.xlsx", [["B-1", "新能源汽车零部件产业园", "在建", "很多", "2023年4月"],
                                                     ["B-2", None, "前期", 3.5, "2023-02-30"]])
    assert page.locator("text=无法识别的金额：很多").count() == 1
    assert page.locator("text=缺少项目名称").count() == 1
    assert page.locator("form.form-actions button[type=submit]").count() == 0  # nothing can be applied
    coordinator.shot("ledger-preview-errors.png", full_page=True)
    with page.expect_download() as download:
        page.click("text=下载标注了错误的文件")
    marked = tmp_path / "marked.xlsx"
    download.value.save_as(marked)
    book = load_workbook(marked)
    assert book.worksheets[0]["D3"].comment.text.startswith("无法识别的金额")
    assert "错误清单" in book.sheetnames

    page = upload(coordinator, tmp_path, "台账（改）.xlsx", [["B-1", "新能源汽车零部件产业园", "在建", 12.5, "2023年4月"],
                                                          ["B-2", "智能网联测试场", "前期", 3.5, "2023-02-28"]])
    assert page.locator("text=总投资").count() >= 1
    coordinator.shot("ledger-preview-ok.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form.form-actions button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".flash-text").first.inner_text().startswith("导入完成")
    assert Project.objects.get(plan=cast.plan, code="B-1").total_investment == 125000
    coordinator.open("/plans/JY-T/ledgers/")
    assert coordinator.page.locator("td", has_text="重点项目台账").count() >= 2  # the history names the kind
    assert coordinator.errors == []
