"""The synthetic ledgers of ``bench import`` beside projects and investment: the plan's tasks
(nodes, with indicators), a month's reports on every leaf task, the statistics bureau's figures
for the indicators, an approvals checklist and a bond record for the imported projects.

Each builder takes the number of rows wanted and returns the file's rows by the ledger's
canonical headers; :data:`shigongtu.bench.imports.KINDS` says which file each kind reads, what it
needs imported first, and measures it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from shigongtu.projects.rules.approvals import APPROVAL_KINDS, APPROVAL_STATUSES
from shigongtu.projects.rules.bonds import BOND_DECLARED, BOND_PLANNING, BOND_REVIEW

FRONTS = 20  # top-level tasks; each has BRANCHES children, and each of those LEAVES leaves
BRANCHES = 50
MONTH = "2023-06"
INDICATOR_EVERY = 12  # one leaf in this many carries an indicator (statistics give it twelve months)


def _shape(n_leaves: int) -> tuple[int, int]:
    """Fronts and branches per front for about ``n_leaves`` leaves of at most 50 a branch."""
    per_branch = max(1, min(50, n_leaves // (FRONTS * BRANCHES) or 1))
    branches = max(1, min(BRANCHES, -(-n_leaves // (FRONTS * per_branch))))
    return branches, per_branch


def leaf_codes(n_leaves: int) -> list[str]:
    """The leaf task codes (f.b.l) of the bench's plan, ``n_leaves`` of them."""
    branches, per_branch = _shape(n_leaves)
    codes = [f"{f}.{b}.{leaf}" for f in range(1, FRONTS + 1) for b in range(1, branches + 1)
             for leaf in range(1, per_branch + 1)]
    return codes[:n_leaves]


def indicator_name(i: int) -> str:
    return f"合成指标{i:05d}"


def node_rows(n_leaves: int, rng: random.Random) -> list[dict[str, Any]]:
    """The plan's tasks: fronts, branches and ``n_leaves`` leaves; one leaf in INDICATOR_EVERY has
    a cumulative indicator (a flow in 万元)."""
    leaves = leaf_codes(n_leaves)
    parents: dict[str, None] = {}
    for code in leaves:
        f, b, _ = code.split(".")
        parents.setdefault(f)
        parents.setdefault(f"{f}.{b}")
    rows: list[dict[str, Any]] = []
    for code in (*parents, *leaves):
        start = dt.date(2023, rng.randint(1, 6), 1)
        row: dict[str, Any] = {"编号": code, "任务名称": f"合成任务{code}", "牵头单位": f"部门{rng.randint(0, 19):02d}",
                               "责任领导": f"领导{rng.randint(0, 39)}", "开始时间": start,
                               "完成时限": dt.date(2023, rng.randint(7, 12), 28), "权重": rng.choice((1, 1, 2, 3))}
        rows.append(row)
    for i, row in enumerate(rows[len(parents)::INDICATOR_EVERY]):
        row.update({"指标名称": indicator_name(i), "目标值": rng.choice((1200, 5000, 30000)), "单位": "万元",
                    "指标类型": "流量", "累计值": "是"})
    return rows


def report_rows(n_leaves: int, rng: random.Random) -> list[dict[str, Any]]:
    """A month's report on every leaf task."""
    return [{"编号": code, "填报月份": MONTH, "进度": rng.randint(0, 100), "本月进展": "按计划推进",
             "存在问题": "无" if rng.random() < 0.7 else "用地手续待办", "下步计划": "继续推进"}
            for code in leaf_codes(n_leaves)]


def statistic_rows(n_rows: int, n_leaves: int, rng: random.Random) -> list[dict[str, Any]]:
    """Twelve months of cumulative figures (never falling) for the indicators ``node_rows`` gave."""
    leaves = leaf_codes(n_leaves)
    rows: list[dict[str, Any]] = []
    for i, code in enumerate(leaves[::INDICATOR_EVERY]):
        total = 0.0
        for month in range(1, 13):
            total += rng.uniform(10, 500)
            rows.append({"编号": code, "指标名称": indicator_name(i), "统计期": f"2023-{month:02d}",
                         "本期值": round(total, 2), "同比增长": round(rng.uniform(-5, 15), 1)})
    return rows[:n_rows]


def approval_rows(codes: list[str], n_rows: int, rng: random.Random) -> list[dict[str, Any]]:
    """Five checklist items per project (the first projects of ``codes``), ``n_rows`` in all."""
    kinds = APPROVAL_KINDS[1:6]
    rows: list[dict[str, Any]] = []
    for code in codes:
        for kind in kinds:
            status = rng.choice(APPROVAL_STATUSES[:3])
            issued = dt.date(2023, rng.randint(1, 6), rng.randint(1, 28)) if status == "已取得" else None
            rows.append({"项目编号": code, "手续类型": kind, "是否必需": "是", "办理状态": status,
                         "批复文号": f"合审〔2023〕{rng.randint(1, 9999)}号" if issued else None, "批复日期": issued,
                         "经办部门": "区行政审批局"})
            if len(rows) == n_rows:
                return rows
    return rows


def bond_rows(codes: list[str], rng: random.Random) -> list[dict[str, Any]]:
    """One bond record per project of ``codes``."""
    return [{"项目编号": code, "状态": rng.choice((BOND_PLANNING, BOND_DECLARED, BOND_REVIEW)),
             "申请额度": round(rng.uniform(500, 50000), 2), "用作资本金": rng.choice(("是", "否")),
             "收益覆盖倍数": round(rng.uniform(1.1, 2.5), 2), "实施方案": "是", "财务评价报告": "是",
             "法律意见书": rng.choice(("是", "否")), "备注": "合成数据"} for code in codes]
