"""The project lifecycle (项目阶段): the stages, the words people use for them, the allowed moves."""

from __future__ import annotations

from shigongtu.lib.errors import ValueProblem

PLANNING = "谋划"
PREPARATION = "前期"
READY = "具备开工条件"
CONSTRUCTION = "在建"
COMPLETED = "竣工"
OPERATING = "投产"
SUSPENDED = "停缓建"
REMOVED = "调出"
TERMINATED = "终止"
STAGES = (PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED, REMOVED, TERMINATED)
STAGE_ALIASES = {
    "planning": PLANNING, "储备": PLANNING, "谋划储备": PLANNING,
    "preparation": PREPARATION, "前期手续": PREPARATION,
    "ready": READY,
    "construction": CONSTRUCTION, "under construction": CONSTRUCTION, "新开工": CONSTRUCTION, "续建": CONSTRUCTION,
    "completed": COMPLETED, "部分竣工": COMPLETED,
    "operating": OPERATING, "竣工投产": OPERATING,
    "suspended": SUSPENDED, "停建": SUSPENDED, "缓建": SUSPENDED,
    "removed": REMOVED,
    "terminated": TERMINATED,
}
NOT_STARTED = frozenset({PLANNING, PREPARATION, READY})
STARTED = frozenset({CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED})
CLOSED = frozenset({REMOVED, TERMINATED})

# Where a project may go from each stage. 调出 (removed at the mid-year adjustment) and 终止
# are reachable from anywhere; 调出 can be undone, 终止 cannot.
TRANSITIONS: dict[str, frozenset[str]] = {
    PLANNING: frozenset({PREPARATION, READY, CONSTRUCTION, REMOVED, TERMINATED}),
    PREPARATION: frozenset({PLANNING, READY, CONSTRUCTION, REMOVED, TERMINATED}),
    READY: frozenset({PREPARATION, CONSTRUCTION, REMOVED, TERMINATED}),
    CONSTRUCTION: frozenset({COMPLETED, OPERATING, SUSPENDED, REMOVED, TERMINATED}),
    COMPLETED: frozenset({OPERATING, CONSTRUCTION, REMOVED}),
    OPERATING: frozenset({REMOVED}),
    SUSPENDED: frozenset({CONSTRUCTION, REMOVED, TERMINATED}),
    REMOVED: frozenset({PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED}),
    TERMINATED: frozenset(),
}


def read_stage(raw: object) -> str | None:
    """The stage a person wrote (Chinese or English), or None when it is not one."""
    text = str(raw or "").strip()
    if text in STAGES:
        return text
    return STAGE_ALIASES.get(text.lower()) or STAGE_ALIASES.get(text)


# The forward path; a record may jump ahead along it (a ledger catching up), never back.
PROGRESSION = (PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING)


def transition_problem(current: str, new: str) -> str | None:
    """Why a project cannot move from ``current`` to ``new`` (in Chinese), or None when it can."""
    problem = stage_move_problem(current, new)
    return None if problem is None else problem.message_zh


def stage_move_problem(current: str, new: str) -> ValueProblem | None:
    """:func:`transition_problem` in both languages.

    Allowed: the moves of :data:`TRANSITIONS`, and any jump forward along :data:`PROGRESSION`.
    """
    if new not in STAGES:
        return ValueProblem(f"未知的项目阶段：{new}（可用：{'、'.join(STAGES)}）",
                            f"unknown stage {new} (use one of {', '.join(STAGES)})")
    if new == current:
        return None
    forward = current in PROGRESSION and new in PROGRESSION and PROGRESSION.index(new) > PROGRESSION.index(current)
    if not forward and new not in TRANSITIONS[current]:
        allowed = [s for s in STAGES if s in TRANSITIONS[current]]
        return ValueProblem(f"项目不能从「{current}」转为「{new}」（可转为：{'、'.join(allowed) or '无'}）",
                            f"a project cannot move from {current} to {new} "
                            f"(it may move to: {', '.join(allowed) or 'nothing'})")
    return None


def stage_after_start(stage: str) -> bool:
    return stage in STARTED

