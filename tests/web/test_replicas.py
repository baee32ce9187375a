"""Which requests read from a replica, and writers reading their own writes from the primary.

A stand-in replica always answers healthy; in these (transactional) tests the router still reads
from the primary, so only the choice, reported in ``X-Shigongtu-Read-From``, is under test here.
The live replica is in tests/utilities/test_replicas_live.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import RequestFactory

from shigongtu.utilities import replicas
from shigongtu.web.replicas import PIN_COOKIE, READ_FROM_HEADER, is_read_only_face

NOW = dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)
LIST = "/plans/JY-T/projects/"


@pytest.fixture
def one_replica(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica_1"]
    replicas.forget_health()
    monkeypatch.setattr(replicas, "measure", lambda alias: (True, 0.0))
    yield
    replicas.forget_health()


@pytest.mark.parametrize("path", [
    "/plans/JY-T/dashboard/", "/plans/JY-T/dashboard/charts/lights.json", "/plans/JY-T/bigscreen/",
    "/plans/JY-T/", "/plans/JY-T/tree/children", "/plans/JY-T/projects/", "/plans/JY-T/supervision/",
    "/plans/JY-T/leads/list/", "/plans/JY-T/enterprises/", "/plans/JY-T/ledgers/export",
    "/plans/JY-T/bulletins/file", "/api/v1/plans/JY-T/projects", "/api/v1/plans/JY-T/nodes",
    "/api/v1/plans/JY-T/tree", "/api/v1/plans/JY-T/ledgers/projects/export", "/api/v1/plans/JY-T/bulletins/preview",
    "/api/v1/plans/JY-T/supervision", "/api/v1/plans/JY-T/leads", "/api/v1/plans/JY-T/enterprises",
])
def test_the_read_only_faces_are_recognised(path):
    assert is_read_only_face(RequestFactory().get(path))


@pytest.mark.parametrize("path", [
    "/plans/JY-T/nodes/1/edit", "/plans/JY-T/review/", "/plans/JY-T/ledgers/imports/3/", "/login/",
    "/plans/JY-T/projects/P-001/report/", "/api/v1/plans/JY-T/projects/P-001", "/people/", "/my/",
])
def test_pages_that_lead_to_a_write_are_not_read_only_faces(path):
    assert not is_read_only_face(RequestFactory().get(path))


def test_a_post_to_a_list_path_is_not_a_read(cast):
    assert not is_read_only_face(RequestFactory().post(LIST))


def test_without_replicas_nothing_is_marked(cast):
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response.status_code == 200 and READ_FROM_HEADER not in response


def test_a_list_page_is_read_from_a_healthy_replica(cast, one_replica):
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response.status_code == 200 and response[READ_FROM_HEADER] == "replica_1"


def test_other_pages_are_read_from_the_primary(cast, one_replica):
    with time_machine.travel(NOW):
        response = cast.client("coordinator").get("/plans/JY-T/nodes/1.1/")
    assert response.status_code == 200 and READ_FROM_HEADER not in response


def test_after_a_write_the_writer_reads_from_the_primary_for_the_pin(cast, one_replica, settings):
    client = cast.client("coordinator")
    with time_machine.travel(NOW, tick=False) as clock:
        write = client.post("/api/v1/plans/JY-T/projects", data={"code": "P-1", "name": "甲"},
                            content_type="application/json")
        assert write.status_code == 201
        assert write.cookies[PIN_COOKIE]["max-age"] == settings.PRIMARY_PIN_S
        assert client.get(LIST)[READ_FROM_HEADER] == "primary"
        client.cookies.pop(PIN_COOKIE)  # another browser of the same user: the shared cache pins them
        assert client.get(LIST)[READ_FROM_HEADER] == "primary"
        assert cast.client("viewer").get(LIST)[READ_FROM_HEADER] == "replica_1"  # others are not pinned
        clock.shift(settings.PRIMARY_PIN_S + 1)
        assert client.get(LIST)[READ_FROM_HEADER] == "replica_1"


def test_a_mangled_pin_cookie_pins_nothing(cast, one_replica):
    client = cast.client("viewer")
    client.cookies[PIN_COOKIE] = "not-a-time"
    with time_machine.travel(NOW):
        response = client.get(LIST)
    assert response.status_code == 200 and response[READ_FROM_HEADER] == "replica_1"


def test_no_healthy_replica_means_the_primary(cast, one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "measure", lambda alias: (False, None))
    replicas.forget_health()
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response.status_code == 200 and response[READ_FROM_HEADER] == "primary"
