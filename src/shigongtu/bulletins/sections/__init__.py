"""The bulletin's sections and annexes, one module each, in document order.

A section is a function ``(facts, figures) -> Section | None``: it reads the month's facts,
records its printed figures in ``figures`` and returns its blocks (None when it has nothing
to say, e.g. no projects). Adding a record type adds one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shigongtu.bulletins.blocks import Section
from shigongtu.bulletins.facts import Facts
from shigongtu.bulletins.sections import (
    attraction,
    enterprises,
    fronts,
    next_steps,
    overview,
    problems,
    projects,
    projects_annex,
    reporting,
    supervision,
    task_annex,
)

SectionBuilder = Callable[[Facts, dict[str, Any]], Section | None]

SECTIONS: tuple[SectionBuilder, ...] = (
    overview.build,      # 总体情况
    fronts.build,        # 各战线推进情况
    projects.build,      # 重点项目推进情况 (with projects)
    attraction.build,    # 招商引资 (with leads)
    enterprises.build,   # 企业梯度培育 (with an enterprise registry)
    supervision.build,   # 督办事项办理情况 (with supervision items)
    problems.build,      # 存在问题
    reporting.build,     # 月报报送情况
    next_steps.build,    # 下步工作安排
)
ANNEXES: tuple[SectionBuilder, ...] = (
    task_annex.build,    # 附件：任务进展情况表
    projects_annex.build,  # 附件：重点项目进展情况表 (with projects)
)
