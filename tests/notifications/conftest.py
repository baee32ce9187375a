"""Fixtures for the notification tests: a local HTTP sink, robots pointing at it, no quiet hours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.notifications.sink import Sink, start_sink
from tests.supervision.conftest import item  # noqa: F401 (a fixture)


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = start_sink()
    yield s
    s.close()


@pytest.fixture
def robots(settings: Any, sink: Sink) -> Sink:
    """企业微信, 钉钉 and the SMS gateway all pointing at the sink; sending allowed at any hour."""
    settings.NOTIFY_WECOM_ROBOTS = {"*": f"{sink.url}/wecom?key=test-key"}
    settings.NOTIFY_DINGTALK_ROBOTS = {"*": {"url": f"{sink.url}/dingtalk?access_token=t", "secret": "SECtest"}}
    settings.NOTIFY_SMS_URL = f"{sink.url}/sms"
    settings.NOTIFY_SMS_TEMPLATE = '{"phone": "{mobile}", "msg": "{text}"}'
    settings.NOTIFY_QUIET_HOURS = ""
    settings.NOTIFY_TIMEOUT = 0.5
    return sink
