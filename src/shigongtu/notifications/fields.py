"""A notification rule's fields: raw value → clean value, one wording in Chinese and English.

Used by the service, the API schema and the rules page alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shigongtu.lib.errors import FieldError
from shigongtu.notifications.rules import kinds as K

MAX_DAYS = 90
MAX_ESCALATE = 365


def _list(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
    return [str(p).strip() for p in raw if str(p).strip()]


def _whole(raw: Any, name: str, zh: str, low: int, high: int, problems: list[FieldError]) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if not low <= value <= high:
        problems.append(FieldError(f"{zh}应为 {low}–{high} 的整数", field=name, value=raw,
                                   message_en=f"{name} must be a whole number from {low} to {high}"))
        return None
    return value


def clean_rule(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Read kind, days, escalate_after, roles, channels, enabled; problems name their field."""
    problems: list[FieldError] = []
    out: dict[str, Any] = {}
    kind = str(data.get("kind") or "").strip()
    if kind not in K.KINDS:
        problems.append(FieldError("请选择提醒类型", field="kind", value=kind,
                                   message_en=f"kind must be one of {', '.join(K.KINDS)}"))
    out["kind"] = kind
    out["days"] = _whole(data.get("days"), "days", "提前天数", 0, MAX_DAYS, problems) or 0
    out["escalate_after"] = _whole(data.get("escalate_after"), "escalate_after", "逾期升级天数", 1, MAX_ESCALATE,
                                   problems)
    roles = _list(data.get("roles"))
    bad = [r for r in roles if r not in K.ROLES]
    if not roles or bad:
        problems.append(FieldError("接收角色应为 admin、coordinator、reporter、viewer 中的一个或多个", field="roles",
                                   value=",".join(bad or roles),
                                   message_en="roles must be one or more of admin, coordinator, reporter, viewer"))
    out["roles"] = sorted(set(roles), key=K.ROLES.index) if not bad else roles
    channels = _list(data.get("channels"))
    bad = [c for c in channels if c not in K.CHANNELS]
    if bad:
        problems.append(FieldError(f"未知的发送渠道：{'、'.join(bad)}", field="channels", value=",".join(bad),
                                   message_en=f"unknown channel(s): {', '.join(bad)}"))
    out["channels"] = [c for c in K.CHANNELS if c in channels or c == K.INBOX]  # the inbox always
    enabled = data.get("enabled", True)
    out["enabled"] = enabled if isinstance(enabled, bool) else str(enabled).strip().lower() in (
        "1", "true", "on", "yes", "是")
    return out, problems
