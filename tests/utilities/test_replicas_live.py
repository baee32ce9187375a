"""Reads over a real streaming replica of the local PostgreSQL (pg_basebackup on another port).

Skipped on SQLite and where the server binaries or a replication connection are missing. The
replica's replay is paused to make it lag: a list read from it does not show what the primary
just took in, which is how the tests tell which server answered.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection, connections

from shigongtu.projects.models import Project
from shigongtu.utilities import replicas
from tests.utilities import live_replica

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]  # replica_1: a mirror
LIST = "/plans/JY-T/projects/"
API_LIST = "/api/v1/plans/JY-T/projects"
NOW = dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[live_replica.Replica]:
    if connection.vendor != "postgresql":
        pytest.skip("replicas are a PostgreSQL matter")
    try:
        with live_replica.started(connection.settings_dict) as replica:
            # Known before the test case is set up, so Django lets the tests use it (never flushed: a mirror).
            connections.settings["replica_1"] = {
                **connection.settings_dict, "HOST": "127.0.0.1", "PORT": replica.port,
                "OPTIONS": {"connect_timeout": 2}, "TEST": {**connection.settings_dict["TEST"], "MIRROR": "default"}}
            yield replica
            connections["replica_1"].close()
            del connections["replica_1"]
            del connections.settings["replica_1"]
    except live_replica.Unavailable as exc:
        pytest.skip(f"cannot start a replica here: {exc}")


@pytest.fixture
def replica(server: live_replica.Replica, settings: Any) -> Iterator[live_replica.Replica]:
    """The replica as the alias ``replica_1``, caught up, replaying, with a fresh health answer."""
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.REPLICA_MAX_LAG_S = 30.0
    settings.REPLICA_CHECK_S = 0.0  # ask every time: the tests change the replica's state between requests
    replicas.forget_health()
    if (server.directory / "postmaster.pid").exists():
        server.query("SELECT pg_wal_replay_resume()")
    yield server
    connections["replica_1"].close()
    replicas.forget_health()


def caught_up(replica: live_replica.Replica) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        replica.wait_for(cursor.fetchone()[0])


def paused(replica: live_replica.Replica) -> None:
    """Everything committed so far is on the replica; what comes next is not."""
    caught_up(replica)
    replica.query("SELECT pg_wal_replay_pause()")


def new_project(client: Any) -> Any:
    body = {"code": "P-NEW", "name": "主从测试项目", "total_investment": "1000"}
    return client.post(API_LIST, data=json.dumps(body), content_type="application/json")


def listed(response: Any) -> bool:
    return "主从测试项目" in response.content.decode()


def test_a_list_page_reads_from_the_replica(cast, replica):
    paused(replica)
    Project.objects.create(plan=cast.plan, code="P-NEW", name="主从测试项目")  # on the primary only
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response.status_code == 200
    assert response["X-Shigongtu-Read-From"] == "replica_1"
    assert not listed(response)  # the replica has not replayed it
    assert Project.objects.filter(code="P-NEW").exists()  # the primary has it


def test_a_write_goes_to_the_primary_and_its_author_reads_it_back(cast, replica):
    paused(replica)
    coordinator = cast.client("coordinator")
    with time_machine.travel(NOW):
        assert new_project(coordinator).status_code == 201
        own = coordinator.get(LIST)
        others = cast.client("viewer").get(LIST)
    assert own["X-Shigongtu-Read-From"] == "primary" and listed(own)  # read-your-own-writes
    assert others["X-Shigongtu-Read-From"] == "replica_1" and not listed(others)


def test_an_api_client_with_a_token_reads_its_own_write_from_the_primary(cast, replica):
    from django.test import Client

    from shigongtu.orgs.services import issue_token

    paused(replica)
    token = issue_token(cast.coordinator, "测试")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")  # keeps no cookie between calls
    with time_machine.travel(NOW):
        assert new_project(client).status_code == 201
        client.cookies.clear()
        response = client.get(API_LIST)
    assert response["X-Shigongtu-Read-From"] == "primary"
    assert "P-NEW" in {row["code"] for row in response.json()["results"]}


def test_a_lagging_replica_is_skipped(cast, replica, settings):
    paused(replica)
    Project.objects.create(plan=cast.plan, code="P-NEW", name="主从测试项目")
    settings.REPLICA_MAX_LAG_S = 0.2
    time.sleep(0.3)
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response["X-Shigongtu-Read-From"] == "primary" and listed(response)
    assert replicas._health["replica_1"][1] is False


def test_a_replica_that_caught_up_serves_again(cast, replica):
    Project.objects.create(plan=cast.plan, code="P-NEW", name="主从测试项目")
    caught_up(replica)
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response["X-Shigongtu-Read-From"] == "replica_1" and listed(response)


def test_a_replica_that_is_down_is_skipped(cast, replica):
    replica.stop()
    with time_machine.travel(NOW):
        response = cast.client("viewer").get(LIST)
    assert response.status_code == 200
    assert response["X-Shigongtu-Read-From"] == "primary"
