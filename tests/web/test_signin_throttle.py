"""Sign-in throttling: repeated failures lock an account, and separately an address, with a clear message."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.conftest import PASSWORD


def fail(client: Client, username: str, times: int, address: str = "10.0.0.1") -> Any:
    response = None
    for _ in range(times):
        response = client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
    return response


def test_five_failures_lock_the_account_with_a_clear_message(cast: Any, settings: Any) -> None:
    client = Client()
    fail(client, "coord", 5)
    response = client.post("/login/", {"username": "coord", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    body = response.content.decode()
    assert "暂时锁定" in body and "15 分钟" in body


def test_failures_from_one_address_lock_that_address_for_every_account(cast: Any) -> None:
    client = Client()
    for name in ("a", "b", "c", "d", "e"):
        fail(client, name, 1, address="10.9.9.9")
    locked = client.post("/login/", {"username": "viewer", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429
    elsewhere = Client().post("/login/", {"username": "viewer", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert elsewhere.status_code == 302


def test_the_lock_out_message_is_in_english_for_english_readers(cast: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    fail(client, "coord", 5)
    body = client.post("/login/", {"username": "coord", "password": PASSWORD}).content.decode()
    assert "Too many failed sign-ins" in body


def test_a_success_before_the_limit_clears_the_count(cast: Any) -> None:
    client = Client()
    fail(client, "coord", 4)
    assert client.post("/login/", {"username": "coord", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    client.post("/logout/")
    fail(client, "coord", 1, address="10.0.0.3")
    assert client.post("/login/", {"username": "coord", "password": PASSWORD},
                       REMOTE_ADDR="10.0.0.3").status_code == 302


def test_the_test_clients_login_and_force_login_still_work(cast: Any) -> None:
    assert Client().login(username="coord", password=PASSWORD)
    assert cast.client("viewer").get("/plans/").status_code == 200
