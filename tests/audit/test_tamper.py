"""Every tamper case of issue #12 is caught by ``audit verify`` (the chain, the head, the anchors
or the figures replayed against the history); an untouched history verifies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry, ChainHead
from shigongtu.audit.services import record
from shigongtu.audit.verify import append_anchor, verify_history
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Report
from shigongtu.projects.models import InvestmentReport, Project
from tests.audit import forger
from tests.projects.conftest import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast):
    """A small real history: an indicator, two months of reports (one approved), a project."""
    with time_machine.travel(dt.datetime(2023, 6, 30, 9, tzinfo=dt.UTC), tick=False):
        node = cast.node("1.1")
        services.save_indicator(node, {"name": "春季开工项目", "target": 30, "unit": "个"})
        services.file_report(node, "2023-04", {"progress": 40, "values": {"春季开工项目": 12}})
        report = services.file_report(node, "2023-05", {"progress": 65, "values": {"春季开工项目": 20}})
        services.review_report(report, True, user=cast.coordinator)
        make_project(cast)
    return cast


def problems(anchors: Path | None = None) -> list[str]:
    verdict = verify_history(anchors)
    assert not verdict.ok, "tampering went unnoticed"
    return verdict.problems()


def test_an_untouched_history_verifies_with_its_figures(history, tmp_path):
    anchors = tmp_path / "anchors.txt"
    append_anchor(anchors)
    verdict = verify_history(anchors)
    assert verdict.ok, verdict.problems()
    assert verdict.entries == AuditEntry.objects.count() and verdict.legacy == 0
    assert "月报进度 report progress" in verdict.figures_checked and verdict.anchors_checked == 1


def test_it_catches_a_truncated_history_whose_head_was_moved_back(history, tmp_path):
    anchors = tmp_path / "anchors.txt"
    append_anchor(anchors)
    forger.truncate_to(AuditEntry.objects.count() - 2)
    assert verify_history().broken is None  # consistent in itself: only the anchor knows
    assert any("truncated" in p for p in problems(anchors))


def test_it_catches_a_deleted_head_row_and_writes_go_on(history):
    forger.sql(f"DELETE FROM {forger.HEAD}")  # noqa: S608
    assert any("head row is missing" in p for p in problems())
    before = AuditEntry.objects.count()
    record("update", "node", 1, {"title": ["a", "b"]}, "coord")
    assert AuditEntry.objects.count() == before + 2  # the rebuild is itself recorded, then the write
    assert ChainHead.objects.get().last_seq == before + 2
    found = problems()
    assert any("rebuilt" in p for p in found) and verify_history().broken is None


def test_it_catches_an_entry_rewritten_and_rehashed_without_the_key(history):
    forger.rehash_from(3, {"actor": "mallory"})
    assert verify_history().broken.seq == 3


def test_it_catches_an_entry_rewritten_and_rehashed_under_a_guessed_key(history):
    forger.rehash_from(3, {"actor": "mallory"}, key=b"guess")
    assert verify_history().broken.seq == 3


def test_it_catches_a_whole_history_rehashed_as_legacy_through_the_anchors(history, tmp_path):
    anchors = tmp_path / "anchors.txt"
    append_anchor(anchors)
    forger.rehash_from(1, {"actor": "mallory"})
    verdict = verify_history(anchors)
    assert verdict.broken is None and verdict.legacy == verdict.entries  # plain SHA-256 all along...
    assert any("rewritten" in p for p in verdict.problems())  # ...but the anchor disagrees


def test_it_catches_a_forged_approval_appended_at_the_end(history):
    report = Report.objects.get(period="2023-04")
    forger.append("approve", "report", report.pk, {"status": ["submitted", "approved"]})
    broken = verify_history().broken
    assert broken is not None and broken.seq == AuditEntry.objects.count() and "unkeyed" in broken.reason


def test_it_catches_a_forged_entry_under_a_guessed_key(history):
    forger.append("approve", "report", 1, {"status": ["submitted", "approved"]}, key=b"guess")
    assert verify_history().broken.seq == AuditEntry.objects.count()


def test_it_catches_a_changed_entry_payload(history):
    forger.sql(f"UPDATE {forger.TABLE} SET changes = %s WHERE seq = 2", ['{"target": [null, 300]}'])  # noqa: S608
    assert verify_history().broken.seq == 2


def test_it_catches_reordered_entries(history):
    forger.sql(f"UPDATE {forger.TABLE} SET seq = 999 WHERE seq = 2")  # noqa: S608
    forger.sql(f"UPDATE {forger.TABLE} SET seq = 2 WHERE seq = 3")  # noqa: S608
    forger.sql(f"UPDATE {forger.TABLE} SET seq = 3 WHERE seq = 999")  # noqa: S608
    assert verify_history().broken.seq == 2


@pytest.mark.parametrize(("model", "column", "value", "figure"), [
    (Report, "progress", Decimal(90), "月报进度"),
    (Indicator, "target", Decimal(300), "指标目标值"),
    (Project, "total_investment", Decimal(99999), "项目投资额"),
])
def test_it_names_a_figure_changed_in_its_own_table(history, model, column, value, figure):
    forger.sql(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s",  # noqa: S608
               [value, model.objects.order_by("-pk").values_list("pk", flat=True).first()])
    found = problems()
    assert len(found) == 1 and figure in found[0] and "figure without matching history" in found[0]


def test_it_names_a_report_value_changed_in_its_own_table(history):
    forger.sql("UPDATE plans_reportvalue SET value = 999")
    assert sum("月报指标值" in p for p in problems()) == 2


def test_it_names_an_investment_figure_changed_in_its_own_table(history):
    from shigongtu.projects.services import investment

    project = Project.objects.get()
    with time_machine.travel(dt.datetime(2023, 6, 30, 9, tzinfo=dt.UTC), tick=False):
        investment.submit_investment(project, {"period": "2023-05", "amount": "120"}, today=dt.date(2023, 6, 30))
    assert verify_history().ok
    forger.sql(f"UPDATE {InvestmentReport._meta.db_table} SET amount = 5000")  # noqa: S608
    assert any("月度投资" in p for p in problems())


def test_a_curve_with_negative_zero_verifies(cast):
    node = cast.node("1.1")
    services.save_indicator(node, {"name": "曲线", "target": 10, "curve": [-0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6,
                                                                         0.7, 0.8, 0.9, 1.0, 1.0]})
    assert AuditEntry.objects.order_by("-seq").first().changes["curve"][1][0] == 0  # stored as 0, not -0.0
    assert verify_history().ok


def test_a_bad_anchor_file_line_is_reported(history, tmp_path):
    anchors = tmp_path / "anchors.txt"
    anchors.write_text("not an anchor\n", encoding="utf-8")
    assert any("line 1" in p for p in problems(anchors))
