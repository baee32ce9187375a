"""Sending the history's head away from this machine (锚定): to a URL and/or by e-mail.

``audit anchor`` always appends the head to its file first; then each destination is tried and
every failure is reported (the command exits 1), so a failed send never loses the local anchor.
A POST carries the anchor as JSON; with ``SHIGONGTU_ANCHOR_HMAC_KEY`` set it is signed:
``X-Shigongtu-Signature: sha256=<hex HMAC-SHA-256 of the body>``, so the receiver can tell it
came from this installation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from shigongtu.audit.verify import Anchor

SIGNATURE_HEADER = "X-Shigongtu-Signature"


@dataclass
class Sent:
    """Where an anchor went, and what failed (each failure as one line naming the destination)."""

    delivered: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def body(anchor: Anchor) -> bytes:
    return json.dumps({"seq": anchor.seq, "fingerprint": anchor.fingerprint, "at": anchor.at,
                       "source": "shigongtu"}, sort_keys=True).encode()


def signature(key: str, data: bytes) -> str:
    return "sha256=" + hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def post(anchor: Anchor, url: str, key: str = "", timeout: float = 10) -> str | None:
    """POST the anchor to ``url``; None when it answered 2xx, else the problem in one line."""
    if not url.startswith(("https://", "http://")):
        return f"anchor URL must start with https:// or http://, got {url!r}"
    data = body(anchor)
    headers = {"Content-Type": "application/json", "User-Agent": "shigongtu-audit-anchor"}
    if key:
        headers[SIGNATURE_HEADER] = signature(key, data)
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        return f"POST {url} answered {exc.code} {exc.reason}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"POST {url} failed: {reason}"
    return None if 200 <= status < 300 else f"POST {url} answered {status}"


def mail(anchor: Anchor, recipients: list[str]) -> str | None:
    """Mail the anchor to ``recipients``; None when the mail server took it, else the problem."""
    subject = f"施工图 变更记录锚点 #{anchor.seq} (Shigongtu history anchor)"
    text = (f"变更记录第 {anchor.seq} 条，指纹 {anchor.fingerprint}，时间 {anchor.at}。\n"
            f"History entry #{anchor.seq}, fingerprint {anchor.fingerprint}, at {anchor.at}.\n\n"
            f"{anchor.line()}\n\n"
            "核对：shigongtu audit verify --anchors FILE（FILE 中每行一个锚点，可直接粘贴上面这一行）\n"
            "Check: shigongtu audit verify --anchors FILE (one anchor a line; the line above will do)\n")
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
    except (smtplib.SMTPException, OSError) as exc:
        return f"e-mail to {', '.join(recipients)} failed: {exc}"
    return None


def send(anchor: Anchor, url: str = "", recipients: list[str] | None = None, key: str = "",
         timeout: float = 10) -> Sent:
    """Send ``anchor`` to each destination given; every failure is kept, none stops the others."""
    sent = Sent()
    if url:
        problem = post(anchor, url, key, timeout)
        if problem:
            sent.errors.append(problem)
        else:
            sent.delivered.append(url)
    if recipients:
        problem = mail(anchor, recipients)
        if problem:
            sent.errors.append(problem)
        else:
            sent.delivered.append("mailto:" + ",".join(recipients))
    return sent


def from_settings(anchor: Anchor, **override: Any) -> Sent:
    """``send`` to the destinations in settings (``override`` url / recipients wins when given)."""
    url = override.get("url") or settings.ANCHOR_URL
    recipients = override.get("recipients") or settings.ANCHOR_EMAIL
    return send(anchor, url, list(recipients or []), settings.ANCHOR_HMAC_KEY, settings.ANCHOR_TIMEOUT_S)
