"""重点项目推进情况: the project library's section (only for a plan with projects)."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.bulletins.projects_part import STAGE_ORDER, ProjectsPart
from shigongtu.projects.rules.stages import REMOVED


def build(facts: Facts, figures: dict[str, Any]) -> Section | None:
    """（一）总体 （二）投资 （三）开工和入库 （四）专项债, and the table by lead unit; None without projects."""
    part = facts.projects
    if part is None:
        return None
    f = part.figures()
    figures["projects"] = {k: (N.text(v) if isinstance(v, Decimal) else (dict(v) if isinstance(v, Counter) else v))
                           for k, v in f.items()}
    sec = Section("projects", "重点项目推进情况")
    month = part.month
    order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
    ordered = sorted(f["stages"].items(), key=lambda kv: order.get(kv[0], 99))
    stages = "、".join(f"{stage}{n}个" for stage, n in ordered if stage != REMOVED)
    removed = f["stages"].get(REMOVED, 0)
    said = f.pop("said")
    text = (f"{S.month_end(month)}，纳入调度的重点项目{f['projects']}个，总投资{said['total']}，"
            f"年度计划投资{said['annual']}。按项目阶段分，{stages}")
    text += f"；另有{removed}个项目已调出" if removed else ""
    sec.para(S.ensure_period(text), lead="（一）项目总体情况。")
    inv = f"1—{month}月累计完成投资{said['ytd']}（调度口径）" if month > 1 else \
        f"{month}月完成投资{said['ytd']}（调度口径）"
    if f["completion"] is not None:
        inv += f"，完成年度计划的{N.text(f['completion'])}%，{S.compare(f['vs_linear'], '序时进度')}"
        if f["vs_curve"] is not None:
            inv += f"，{S.compare(f['vs_curve'], '计划曲线')}"
    inv += f"；统计口径完成投资{said['ytd_stats']}"
    sec.para(S.ensure_period(inv), lead="（二）投资完成情况。")
    starts = S.starts(f["new_planned"], f["new_started"], f["new_rate"], f["continuing"], f["resumed"],
                      f["resume_rate"])
    starts += f"。累计已开工项目{f['started']}个，其中已纳入固定资产投资统计（入库）{f['in_stats']}个"
    starts += f"；已竣工项目{f['completed']}个。" if f["completed"] else "。"
    sec.para(starts, lead="（三）开工和入库情况。")
    figures["projects"]["lights"] = dict(part.read_model.lights)
    b = part.read_model.bonds  # the same money the dashboard's bond card shows
    if b is not None:
        progress = N.percent(b.progress) if b.progress is not None else None
        figures["projects"]["bonds"] = {"quota": N.text(N.YI.of(b.quota)), "spent": N.text(N.YI.of(b.spent)),
                                        "progress": N.text(progress)}
        bond = (f"专项债券项目{b.projects}个，累计下达额度{N.money(b.quota)}，"
                f"已拨付{N.money(b.disbursed)}，实际支出{N.money(b.spent)}")
        bond += f"，支出进度{N.text(progress)}%。" if progress is not None else "。"
        sec.para(bond, lead="（四）专项债券资金使用情况。")
    sec.add_table(_unit_table(part))
    return sec

def _unit_table(part: ProjectsPart) -> Table:
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in part.rows:
        by_unit[r["lead_unit"] or "未明确责任单位"].append(r)
    ranked = []
    for unit, items in by_unit.items():
        annual = sum((Decimal(str(r["annual_plan"])) for r in items), Decimal(0))
        ytd = sum((Decimal(str(r["ytd_investment"])) for r in items), Decimal(0))
        rate = N.percent(ytd / annual) if annual else None
        ranked.append((rate if rate is not None else Decimal(-1), unit, items, annual, ytd, rate))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    rows = [[unit, str(len(items)), str(sum(1 for r in items if r["started"])), N.text(N.WAN.of(annual)),
             N.text(N.WAN.of(ytd)), N.text(rate)] for _, unit, items, annual, ytd, rate in ranked]
    cols = [Column("责任单位", width=1.8), Column("项目数", NUMBER), Column("已开工", NUMBER),
            Column("年度计划投资（万元）", NUMBER, 2, 1.3), Column("累计完成投资（万元）", NUMBER, 2, 1.3),
            Column("完成率（%）", NUMBER, 1)]
    return Table("project_units", "各责任单位重点项目投资完成情况表（按完成率排序）", cols, rows)
