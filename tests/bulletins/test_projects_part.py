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
    for code, resumed in (("P-3", dt.date(2023, 3, 1)), ("P-4", None)):  # 续建: one resumed (复工) by June
        Project.objects.create(plan=plan, code=code, name=f"续建项目{code}", stage="在建", nature="续建",
                               year_kind="续建", total_investment=Decimal(5000), annual_plan=Decimal(0),
                               actual_start=dt.date(2022, 5, 1), resumed_on=resumed, lead_unit=cast.dept)
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
    assert "计划新开工2个、已开工1个，开工率50.0%；续建项目2个、已复工1个，开复工率50.0%" in text


def test_a_project_started_before_its_permits_reads_as_paperwork_still_open(june_plan, cast):
    from shigongtu.bulletins.sections.problems import warning_label, warning_text

    w = {"kind": "started_without_approvals", "light": "yellow", "label": "未取得全部前期手续即开工",
         "missing": ["节能审查", "施工许可"], "message": "已开工，尚未取得：节能审查、施工许可"}
    assert warning_label(w) == "施工许可等手续尚未办结"
    assert warning_text(w) == "已开工，施工许可等手续尚未办结（尚缺节能审查、施工许可）"
    idle = {"kind": "bond_idle", "light": "red", "message": "专项债资金已闲置40天，未支出9450.0000万元"}
    assert warning_text(idle) == "专项债资金已闲置40天，未支出9450万元"


def test_approvals_accepted_with_tolerance_or_on_commitment_count_as_in_hand():
    from shigongtu.projects.rules.approvals import missing_approvals

    items = [("施工许可", True, "容缺受理"), ("节能审查", True, "告知承诺"), ("环评", True, "办理中")]
    assert missing_approvals(items) == ["环评"]
