"""The life of a supervision item (督办事项), as words and allowed moves. Pure.

拟办 → 已交办 → 已签收 (the lead unit acknowledges) → 办理中 (progress) → 已办结 (申请办结)
→ review steps (自查 → 区级验收 → 主要领导审签 → 销号报备, configurable) → 已销号. A review may
return the item (退回重办 → 办理中); a finding found on site to need nothing ends 无需整改.
"""

from __future__ import annotations

from typing import Final

DRAFT: Final = "拟办"
ASSIGNED: Final = "已交办"
ACKNOWLEDGED: Final = "已签收"
IN_PROGRESS: Final = "办理中"
DONE: Final = "已办结"
CLOSED: Final = "已销号"
NO_ACTION: Final = "无需整改"
STATES: Final = (DRAFT, ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, DONE, CLOSED, NO_ACTION)
# What a ledger's 状态 column may say (contract §3), and the office words it also accepts.
LEDGER_STATES: Final = (ASSIGNED, IN_PROGRESS, DONE, CLOSED)
STATE_ALIASES: Final = {
    "未整改": IN_PROGRESS, "整改中": IN_PROGRESS, "推进中": IN_PROGRESS, "已签收": ACKNOWLEDGED,
    "已完成": DONE, "已整改": DONE, "完成待验收": DONE, "已完成待验收": DONE,
    "已验收销号": CLOSED, "销号": CLOSED, "拟办": DRAFT, "无需整改": NO_ACTION, "误判": NO_ACTION,
}
STATES_EN: Final = {DRAFT: "draft", ASSIGNED: "assigned", ACKNOWLEDGED: "acknowledged", IN_PROGRESS: "in progress",
                    DONE: "done, awaiting 销号", CLOSED: "closed (销号)", NO_ACTION: "no action needed"}

SOURCES: Final = ("上级交办", "领导批示", "会议议定", "督察反馈", "审计", "巡察", "遥感图斑", "信访", "其他")
REMOTE_SENSING: Final = "遥感图斑"
FINDING_TYPES: Final = ("建筑工地", "拆迁现场", "物料堆场", "裸露地面", "违法建设", "其他")
HORIZONS: Final = ("立行立改", "短期", "中期", "长期坚持")
CYCLES: Final = ("每周", "每月", "节点")
DEFAULT_REVIEW_STEPS: Final = ("自查", "区级验收", "主要领导审签", "销号报备")
LONG_TERM_WORDS: Final = frozenset({"长期坚持", "长期", "long-term", "long term", "longterm"})

# Moves a person may make: state → the states it may go to.
MOVES: Final = {
    DRAFT: (ASSIGNED,),
    ASSIGNED: (ACKNOWLEDGED, NO_ACTION),
    ACKNOWLEDGED: (IN_PROGRESS, DONE, NO_ACTION),
    IN_PROGRESS: (DONE, NO_ACTION),
    DONE: (CLOSED, IN_PROGRESS),  # 销号 after the review steps, or 退回重办
    CLOSED: (),
    NO_ACTION: (),
}
OPEN_STATES: Final = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS)


def read_state(raw: object) -> str | None:
    """The state a cell or a form names (canonical or an alias), or None when it names none."""
    text = str(raw or "").strip()
    if text in STATES:
        return text
    return STATE_ALIASES.get(text)


def can_move(old: str, new: str) -> bool:
    """Whether a person may move an item from ``old`` to ``new`` (ledgers set states directly)."""
    return new in MOVES.get(old, ())


def is_done(status: str) -> bool:
    """办结 or beyond: the item needs no more work from its lead unit."""
    return status in (DONE, CLOSED, NO_ACTION)
