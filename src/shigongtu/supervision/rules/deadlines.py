"""Default deadlines when an item is assigned without one (one local rule, plan settings). Pure."""

from __future__ import annotations

import datetime as dt
from typing import Final

# 公文 30 days, 会议纪要 20, 领导批示 15, 急件 5 (domain brief §5.1).
DEFAULT_DAYS: Final = {"公文": 30, "会议纪要": 20, "领导批示": 15, "急件": 5}
# The document kind a source implies when none is named.
SOURCE_KIND: Final = {"会议议定": "会议纪要", "领导批示": "领导批示"}


def default_deadline(assigned_on: dt.date, source: str, doc_kind: str = "",
                     days: dict[str, int] | None = None) -> dt.date:
    """The deadline of an item assigned on ``assigned_on`` without one: by its document kind
    (公文 / 会议纪要 / 领导批示 / 急件), else by what its source implies, else 公文."""
    table = {**DEFAULT_DAYS, **(days or {})}
    kind = doc_kind if doc_kind in table else SOURCE_KIND.get(source, "公文")
    return assigned_on + dt.timedelta(days=table[kind])
