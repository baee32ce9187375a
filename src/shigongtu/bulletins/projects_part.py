"""The 重点项目 section and the project annex, from the project library when it is installed.

Everything is read from ``projects_document`` (the same document as ``shigongtu projects
--json`` and the API) at the bulletin's as-of date, plus the special-bond movements dated up
to it. Without the library (app not installed, or no Project model) :func:`build` returns
None and the bulletin has no project section; a plan without projects has none either.
Stages are the projects' current ones (the library keeps no stage snapshot per month).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.content import LIGHT, NUMBER, Column, Section, Table
from shigongtu.lib.periods import last_complete_month
from shigongtu.plans.models import Plan
from shigongtu.plans.rules.lights import RED, YELLOW

REMOVED = "调出"
WARNING_LIMIT = 300


def available() -> bool:
    """Whether the project library is installed and has its Project model and document."""
    if not apps.is_installed("shigongtu.projects"):
        return False
    try:
        from shigongtu.projects.documents import projects_document  # noqa: F401
        from shigongtu.projects.models import Project  # noqa: F401
    except ImportError:
        return False
    return True


def build(plan: Plan, as_of: dt.date) -> ProjectsPart | None:
    """The plan's project figures at ``as_of``, or None without the library or projects."""
    if not available():
        return None
    from shigongtu.projects.documents import projects_document
    from shigongtu.projects.models import Project

    if not Project.objects.filter(plan=plan).exists():
        return None
    doc = projects_document(plan, as_of)
    return ProjectsPart(plan, as_of, doc, _curve(plan), _bonds(plan, as_of))


def _curve(plan: Plan) -> tuple[float, ...] | None:
    try:
        from shigongtu.projects.models import ProjectSettings

        curve = ProjectSettings.rules_for(plan).curve
    except (ImportError, AttributeError):
        return None
    return tuple(curve) if curve else None


def _bonds(plan: Plan, as_of: dt.date) -> dict[str, Decimal] | None:
    """Quota, disbursed and spent (万元) over the plan's bond projects, dated up to ``as_of``."""
    try:
        from django.db.models import Sum

        from shigongtu.projects.models import BondDisbursement, BondExpenditure, BondProject, BondQuota
    except ImportError:
        return None
    if not BondProject.objects.filter(project__plan=plan).exists():
        return None
    out = {}
    for key, model in (("quota", BondQuota), ("disbursed", BondDisbursement), ("spent", BondExpenditure)):
        total = model.objects.filter(bond__project__plan=plan, date__lte=as_of).aggregate(s=Sum("amount"))["s"]
        out[key] = total or Decimal(0)
    out["projects"] = Decimal(BondProject.objects.filter(project__plan=plan).count())
    return out


def _stage_order() -> tuple[str, ...]:
    try:
        from shigongtu.projects.rules.stages import STAGES
    except ImportError:
        return ()
    return tuple(STAGES)


@dataclass
class ProjectsPart:
    plan: Plan
    as_of: dt.date
    doc: dict[str, Any]
    curve: tuple[float, ...] | None
    bonds: dict[str, Decimal] | None

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r for r in self.doc["projects"] if r["stage"] != REMOVED]

    @property
    def month(self) -> int:
        return int(self.doc.get("month") or last_complete_month(self.as_of, self.plan.year))

    def _date(self, raw: Any) -> dt.date | None:
        if raw in (None, ""):
            return None
        return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))

    def figures(self) -> dict[str, Any]:
        """The section's printed figures (rounded once), also kept in the content's figures."""
        rows, month = self.rows, self.month
        annual = sum((Decimal(str(r["annual_plan"])) for r in rows), Decimal(0))
        ytd = sum((Decimal(str(r["ytd_investment"])) for r in rows), Decimal(0))
        stats = sum((Decimal(str(r.get("ytd_stats_investment") or 0)) for r in rows), Decimal(0))
        total = sum((Decimal(str(r["total_investment"])) for r in rows), Decimal(0))
        completion = N.percent(ytd / annual) if annual else None
        linear = N.percent(Decimal(month) / 12)
        curve = N.percent(self.curve[month - 1]) if self.curve and month > 0 else None
        planned = [r for r in rows if (d := self._date(r["planned_start"])) and d.year == self.plan.year]
        due = [r for r in planned if self._date(r["planned_start"]) <= self.as_of]  # type: ignore[operator]
        started_due = [r for r in due if r["started"]]
        early = [r for r in planned if r["started"] and r not in due]
        completed = [r for r in rows if (d := self._date(r.get("actual_completion"))) and d <= self.as_of]
        started = [r for r in rows if r["started"]]
        in_stats = [r for r in started if r["in_statistics"]]
        return {
            "projects": len(rows), "total": N.YI.of(total), "annual": N.YI.of(annual), "ytd": N.YI.of(ytd),
            "ytd_stats": N.YI.of(stats), "completion": completion, "linear": linear, "curve": curve,
            "vs_linear": N.points(completion, linear) if completion is not None else None,
            "vs_curve": N.points(completion, curve) if completion is not None and curve is not None else None,
            "stages": Counter(r["stage"] for r in self.doc["projects"]),
            "planned": len(planned), "due": len(due), "started_due": len(started_due), "early": len(early),
            "start_rate": N.percent(Decimal(len(started_due)) / len(due)) if due else None,
            "started": len(started), "completed": len(completed), "in_stats": len(in_stats),
        }

    def section(self, figures: dict[str, Any]) -> Section:
        f = self.figures()
        figures["projects"] = {k: (N.text(v) if isinstance(v, Decimal) else (dict(v) if isinstance(v, Counter) else v))
                               for k, v in f.items()}
        sec = Section("projects", "重点项目推进情况")
        month = self.month
        order = {stage: i for i, stage in enumerate(_stage_order())}
        ordered = sorted(f["stages"].items(), key=lambda kv: order.get(kv[0], 99))
        stages = "、".join(f"{stage}{n}个" for stage, n in ordered if stage != REMOVED)
        removed = f["stages"].get(REMOVED, 0)
        text = (f"{S.month_end(month)}，纳入调度的重点项目{f['projects']}个，总投资{N.text(f['total'])}亿元，"
                f"年度计划投资{N.text(f['annual'])}亿元。按项目阶段分，{stages}")
        text += f"；另有{removed}个项目已调出" if removed else ""
        sec.para(S.ensure_period(text), lead="（一）项目总体情况。")
        inv = f"1—{month}月累计完成投资{N.text(f['ytd'])}亿元（调度口径）" if month > 1 else \
            f"{month}月完成投资{N.text(f['ytd'])}亿元（调度口径）"
        if f["completion"] is not None:
            inv += f"，完成年度计划的{N.text(f['completion'])}%，{S.compare(f['vs_linear'], '序时进度')}"
            if f["vs_curve"] is not None:
                inv += f"，{S.compare(f['vs_curve'], '计划曲线')}"
        inv += f"；统计口径完成投资{N.text(f['ytd_stats'])}亿元"
        sec.para(S.ensure_period(inv), lead="（二）投资完成情况。")
        starts = f"年内计划开工项目{f['planned']}个，其中计划{month}月底前开工{f['due']}个，已开工{f['started_due']}个"
        if f["start_rate"] is not None:
            starts += f"，开工率{N.text(f['start_rate'])}%"
        if f["early"]:
            starts += f"；另有{f['early']}个项目提前开工"
        starts += f"。累计已开工项目{f['started']}个，其中已纳入固定资产投资统计（入库）{f['in_stats']}个"
        starts += f"；已竣工项目{f['completed']}个。" if f["completed"] else "。"
        sec.para(starts, lead="（三）开工和入库情况。")
        if self.bonds is not None:
            b = self.bonds
            progress = N.percent(b["spent"] / b["quota"]) if b["quota"] else None
            figures["projects"]["bonds"] = {"quota": N.text(N.YI.of(b["quota"])), "spent": N.text(N.YI.of(b["spent"])),
                                            "progress": N.text(progress)}
            bond = (f"专项债券项目{int(b['projects'])}个，累计下达额度{N.text(N.YI.of(b['quota']))}亿元，"
                    f"已拨付{N.text(N.YI.of(b['disbursed']))}亿元，实际支出{N.text(N.YI.of(b['spent']))}亿元")
            bond += f"，支出进度{N.text(progress)}%。" if progress is not None else "。"
            sec.para(bond, lead="（四）专项债券资金使用情况。")
        sec.add_table(self._unit_table())
        return sec

    def _unit_table(self) -> Table:
        by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows:
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

    def problems(self, sec: Section) -> None:
        """Add the projects' red and yellow warnings to 存在问题 as （二）."""
        sec.sub("（二）重点项目存在的问题")
        warned = [(r, w) for r in self.rows for w in r.get("warnings", []) if w.get("light") in (RED, YELLOW)]
        if not warned:
            sec.para("重点项目未出现预警。")
            return
        kinds = Counter(w.get("label") or w["kind"] for _, w in warned)
        red_projects = [r for r in self.rows if r.get("light") == RED]
        text = f"重点项目共有预警{len(warned)}条，其中" + "、".join(f"{k}{n}条" for k, n in kinds.most_common())
        if red_projects:
            text += f"；亮红灯项目{len(red_projects)}个"
        sec.para(text + "，名单如下表。")
        rows = []
        ordered = sorted(warned, key=lambda rw: (0 if rw[1]["light"] == RED else 1, rw[0]["code"]))
        for r, w in ordered[:WARNING_LIMIT]:
            rows.append([r["code"], r["name"], r["lead_unit"] or "", r["leader"] or "",
                         w.get("message") or w.get("label") or w["kind"], S.LIGHT_WORDS[w["light"]]])
        cols = [Column("项目编号", width=1.0), Column("项目名称", width=2.8), Column("责任单位", width=1.3),
                Column("包保领导", width=1.1), Column("预警情况", width=2.8), Column("灯色", LIGHT, width=0.7)]
        note = "" if len(ordered) <= WARNING_LIMIT else \
            f"共{len(ordered)}条预警，此处列出前{WARNING_LIMIT}条（红灯在前）。"
        sec.add_table(Table("project_warnings", "重点项目预警清单", cols, rows, note=note))

    def annex(self) -> Section:
        rows, month = [], self.month
        for r in self.doc["projects"]:
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
        sec.add_table(Table("projects", f"重点项目进展情况表（{S.month_end(month, self.plan.year)}）", cols, rows))
        return sec
