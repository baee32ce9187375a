"""Channels that reach one person: the in-app inbox, e-mail and SMS.

E-mail goes through Django's mail backend (``EMAIL_BACKEND``: SMTP in production, the console or
memory backend elsewhere). SMS goes to an HTTP gateway (``SHIGONGTU_SMS_URL``) as JSON built from
a template (``SHIGONGTU_SMS_TEMPLATE``, with ``{mobile}``, ``{text}`` and ``{subject}``), with an
optional bearer token (``SHIGONGTU_SMS_TOKEN``); a 2xx answer whose ``code``/``errcode`` is absent
or 0/"OK" means sent.
"""

from __future__ import annotations

import json
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from shigongtu.notifications.channels.base import ChannelError, Message, Recipient, post_json
from shigongtu.notifications.rules.kinds import EMAIL, INBOX, SMS

DEFAULT_SMS_TEMPLATE = '{"mobile": "{mobile}", "content": "【施工图】{text}"}'


class Inbox:
    """站内信: the notice itself is the message; it is there as soon as it is raised."""

    name = INBOX
    per_person = True

    def target(self, recipient: Recipient) -> str | None:
        return recipient.name

    def send(self, target: str, message: Message) -> None:
        return None


class Email:
    """电子邮件 through Django's mail backend."""

    name = EMAIL
    per_person = True

    def target(self, recipient: Recipient) -> str | None:
        return recipient.email or None

    def send(self, target: str, message: Message) -> None:
        try:
            send_mail(f"【施工图】{message.subject}", message.text, None, [target], fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"mail not sent: {exc}") from None


def sms_payload(template: str, mobile: str, subject: str, text: str) -> dict[str, Any]:
    """The gateway's JSON from the template, each placeholder filled with a JSON-escaped value."""
    def esc(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)[1:-1]

    filled = template.replace("{mobile}", esc(mobile)).replace("{subject}", esc(subject)).replace("{text}", esc(text))
    try:
        payload = json.loads(filled)
    except json.JSONDecodeError as exc:
        raise ChannelError(f"SHIGONGTU_SMS_TEMPLATE is not JSON once filled: {exc}") from None
    if not isinstance(payload, dict):
        raise ChannelError("SHIGONGTU_SMS_TEMPLATE must be a JSON object")
    return payload


class Sms:
    """短信 through the configured HTTP gateway."""

    name = SMS
    per_person = True

    def target(self, recipient: Recipient) -> str | None:
        return (recipient.mobile or None) if getattr(settings, "NOTIFY_SMS_URL", "") else None

    def send(self, target: str, message: Message) -> None:
        url = getattr(settings, "NOTIFY_SMS_URL", "")
        if not url:
            raise ChannelError("no SMS gateway (SHIGONGTU_SMS_URL)")
        template = getattr(settings, "NOTIFY_SMS_TEMPLATE", "") or DEFAULT_SMS_TEMPLATE
        token = getattr(settings, "NOTIFY_SMS_TOKEN", "")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = post_json(url, sms_payload(template, target, message.subject, message.text[:300]), headers)
        code = answer.get("code", answer.get("errcode", 0))
        if code not in (0, "0", "OK", "ok", None):
            raise ChannelError(f"gateway code {code}: {answer.get('message', answer.get('msg', ''))}".strip())
