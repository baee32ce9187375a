"""The 企业微信 and 钉钉 group robots (群机器人): a webhook per unit's group, markdown messages.

企业微信: POST ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the webhook (its key is
in the URL); the answer ``{"errcode": 0}`` means sent. 钉钉: the webhook plus a signature when the
robot is set to 加签 — ``timestamp`` in milliseconds and ``sign`` = urlencode(base64(HMAC-SHA256
over "timestamp\\nsecret" keyed by the secret)), as DingTalk documents; ``{"errcode": 0}`` means sent.
Webhook URLs and secrets are read from the settings (``SHIGONGTU_WECOM_ROBOTS``,
``SHIGONGTU_DINGTALK_ROBOTS``), never written in code or the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from typing import Any

from django.conf import settings

from shigongtu.notifications.channels.base import ChannelError, Message, Recipient, post_json, robot_for
from shigongtu.notifications.rules.kinds import DINGTALK, WECOM

WECOM_MAX_BYTES = 4096  # 企业微信 markdown content limit


def _check(answer: dict[str, Any]) -> None:
    code = answer.get("errcode", 0)
    if code not in (0, "0"):
        raise ChannelError(f"errcode {code}: {answer.get('errmsg', '')}".strip())


def _clip(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[: limit - 3].decode("utf-8", "ignore") + "…"


class WeComRobot:
    """企业微信群机器人."""

    name = WECOM
    per_person = False

    def target(self, recipient: Recipient) -> str | None:
        robots = getattr(settings, "NOTIFY_WECOM_ROBOTS", {})
        if not robot_for(robots, recipient.unit_name):
            return None
        return recipient.unit_name if recipient.unit_name in robots else "*"

    def send(self, target: str, message: Message) -> None:
        url = robot_for(getattr(settings, "NOTIFY_WECOM_ROBOTS", {}), target)
        if not url:
            raise ChannelError(f"no 企业微信 robot for {target}")
        _check(post_json(str(url), {"msgtype": "markdown",
                                    "markdown": {"content": _clip(message.markdown, WECOM_MAX_BYTES)}}))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook with ``timestamp`` and ``sign`` appended (unchanged when there is no secret)."""
    if not secret:
        return url
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"


class DingTalkRobot:
    """钉钉群机器人 (自定义机器人, 加签)."""

    name = DINGTALK
    per_person = False

    def target(self, recipient: Recipient) -> str | None:
        robots = getattr(settings, "NOTIFY_DINGTALK_ROBOTS", {})
        if not robot_for(robots, recipient.unit_name):
            return None
        return recipient.unit_name if recipient.unit_name in robots else "*"

    def send(self, target: str, message: Message) -> None:
        robot = robot_for(getattr(settings, "NOTIFY_DINGTALK_ROBOTS", {}), target)
        if not robot:
            raise ChannelError(f"no 钉钉 robot for {target}")
        url, secret = (robot, "") if isinstance(robot, str) else (robot.get("url", ""), robot.get("secret", ""))
        _check(post_json(signed_url(str(url), str(secret)),
                         {"msgtype": "markdown", "markdown": {"title": message.subject, "text": message.markdown}}))
