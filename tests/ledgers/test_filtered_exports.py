"""Exports follow the project list's own filters, on the page, in the API and for child ledgers."""

from __future__ import annotations

from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.projects.models import Project
from shigongtu.projects.services.approvals import ensure_checklist
from tests.ledgers.helpers import sheet_values, xlsx

HEADER = ["项目编号", "项目名称", "项目阶段", "所属产业", "总投资", "服务节点"]
ROWS = [["F-1", "算力中心", "在建", "数字经济", 50000, "1.1"],
        ["F-2", "影视基地", "前期", "影视文旅", 8000, "2.1"],
        ["F-3", "数据港", "前期", "数字经济", 3000, "1.2"]]


def codes(data: bytes) -> list[str]:
    rows = sheet_values(data)
    header = next(i for i, r in enumerate(rows) if r and r[0] == "项目编号")
    return [r[0] for r in rows[header + 1:] if r and r[0]]


def make(cast) -> None:
    assert import_ledger(xlsx([HEADER, *ROWS]), "p.xlsx", "projects", cast.plan, None).ok


def test_the_projects_export_takes_the_list_filters(cast):
    make(cast)
    assert codes(export_ledger("projects", cast.plan, cast.coordinator, {"industry": "数字经济"})) == ["F-1", "F-3"]
    assert codes(export_ledger("projects", cast.plan, cast.coordinator, {"industry": "数字经济", "stage": "前期"})) \
        == ["F-3"]
    assert codes(export_ledger("projects", cast.plan, cast.coordinator, {"node": "1"})) == ["F-1", "F-3"]
    assert codes(export_ledger("projects", cast.plan, cast.coordinator, {"q": "影视"})) == ["F-2"]
    assert codes(export_ledger("projects", cast.plan, cast.coordinator, {"stage": "不是阶段"})) == ["F-1", "F-2", "F-3"]


def test_a_child_ledger_export_takes_the_same_filters(cast):
    make(cast)
    for code in ("F-1", "F-2"):
        ensure_checklist(Project.objects.get(plan=cast.plan, code=code))
    data = export_ledger("approvals", cast.plan, cast.coordinator, {"industry": "影视文旅"})
    assert set(codes(data)) == {"F-2"}


def test_the_project_list_links_to_an_export_of_what_it_shows(cast):
    make(cast)
    client = cast.client("coordinator")
    page = client.get("/plans/JY-T/projects/?industry=数字经济").content.decode()
    assert "/plans/JY-T/ledgers/export?kind=projects&amp;industry=" in page
    response = client.get("/plans/JY-T/ledgers/export", {"kind": "projects", "industry": "数字经济"})
    assert codes(b"".join(response.streaming_content) if response.streaming else response.content) == ["F-1", "F-3"]


def test_the_api_export_takes_the_list_filters(cast):
    make(cast)
    response = cast.client("coordinator").get("/api/v1/plans/JY-T/ledgers/projects/export", {"stage": "在建"})
    assert response.status_code == 200
    assert codes(response.content) == ["F-1"]
