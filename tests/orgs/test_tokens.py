"""API tokens (接口令牌) expire, can be listed and revoked; an expired or revoked token is a 401."""

from __future__ import annotations

import datetime as dt
import io
import json

import time_machine
from django.core.management import call_command

from shigongtu.orgs.models import ApiToken
from shigongtu.orgs.services import issue_token

ISSUED = dt.datetime(2023, 6, 1, 9, tzinfo=dt.UTC)


def _plans(client, token):
    return client.get("/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_works_until_it_expires_after_90_days(cast, client):
    with time_machine.travel(ISSUED, tick=False):
        token = issue_token(cast.viewer, "统计对接")
    assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(days=90)
    with time_machine.travel(ISSUED + dt.timedelta(days=89), tick=False):
        assert _plans(client, token).status_code == 200
    with time_machine.travel(ISSUED + dt.timedelta(days=90), tick=False):
        assert _plans(client, token).status_code == 401


def test_the_expiry_is_a_setting(cast, client, settings):
    settings.API_TOKEN_DAYS = 7
    with time_machine.travel(ISSUED, tick=False):
        token = issue_token(cast.viewer)
    with time_machine.travel(ISSUED + dt.timedelta(days=8), tick=False):
        assert _plans(client, token).status_code == 401


def test_a_revoked_token_is_a_401_at_once(cast, client):
    token = issue_token(cast.viewer)
    assert _plans(client, token).status_code == 200
    row = ApiToken.objects.get()
    call_command("token", "revoke", str(row.pk), stdout=io.StringIO())
    assert _plans(client, token).status_code == 401


def test_the_cli_lists_tokens_as_json_without_the_secret(cast):
    token = issue_token(cast.viewer, "统计对接")
    issue_token(cast.reporter, "cli")
    out = io.StringIO()
    call_command("token", "list", "viewer", "--json", stdout=out)
    doc = json.loads(out.getvalue())
    assert [(t["user"], t["name"], t["active"]) for t in doc["tokens"]] == [("viewer", "统计对接", True)]
    assert token not in out.getvalue()


def test_the_account_page_issues_lists_and_revokes_own_tokens_only(cast):
    client = cast.client("reporter")
    page = client.post("/account/tokens/", {"name": "报表对接"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=cast.reporter)
    assert "sgt_" in page.content.decode()
    listing = client.get("/account/tokens/").content.decode()
    assert "报表对接" in listing and "sgt_" not in listing
    other = issue_token(cast.viewer)
    other_row = ApiToken.objects.get(user=cast.viewer)
    assert client.post(f"/account/tokens/{other_row.pk}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _plans(cast.client("viewer"), other).status_code == 200


def test_a_token_name_with_control_characters_is_refused(cast):
    response = cast.client("reporter").post("/account/tokens/", {"name": "a\x00b"})
    assert response.status_code == 422
    assert not ApiToken.objects.filter(user=cast.reporter).exists()


def test_a_tokens_last_use_is_written_at_most_once_a_minute(cast, client):
    with time_machine.travel(ISSUED, tick=False):
        token = issue_token(cast.viewer)
        _plans(client, token)
    with time_machine.travel(ISSUED + dt.timedelta(seconds=30), tick=False):
        _plans(client, token)
        assert ApiToken.objects.get().last_used_at == ISSUED
    with time_machine.travel(ISSUED + dt.timedelta(minutes=1), tick=False):
        _plans(client, token)
        assert ApiToken.objects.get().last_used_at == ISSUED + dt.timedelta(minutes=1)
