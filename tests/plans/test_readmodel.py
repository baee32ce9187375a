"""The journal tells the read model what each write changed, and a memo replays it."""

from __future__ import annotations

from typing import Any

from shigongtu.plans import services
from shigongtu.plans.models import Plan, RollupDelta
from shigongtu.plans.readmodel import Memo, changes_since


def rev(cast: Any) -> int:
    cast.plan.refresh_from_db()
    return int(cast.plan.revision)


def test_a_filed_report_is_journalled_as_its_leaf(cast: Any) -> None:
    before = rev(cast)
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 40})
    changes = changes_since(cast.plan.pk, before, rev(cast))
    assert changes.nodes == {cast.node("1.2").pk}
    assert not changes.everything and not changes.project_side


def test_a_project_write_is_journalled_as_the_project_library(cast: Any) -> None:
    before = rev(cast)
    services.bump_revision(cast.plan, projects=[41])
    services.bump_revision(cast.plan, projects=True)
    changes = changes_since(cast.plan.pk, before, rev(cast))
    assert changes.projects == {41} and changes.any_project
    assert not changes.plan_side


def test_a_structural_write_or_a_gap_in_the_journal_reads_as_everything(cast: Any) -> None:
    before = rev(cast)
    services.save_node(cast.plan, "1.3", {"title": "新任务"})
    assert changes_since(cast.plan.pk, before, rev(cast)).everything
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 40})
    now = rev(cast)
    RollupDelta.objects.filter(plan=cast.plan, revision=now).delete()
    assert changes_since(cast.plan.pk, now - 1, now).everything


def test_a_memo_keeps_its_value_until_a_change_it_depends_on(cast: Any) -> None:
    builds: list[int] = []

    def build(plan: Plan, key: Any) -> int:
        builds.append(plan.revision)
        return plan.revision

    memo: Memo[int] = Memo("test.projects_only", build, depends=lambda c: c.project_side)
    now = rev(cast)
    assert memo.get(cast.plan) == now
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 40})
    rev(cast)
    assert memo.get(cast.plan) == builds[0] and len(builds) == 1      # a report: kept
    services.bump_revision(cast.plan, projects=True)
    now = rev(cast)
    assert memo.get(cast.plan) == now and len(builds) == 2     # a project change: rebuilt


def test_a_bump_numbers_the_revision_and_its_journal_entry_alike(cast: Any) -> None:
    before = rev(cast)
    services.bump_revision(cast.plan, node_id=cast.node("1.2").pk)
    services.bump_revision(cast.plan)
    held = cast.plan.revision  # the number the statement returned, not read again
    assert held == rev(cast) == before + 2
    journal = list(RollupDelta.objects.filter(plan=cast.plan, revision__gt=before).values_list("revision", flat=True))
    assert sorted(journal) == [before + 1, before + 2]
