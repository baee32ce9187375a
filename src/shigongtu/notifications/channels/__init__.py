"""The channels, by name: one explicit registry (nothing registers itself)."""

from __future__ import annotations

from shigongtu.notifications.channels.base import Channel, ChannelError, Message, Recipient
from shigongtu.notifications.channels.person import Email, Inbox, Sms
from shigongtu.notifications.channels.robots import DingTalkRobot, WeComRobot

CHANNELS: dict[str, Channel] = {c.name: c for c in (Inbox(), Email(), WeComRobot(), DingTalkRobot(), Sms())}

__all__ = ["CHANNELS", "Channel", "ChannelError", "Message", "Recipient"]
