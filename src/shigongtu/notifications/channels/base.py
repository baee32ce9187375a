"""What a channel is: a name, how it finds its target for a notice, and how it sends one message.

Webhook channels post JSON with a timeout (``NOTIFY_TIMEOUT`` seconds); an error answer, a bad
reply or a timeout raises :class:`ChannelError`, which the dispatcher logs and retries with back-off.
They are only ever called from the ``notify`` command or its background task, never in a page request.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings


class ChannelError(Exception):
    """A send that did not go through; the message says why (shown in the send log)."""


@dataclass(frozen=True)
class Message:
    """What is sent: a subject, plain text, and the same as markdown for the group robots."""

    subject: str
    text: str
    markdown: str


@dataclass(frozen=True)
class Recipient:
    """The person a notice is for and where they can be reached; ``unit_name`` picks a group robot."""

    user_id: int
    name: str
    email: str
    mobile: str
    unit_name: str


class Channel(Protocol):
    name: str
    per_person: bool  # False: a group robot, where one topic is said once for everyone

    def target(self, recipient: Recipient) -> str | None:
        """The address or group name to show in the send log; None when there is nowhere to send."""

    def send(self, target: str, message: Message) -> None:
        """Send one message, or raise :class:`ChannelError`."""


def timeout() -> float:
    return float(getattr(settings, "NOTIFY_TIMEOUT", 5))


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST ``payload`` as JSON and read a JSON answer; HTTP errors, timeouts and bad JSON raise ChannelError."""
    if not url.lower().startswith(("http://", "https://")):
        raise ChannelError(f"not an http(s) URL: {url[:30]!r}")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (http(s) checked above)
                                 headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout()) as resp:  # noqa: S310 (http(s) checked above)
            raw = resp.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code} {exc.reason}") from None
    except TimeoutError:
        raise ChannelError(f"timed out after {timeout():g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise ChannelError(f"timed out after {timeout():g} s") from None
        raise ChannelError(f"cannot connect: {reason}") from None
    except OSError as exc:
        raise ChannelError(f"connection failed: {exc}") from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ChannelError(f"not a JSON answer: {raw[:80]!r}") from None
    return answer if isinstance(answer, dict) else {"answer": answer}


def robot_for(robots: dict[str, Any], unit_name: str) -> Any:
    """A unit's group robot from a settings map keyed by unit name, ``*`` for every other unit."""
    return robots.get(unit_name) or robots.get("*")
