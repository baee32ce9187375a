"""Sign-in and sign-out."""

from __future__ import annotations

from django.test import Client

from tests.conftest import PASSWORD


def test_the_sign_in_page_asks_for_user_name_and_password(db):
    body = Client().get("/login/").content.decode()
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert "登录" in body


def test_signing_in_leads_to_the_plan_list(cast):
    client = Client()
    response = client.post("/login/", {"username": "coord", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "JY-T" in client.get("/").content.decode()


def test_signing_in_returns_to_the_page_asked_for(cast):
    response = Client().post("/login/?next=/plans/JY-T/", {"username": "coord", "password": PASSWORD,
                                                           "next": "/plans/JY-T/"})
    assert response["Location"] == "/plans/JY-T/"


def test_a_wrong_password_is_explained_without_saying_which_part_was_wrong(cast):
    response = Client().post("/login/", {"username": "coord", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_a_signed_in_user_skips_the_sign_in_page(cast):
    assert cast.client("viewer").get("/login/").status_code == 302


def test_signing_out_is_a_post_and_ends_the_session(cast):
    client = cast.client("viewer")
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_every_page_offers_sign_out_and_the_user_name(cast):
    cast.coordinator.first_name = "统筹办小李"
    cast.coordinator.save()
    body = cast.client("coordinator").get("/plans/JY-T/").content.decode()
    assert 'action="/logout/"' in body
    assert "统筹办小李" in body
