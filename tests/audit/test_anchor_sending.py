"""``audit anchor`` also sends the head away: POSTed (signed) to a URL and/or mailed; a failed send
is a clear error with exit 1, and the anchor is in the local file all the same."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.core.management import call_command

from shigongtu.audit.models import ChainHead
from shigongtu.audit.verify import read_anchors, verify_history

pytestmark = pytest.mark.django_db


class Sink:
    """A local HTTP server that keeps what it is sent and answers ``status``."""

    def __init__(self, status: int = 204):
        self.received: list[tuple[dict[str, str], bytes]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers["Content-Length"]))
                sink.received.append(({k.lower(): v for k, v in self.headers.items()}, data))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/anchors"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    s = Sink()
    yield s
    s.close()


@pytest.fixture
def failing_sink():
    s = Sink(status=503)
    yield s
    s.close()


@pytest.fixture
def anchor(tmp_path, capsys):
    """Run ``audit anchor -o FILE --json ARGS``: (exit code, the JSON document, stderr)."""

    def run(*args):
        capsys.readouterr()
        code = 0
        try:
            call_command("audit", "anchor", "-o", str(tmp_path / "anchors.txt"), "--json", *args)
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, json.loads(out.out), out.err

    return run


def test_the_head_is_posted_signed_to_the_configured_url(cast, anchor, tmp_path, sink, settings):
    settings.ANCHOR_URL, settings.ANCHOR_HMAC_KEY = sink.url, "anchor-secret"
    code, doc, _ = anchor()
    head = ChainHead.objects.get()
    [(headers, body)] = sink.received
    sent = json.loads(body)
    assert code == 0 and doc["sent"] == [sink.url] and doc["ok"]
    assert (sent["seq"], sent["fingerprint"]) == (head.last_seq, head.last_hash)
    expected = "sha256=" + hmac.new(b"anchor-secret", body, hashlib.sha256).hexdigest()
    assert headers["x-shigongtu-signature"] == expected and headers["content-type"] == "application/json"


def test_without_a_key_the_post_carries_no_signature(cast, anchor, tmp_path, sink):
    code, _, _ = anchor("--url", sink.url)
    assert code == 0 and "x-shigongtu-signature" not in sink.received[0][0]


def test_the_posted_anchor_checks_against_the_history(cast, anchor, tmp_path, sink):
    anchor("--url", sink.url)
    posted = tmp_path / "posted.txt"
    posted.write_text(sink.received[0][1].decode() + "\n")
    verdict = verify_history(posted)
    assert verdict.ok and verdict.anchors_checked == 1


def test_a_url_answering_an_error_is_exit_1_and_the_file_is_still_written(cast, anchor, tmp_path, failing_sink):
    code, doc, err = anchor("--url", failing_sink.url)
    assert code == 1 and not doc["ok"] and "answered 503" in doc["errors"][0]
    assert "answered 503" in err and "the anchor is in" in err
    [written], problems = read_anchors(tmp_path / "anchors.txt")
    assert written.seq == ChainHead.objects.get().last_seq and not problems


def test_an_unreachable_url_is_a_clear_error(cast, anchor, tmp_path, settings):
    settings.ANCHOR_TIMEOUT_S = 2
    code, doc, _ = anchor("--url", "http://127.0.0.1:9/anchors")
    assert code == 1 and doc["errors"][0].startswith("POST http://127.0.0.1:9/anchors failed")
    assert (tmp_path / "anchors.txt").read_text().count("\n") == 1


def test_a_url_that_is_not_http_is_refused(cast, anchor, tmp_path):
    code, doc, _ = anchor("--url", "file:///etc/passwd")
    assert code == 1 and "must start with https://" in doc["errors"][0]


def test_the_head_is_mailed_to_the_configured_addresses(cast, anchor, tmp_path, settings):
    settings.ANCHOR_EMAIL = ["audit@example.gov.cn", "ops@example.gov.cn"]
    code, doc, _ = anchor()
    [message] = mail.outbox
    head = ChainHead.objects.get()
    assert code == 0 and message.to == ["audit@example.gov.cn", "ops@example.gov.cn"]
    assert f"#{head.last_seq}" in message.subject and head.last_hash in message.body
    assert doc["sent"] == ["mailto:audit@example.gov.cn,ops@example.gov.cn"]


def test_a_mail_server_that_refuses_is_exit_1(cast, anchor, tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    code, doc, _ = anchor("--email", "audit@example.gov.cn")
    assert code == 1 and doc["errors"][0].startswith("e-mail to audit@example.gov.cn failed")
    assert (tmp_path / "anchors.txt").exists()


def test_both_destinations_are_tried_when_one_fails(cast, anchor, tmp_path, failing_sink, settings):
    settings.ANCHOR_EMAIL = ["audit@example.gov.cn"]
    code, doc, _ = anchor("--url", failing_sink.url)
    assert code == 1 and len(mail.outbox) == 1 and doc["sent"] == ["mailto:audit@example.gov.cn"]
