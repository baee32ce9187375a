"""存在问题: red and yellow tasks, lagging indicators, the projects' warnings and the problems
the month's reports raised."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.bulletins.projects_part import ProjectsPart
from shigongtu.lib.periods import format_date_zh
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.plans.rules.warnings import INDICATOR_LAG, LAG, OVERDUE

LAGGING_LIMIT = 300  # a longer red/yellow list keeps its red rows (up to this many); the annex has all
WARNING_LIMIT = 300


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """Red and yellow tasks with their lead unit and 包保领导, lagging indicators, the problems
    the month's reports raised, and (with the project library) the projects' warnings."""
    sec = Section("problems", "存在问题")
    month, projects = facts.period.month, facts.projects
    counts = facts.figures.warning_counts  # the dashboard counts the same warnings
    figures["warnings"] = counts
    lagging = [w for w in facts.warnings if w.kind in (LAG, OVERDUE)]
    lagging.sort(key=lambda w: 0 if w.light == RED else 1)  # stable: code order within each light
    reds = [w for w in lagging if w.light == RED]
    n_red = sum(counts.get(kind, {}).get(RED, 0) for kind in (LAG, OVERDUE))
    n_overdue = sum(counts.get(OVERDUE, {}).values())
    sec.sub("（一）进度滞后任务")
    if lagging:
        text = f"{S.month_end(month)}，亮红灯任务{n_red}项、亮黄灯任务{len(lagging) - n_red}项"
        text += f"，其中已过完成时限仍未完成{n_overdue}项" if n_overdue else ""
        sec.para(text + "。具体如下表，请各牵头单位和包保领导高度重视，逐项研究解决。")
        rows = []
        shown = lagging if len(lagging) <= LAGGING_LIMIT else reds[:LAGGING_LIMIT]
        for w in shown:
            meta, res = facts.meta(w.node_id), facts.result(w.node_id)
            progress, expected = N.pct(res.progress), N.pct(res.expected)
            if w.kind == OVERDUE:
                state = f"逾期{w.detail.get('days_overdue', 0)}天（完成时限{format_date_zh(res.due)}）"
            else:
                state = f"落后序时进度{N.text(N.points(expected, progress))}个百分点"
            rows.append([meta.code, meta.title, facts.unit(w.node_id), meta.leader, N.text(progress),
                         N.text(expected), state, S.light_word(w.light)])
        cols = [Column("编号", width=0.7), Column("任务名称", width=3.6), Column("牵头单位", width=1.3),
                Column("包保领导", width=1.1), Column("进度（%）", NUMBER, 1, 0.8),
                Column("序时进度（%）", NUMBER, 1, 0.8),
                Column("滞后情况", width=1.9), Column("灯色", LIGHT, width=0.7)]
        note = "" if shown is lagging else (f"红黄灯任务共{len(lagging)}项，此处列出红灯任务{len(shown)}项，"
                                              "全部任务的灯色见附件1。")
        sec.add_table(Table("lagging", "红黄灯任务清单" if shown is lagging else "红灯任务清单", cols, rows, note=note))
    else:
        sec.para(f"{S.month_end(month)}，未出现红灯、黄灯任务。")
    ind_lag = [w for w in facts.warnings if w.kind == INDICATOR_LAG]
    if ind_lag:
        parts = []
        for w in ind_lag:
            completion = N.percent(w.detail["completion"])
            expected = N.percent(w.detail["expected_share"])
            parts.append(f"{w.indicator}完成{N.text(completion)}%，落后计划进度{N.text(N.points(expected, completion))}"
                         f"个百分点（{S.light_word(w.light)}）")
        sec.para("指标方面，" + "；".join(parts) + "。")
    if projects is not None:
        project_problems(projects, sec)
    raised = _reported_problems(facts)
    n = "（三）" if projects is not None else "（二）"
    sec.sub(f"{n}月报反映的主要问题")
    if raised:
        sec.para(f"各牵头单位{month}月份月报共反映问题{sum(len(v) for v in raised.values())}条，主要有：")
        for i, (text, codes) in enumerate(sorted(raised.items(), key=lambda kv: -len(kv[1])), start=1):
            sec.para(S.ensure_period(f"{i}. {text.rstrip('。；;')}（{_involving(codes)}）"))
    else:
        sec.para(f"{month}月份月报未反映需要协调解决的问题。")
    return sec




def project_problems(part: ProjectsPart, sec: Section) -> None:
    """Add the projects' red and yellow warnings to 存在问题 as （二）."""
    sec.sub("（二）重点项目存在的问题")
    warned = [(r, w) for r in part.rows for w in r.get("warnings", []) if w.get("light") in (RED, YELLOW)]
    if not warned:
        sec.para("重点项目未出现预警。")
        return
    kinds = Counter(warning_label(w) for _, w in warned)
    red_projects = part.read_model.lights[RED]  # as the dashboard counts them
    text = f"重点项目共有预警{len(warned)}条，其中" + "、".join(f"{k}{n}条" for k, n in kinds.most_common())
    if red_projects:
        text += f"；亮红灯项目{red_projects}个"
    sec.para(text + "，名单如下表。")
    rows = []
    ordered = sorted(warned, key=lambda rw: (0 if rw[1]["light"] == RED else 1, rw[0]["code"]))
    for r, w in ordered[:WARNING_LIMIT]:
        rows.append([r["code"], r["name"], r["lead_unit"] or "", r["leader"] or "",
                     warning_text(w), S.light_word(w["light"])])
    cols = [Column("项目编号", width=1.0), Column("项目名称", width=2.8), Column("责任单位", width=1.3),
            Column("包保领导", width=1.1), Column("预警情况", width=2.8), Column("灯色", LIGHT, width=0.7)]
    note = "" if len(ordered) <= WARNING_LIMIT else \
        f"共{len(ordered)}条预警，此处列出前{WARNING_LIMIT}条（红灯在前）。"
    sec.add_table(Table("project_warnings", "重点项目预警清单", cols, rows, note=note))


PERMITS_PENDING = "施工许可等手续尚未办结"


def warning_label(w: dict[str, Any]) -> str:
    """A project warning's kind as a bulletin names it. Starting before every approval is
    in hand (approvals recorded as 容缺受理 or 告知承诺 count as in hand) reads 「施工许可等手续
    尚未办结」: an office reports the paperwork still open, not an accusation."""
    if w["kind"] == "started_without_approvals":
        return PERMITS_PENDING
    return str(w.get("label") or w["kind"])


def warning_text(w: dict[str, Any]) -> str:
    """A project warning's line in the warnings table."""
    if w["kind"] == "started_without_approvals":
        missing = list(w.get("missing") or [])
        if not missing:
            return PERMITS_PENDING
        first = "施工许可" if "施工许可" in missing else missing[0]
        rest = [m for m in missing if m != first]
        return f"已开工，{first}{'等' if rest else ''}手续尚未办结（尚缺{'、'.join(missing)}）"
    return N.tidy_amounts(str(w.get("message") or w.get("label") or w["kind"]))


def _involving(codes: list[str]) -> str:
    """涉及1.5 / 涉及1.5、2.1共2项任务 / 涉及1.5、2.1……等12项任务."""
    if len(codes) == 1:
        return f"涉及{codes[0]}"
    if len(codes) <= 6:
        return f"涉及{'、'.join(codes)}共{len(codes)}项任务"
    return f"涉及{S.listing(codes, 6)}任务"


def _reported_problems(facts: Facts) -> dict[str, list[str]]:
    """The period's reported problems, identical texts together, with the task codes."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for node_id in facts.rollup.order:
        report = facts.reports.get(node_id)
        if report is not None and report.problems:
            grouped[report.problems].append(facts.meta(node_id).code)
    return dict(grouped)
