"""The 重点项目 section, from the project library's own document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins.content import build_content
from shigongtu.projects.documents import projects_document
from shigongtu.projects.models import InvestmentReport, Project

from .conftest import JUNE


def add_projects(plan, cast):
    a = Project.objects.create(plan=plan, code="P-1", name="汽车产业园", stage="在建", total_investment=Decimal(150000),
                               annual_plan=Decimal(42000), planned_start=dt.date(2023, 4, 10),
                               actual_start=dt.date(2023, 4, 12), in_statistics=True, lead_unit=cast.dept,
                               leader="赵明")
    Project.objects.create(plan=plan, code="P-2", name="算力中心", stage="前期", total_investment=Decimal(80000),
                           annual_plan=Decimal(10000), planned_start=dt.date(2023, 5, 1), lead_unit=cast.other_dept)
    for month, amount in ((4, "3000.5"), (5, "4100.25"), (6, "5200")):
        InvestmentReport.objects.create(plan=plan, project=a, period=f"2023-{month:02d}", amount=Decimal(amount),
                                        stats_amount=Decimal(amount) - 100, status=InvestmentReport.Status.ACCEPTED)


def test_with_projects_the_bulletin_has_a_project_section_and_annex(june_plan, cast):
    add_projects(june_plan, cast)
    content = build_content(june_plan, JUNE)
    assert content.has_projects
    assert [s.key for s in content.sections][2] == "projects"
    assert content.sections[2].heading == "三、重点项目推进情况"
    assert [a.heading for a in content.annexes] == ["附件1", "附件2"]


def test_project_figures_equal_the_project_document(june_plan, cast):
    add_projects(june_plan, cast)
    content = build_content(june_plan, JUNE)
    doc = projects_document(june_plan, JUNE.last_day)
    totals = doc["totals"]
    figures = content.figures["projects"]
    assert figures["projects"] == totals["projects"]
    assert figures["ytd"] == N.text(N.YI.of(totals["ytd_investment"]))
    rows = {r[0]: r for r in content.table("projects").rows}
    for p in doc["projects"]:
        assert rows[p["code"]][7] == N.text(N.WAN.of(p["ytd_investment"]))
    text = " ".join(content.paragraphs())
    assert f"累计完成投资{figures['ytd']}亿元（调度口径）" in text
    assert "计划6月底前开工2个，已开工1个，开工率50.0%" in text
