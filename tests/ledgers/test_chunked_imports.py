"""Long ledgers are checked and applied a chunk at a time: the outcome is the same as one pass."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shigongtu.audit.models import AuditEntry
from shigongtu.audit.services import verify_chain
from shigongtu.ledgers import kinds
from shigongtu.ledgers.engine import PREVIEW_LIMIT, import_ledger
from shigongtu.ledgers.models import ImportRecord
from shigongtu.projects.models import InvestmentReport, Project, StageChange
from tests.ledgers.helpers import xlsx

HEADER = ["项目编号", "项目名称", "项目阶段", "总投资", "实际开工时间", "责任单位"]


def projects(n: int, *, start: int = 0) -> list[list[object]]:
    return [[f"C-{i:03d}", f"分块项目{i}", "在建" if i % 2 else "前期", 100 + i, "2023-03-01" if i % 2 else None, None]
            for i in range(start, start + n)]


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 rows, so a few dozen rows cross several chunk boundaries."""
    for name in ("projects", "investment"):
        monkeypatch.setattr(type(kinds.get(name)), "chunk_rows", 7)


def run(cast, rows, kind="projects", **kw):
    return import_ledger(xlsx(rows), "台账.xlsx", kind, cast.plan, cast.coordinator, **kw)


def test_a_file_applied_in_chunks_writes_every_row_with_its_history(cast, small_chunks):
    result = run(cast, [HEADER, *projects(30)])
    assert result.ok, result.errors
    assert result.created == 30
    assert Project.objects.filter(plan=cast.plan, code__startswith="C-").count() == 30
    assert StageChange.objects.filter(project__code__startswith="C-").count() == 30
    assert AuditEntry.objects.filter(object_type="project", action="create").count() == 30
    started = Project.objects.get(code="C-001")
    assert (started.stage, started.year_kind, str(started.actual_start)) == ("在建", "新开工", "2023-03-01")
    assert verify_chain()[1] is None


def test_an_error_in_the_last_chunk_rolls_back_the_chunks_already_applied(cast, small_chunks):
    rows = [HEADER, *projects(29), ["C-099", "", "在建", -5, None, None]]
    result = run(cast, rows)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(31, "项目名称"), (31, "总投资")}
    assert not Project.objects.filter(code__startswith="C-").exists()
    assert not AuditEntry.objects.filter(object_type="project").exists()


def test_a_code_repeated_in_a_later_chunk_is_an_error_in_a_dry_run_and_an_import(cast, small_chunks):
    rows = [HEADER, *projects(20), projects(1, start=3)[0]]
    for dry_run in (True, False):
        result = run(cast, rows, dry_run=dry_run)
        assert [(e.row, e.column) for e in result.errors] == [(22, "项目编号")]
    assert not Project.objects.filter(code__startswith="C-").exists()


def test_a_dry_run_in_chunks_previews_like_the_import_and_writes_nothing(cast, small_chunks):
    preview = run(cast, [HEADER, *projects(30)], dry_run=True)
    assert preview.ok and preview.created == 30
    assert [c.key for c in preview.changes][:3] == ["C-000", "C-001", "C-002"]
    assert preview.changes[1].changes["项目阶段"] == [None, "在建"]
    assert not Project.objects.filter(code__startswith="C-").exists()
    applied = run(cast, [HEADER, *projects(30)])
    again = run(cast, [HEADER, *projects(30)])
    assert (applied.created, again.unchanged, again.created, again.updated) == (30, 30, 0, 0)


def test_an_update_in_chunks_bumps_versions_and_records_old_and_new(cast, small_chunks):
    assert run(cast, [HEADER, *projects(15)]).ok
    changed = [[*row[:3], Decimal(500), *row[4:]] if i % 5 == 0 else row for i, row in enumerate(projects(15))]
    result = run(cast, [HEADER, *changed])
    assert (result.created, result.updated, result.unchanged) == (0, 3, 12)
    project = Project.objects.get(code="C-005")
    assert project.total_investment == Decimal(500) and project.version == 2
    entry = AuditEntry.objects.filter(object_type="project", object_id=str(project.pk), action="update").get()
    assert entry.changes == {"total_investment": ["105", "500"]}


@time_machine.travel("2023-07-10 10:00 +0800")
def test_year_to_date_figures_add_up_across_chunk_boundaries(cast, small_chunks):
    assert run(cast, [HEADER, *projects(4)]).ok
    header = ["项目编号", "填报月份", "本月完成投资", "本年累计完成投资"]
    rows = [[f"C-{p:03d}", f"2023-{m:02d}", 10 * m, 10 * m * (m + 1) // 2] for p in range(4) for m in range(1, 7)]
    for dry_run in (True, False):
        result = run(cast, [header, *rows], "investment", dry_run=dry_run)
        assert result.ok, result.errors[:3]
        assert result.created == 24
    assert InvestmentReport.objects.filter(project__code__startswith="C-").count() == 24
    assert Project.objects.get(code="C-002").ytd_investment == Decimal(210)
    wrong = [[*rows[20][:3], 999], rows[1]]  # a wrong running total; C-000 2023-02 a second time
    result = run(cast, [header, *rows[:20], *wrong], "investment", dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [(22, "本年累计完成投资"), (23, "填报月份")]


def test_the_preview_keeps_only_the_first_changes_of_a_long_file(cast, monkeypatch):
    monkeypatch.setattr("shigongtu.ledgers.engine.PREVIEW_LIMIT", 5)
    result = run(cast, [HEADER, *projects(12)], dry_run=True)
    assert result.created == 12 and len(result.changes) == 6
    doc = result.as_dict(preview_limit=5)
    assert len(doc["changes"]) == 5 and doc["changes_truncated"] is True
    assert PREVIEW_LIMIT == 2000


@pytest.mark.parametrize("kind, make", [
    ("projects", lambda n: [HEADER, *projects(n)]),
    ("investment", lambda n: [["项目编号", "填报月份", "本月完成投资"],
                              *[[f"C-{i % 40:03d}", f"2023-{1 + i // 40:02d}", 5] for i in range(n)]]),
])
@time_machine.travel("2023-07-10 10:00 +0800")
def test_checking_a_file_takes_the_same_queries_for_40_or_160_rows(cast, kind, make):
    if kind == "investment":
        assert run(cast, [HEADER, *projects(40)]).ok
    counts = []
    assert run(cast, make(10), kind, dry_run=True, keep_record=False).ok  # fills the per-process caches
    for n in (40, 160):
        with CaptureQueriesContext(connection) as queries:
            assert run(cast, make(n), kind, dry_run=True, keep_record=False).ok
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_history_keeps_the_first_errors_of_a_file_full_of_them_and_counts_them_all(cast, monkeypatch):
    monkeypatch.setattr("shigongtu.ledgers.engine.KEPT_ERRORS", 4)
    result = run(cast, [HEADER, *[[f"C-{i}", None, "在建", 1, None, None] for i in range(9)]])
    assert len(result.errors) == 9 and len(result.as_dict()["errors"]) == 9
    record = ImportRecord.objects.get(pk=result.record_id)
    assert record.error_count == 9 and len(record.result["errors"]) == 4 and record.result["errors_truncated"]


def test_rows_changing_different_columns_are_each_written_with_only_their_changes(cast):
    assert run(cast, [HEADER, *projects(3)]).ok
    rows = projects(3)
    rows[0][3] = 999          # C-000: 总投资
    rows[1][1] = "改名后的项目"  # C-001: 项目名称
    rows[2][2] = "在建"        # C-002: 前期 → 在建 (with its start date)
    rows[2][4] = "2023-03-01"
    result = run(cast, [HEADER, *rows])
    assert (result.updated, result.unchanged) == (3, 0)
    p0, p1, p2 = (Project.objects.get(plan=cast.plan, code=f"C-00{i}") for i in range(3))
    assert (p0.total_investment, p0.name) == (Decimal(999), "分块项目0")
    assert (p1.name, p1.total_investment) == ("改名后的项目", Decimal(101))
    assert (p2.stage, str(p2.actual_start), p2.version) == ("在建", "2023-03-01", 2)
    assert StageChange.objects.filter(project=p2, to_stage="在建").exists()
