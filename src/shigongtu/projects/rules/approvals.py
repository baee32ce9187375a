"""The approvals checklist (前期手续): item statuses and kinds, and readiness to start (具备开工条件)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shigongtu.projects.rules.stages import CONSTRUCTION, NOT_STARTED

NOT_STARTED_ITEM = "未启动"
IN_PROGRESS_ITEM = "办理中"
OBTAINED = "已取得"
NOT_NEEDED = "无需办理"
TOLERANCE = "容缺受理"  # accepted with materials to follow: the project may start meanwhile
COMMITMENT = "告知承诺"  # granted on the owner's written commitment (告知承诺制)
APPROVAL_STATUSES = (NOT_STARTED_ITEM, IN_PROGRESS_ITEM, OBTAINED, NOT_NEEDED, TOLERANCE, COMMITMENT)
CLEARED = frozenset({OBTAINED, NOT_NEEDED, TOLERANCE, COMMITMENT})

# The usual order of items for a 房建/市政 project (domain §2.2); 施工许可 is the last gate.
APPROVAL_KINDS = (
    "项目代码赋码", "立项（审批）", "立项（核准）", "立项（备案）", "用地预审与选址", "环评", "节能审查", "水土保持",
    "社会稳定风险评估", "建设用地规划许可", "土地出让/划拨", "规划方案审查", "建设工程规划许可", "施工图审查",
    "施工许可", "竣工验收",
)
# The checklist a new project starts with: (kind, required).
DEFAULT_CHECKLIST = (
    ("项目代码赋码", True), ("立项（备案）", True), ("用地预审与选址", True), ("环评", True), ("节能审查", True),
    ("建设用地规划许可", True), ("土地出让/划拨", True), ("建设工程规划许可", True), ("施工图审查", False),
    ("施工许可", True),
)


def missing_approvals(items: Iterable[tuple[str, bool, str]]) -> list[str]:
    """The required items (kind, required, status) not yet 已取得 or 无需办理, in order."""
    return [kind for kind, required, status in items if required and status not in CLEARED]


def ready_to_start(items: Iterable[tuple[str, bool, str]]) -> bool:
    """具备开工条件: every required item is obtained or not needed (an empty checklist is not ready)."""
    rows = list(items)
    return bool(rows) and not missing_approvals(rows)


def stage_flags(stage: str, old: str, checklist: list[tuple[str, bool, str]]) -> list[dict[str, Any]]:
    """The flags a move to ``stage`` carries: starting construction before every required
    approval (前期手续) is obtained is allowed, and flagged."""
    if stage != CONSTRUCTION or old not in NOT_STARTED:
        return []
    missing = missing_approvals(checklist)
    if not missing:
        return []
    return [{"kind": "started_without_approvals", "missing": missing,
             "message": f"未取得全部前期手续即开工：{'、'.join(missing)}"}]
