"""Each outside channel against a local HTTP sink: what it posts, an error answer, a timeout."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from django.core import mail

from shigongtu.notifications.channels import CHANNELS, ChannelError, Message, Recipient
from shigongtu.notifications.channels.robots import dingtalk_sign, signed_url
from tests.notifications.sink import Sink

MESSAGE = Message("1.1 春季开工：月报被退回", "1.1 春季开工：6月月报被退回：请补充照片", "**月报被退回**\n> 1.1 春季开工")
CLERK = Recipient(1, "填报员", "clerk@example.org", "13800000000", "项目服务中心")


def test_wecom_robot_posts_markdown_to_the_units_webhook(robots: Sink) -> None:
    target = CHANNELS["wecom"].target(CLERK)
    CHANNELS["wecom"].send(target or "", MESSAGE)
    got = robots.received[-1]
    assert got.path == "/wecom" and got.query["key"] == ["test-key"]
    assert got.body == {"msgtype": "markdown", "markdown": {"content": MESSAGE.markdown}}


def test_dingtalk_robot_signs_timestamp_and_secret_as_dingtalk_documents(robots: Sink) -> None:
    CHANNELS["dingtalk"].send("*", MESSAGE)
    got = robots.received[-1]
    timestamp = got.query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SECtest", f"{timestamp}\nSECtest".encode(), hashlib.sha256).digest())
    assert got.query["sign"] == [expected.decode()]  # parse_qs undoes the URL encoding
    assert got.body["msgtype"] == "markdown" and got.body["markdown"]["title"] == MESSAGE.subject


def test_the_dingtalk_sign_is_url_encoded() -> None:
    sign = dingtalk_sign("SECtest", 1700000000000)
    assert "+" not in sign and "/" not in sign and "=" not in sign
    assert signed_url("https://x/robot/send?access_token=a", "", 1) == "https://x/robot/send?access_token=a"


def test_sms_gateway_gets_the_template_filled(robots: Sink) -> None:
    CHANNELS["sms"].send(CHANNELS["sms"].target(CLERK) or "", MESSAGE)
    assert robots.received[-1].body == {"phone": "13800000000", "msg": MESSAGE.text}


def test_email_goes_through_djangos_mail_backend() -> None:
    CHANNELS["email"].send("clerk@example.org", MESSAGE)
    assert mail.outbox[-1].to == ["clerk@example.org"] and MESSAGE.subject in mail.outbox[-1].subject


@pytest.mark.parametrize("name", ["wecom", "dingtalk", "sms"])
def test_an_error_answer_raises_a_channel_error_naming_it(robots: Sink, name: str) -> None:
    robots.status = 500
    with pytest.raises(ChannelError, match="HTTP 500"):
        CHANNELS[name].send("13800000000" if name == "sms" else "*", MESSAGE)


@pytest.mark.parametrize("name", ["wecom", "dingtalk"])
def test_a_robot_refusing_the_message_raises_its_errcode(robots: Sink, name: str) -> None:
    robots.answer = {"errcode": 310000, "errmsg": "sign not match"}
    with pytest.raises(ChannelError, match="errcode 310000: sign not match"):
        CHANNELS[name].send("*", MESSAGE)


@pytest.mark.parametrize("name", ["wecom", "dingtalk", "sms"])
def test_a_gateway_slower_than_the_timeout_is_a_channel_error(robots: Sink, name: str) -> None:
    robots.delay = 1.5
    with pytest.raises(ChannelError, match="timed out"):
        CHANNELS[name].send("13800000000" if name == "sms" else "*", MESSAGE)


def test_no_robot_configured_means_no_target(settings: Any) -> None:
    settings.NOTIFY_WECOM_ROBOTS = {}
    settings.NOTIFY_SMS_URL = ""
    assert CHANNELS["wecom"].target(CLERK) is None and CHANNELS["sms"].target(CLERK) is None


def test_a_units_own_robot_wins_over_the_default(settings: Any, sink: Sink) -> None:
    settings.NOTIFY_WECOM_ROBOTS = {"项目服务中心": f"{sink.url}/own", "*": f"{sink.url}/all"}
    assert CHANNELS["wecom"].target(CLERK) == "项目服务中心"
    CHANNELS["wecom"].send("项目服务中心", MESSAGE)
    assert sink.received[-1].path == "/own"
