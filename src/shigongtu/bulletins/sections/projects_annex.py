"""附件：重点项目进展情况表 (only for a plan with projects)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts


def build(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """附件：重点项目进展情况表 — every project; None without projects."""
    part = facts.projects
    if part is None:
        return None
    rows, month = [], part.month
    for r in part.doc["projects"]:
        annual, ytd = Decimal(str(r["annual_plan"])), Decimal(str(r["ytd_investment"]))
        rate = N.percent(ytd / annual) if annual else None
        rows.append([r["code"], r["name"], r["lead_unit"] or "", r["leader"] or "", r["stage"],
                     N.text(N.WAN.of(r["total_investment"])), N.text(N.WAN.of(annual)), N.text(N.WAN.of(ytd)),
                     N.text(rate), S.LIGHT_WORDS.get(r.get("light") or "", "—")])
    cols = [Column("项目编号", width=1.0), Column("项目名称", width=3.0), Column("责任单位", width=1.3),
            Column("包保领导", width=1.1), Column("阶段", width=0.9), Column("总投资（万元）", NUMBER, 2, 1.2),
            Column("年度计划投资（万元）", NUMBER, 2, 1.2), Column(f"1—{month}月完成投资（万元）", NUMBER, 2, 1.2),
            Column("完成率（%）", NUMBER, 1, 0.8), Column("灯色", LIGHT, width=0.7)]
    sec = Section("project_annex", "附件")
    sec.add_table(Table("projects", f"重点项目进展情况表（{S.month_end(month, part.plan.year)}）", cols, rows))
    return sec
