"""The router: writes on the primary, reads where the request says, the replica's health kept briefly.

The live replica is in test_replicas_live.py; here the replicas' answers are stood in for.
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import DatabaseError

from shigongtu.orgs.models import ApiToken
from shigongtu.plans.models import Node, Plan
from shigongtu.utilities import replicas
from shigongtu.utilities.replicas import ReplicaRouter, primary_reads, replica_reads


@pytest.fixture
def one_replica(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica_1"]
    settings.REPLICA_CHECK_S = 60.0
    replicas.forget_health()
    answers = {"replica_1": (True, 0.0)}
    monkeypatch.setattr(replicas, "measure", lambda alias: answers[alias])
    yield answers
    replicas.forget_health()


def test_without_replicas_every_read_is_on_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    with replica_reads() as alias:
        assert alias is None
        assert ReplicaRouter().db_for_read(Plan) == "default"


def test_inside_replica_reads_the_domain_is_read_from_the_replica(one_replica, monkeypatch):
    monkeypatch.setattr(replicas.connections["default"], "in_atomic_block", False)
    with replica_reads() as alias:
        assert alias == "replica_1"
        assert ReplicaRouter().db_for_read(Node) == "replica_1"
    assert ReplicaRouter().db_for_read(Node) == "default"


def test_sign_in_sessions_and_tokens_are_always_read_from_the_primary(one_replica, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    monkeypatch.setattr(replicas.connections["default"], "in_atomic_block", False)
    with replica_reads():
        assert {ReplicaRouter().db_for_read(m) for m in (get_user_model(), Session, ApiToken)} == {"default"}


def test_a_read_inside_a_transaction_stays_on_the_primary(one_replica, monkeypatch):
    monkeypatch.setattr(replicas.connections["default"], "in_atomic_block", True)
    with replica_reads():
        assert ReplicaRouter().db_for_read(Node) == "default"


def test_primary_reads_wins_inside_replica_reads(one_replica, monkeypatch):
    monkeypatch.setattr(replicas.connections["default"], "in_atomic_block", False)
    with replica_reads(), primary_reads():
        assert ReplicaRouter().db_for_read(Node) == "default"


def test_writes_and_migrations_are_on_the_primary_only(one_replica):
    with replica_reads():
        assert ReplicaRouter().db_for_write(Node) == "default"
    assert ReplicaRouter().allow_migrate("default", "plans") is True
    assert ReplicaRouter().allow_migrate("replica_1", "plans") is False


def test_an_unhealthy_replica_sends_reads_to_the_primary(one_replica):
    one_replica["replica_1"] = (False, 42.0)
    with replica_reads() as alias:
        assert alias is None


def test_the_health_answer_is_kept_for_the_check_interval(one_replica, settings):
    assert replicas.is_healthy("replica_1", now=100.0)
    one_replica["replica_1"] = (False, None)
    assert replicas.is_healthy("replica_1", now=100.0 + settings.REPLICA_CHECK_S - 1)  # still the kept answer
    assert not replicas.is_healthy("replica_1", now=100.0 + settings.REPLICA_CHECK_S)  # asked again


def test_a_replica_that_cannot_be_reached_is_unhealthy(settings, monkeypatch):
    class Broken:
        def cursor(self):
            raise DatabaseError("connection refused")

        def close(self):
            pass

    monkeypatch.setattr(replicas, "connections", {"replica_1": Broken()})
    assert replicas.measure("replica_1") == (False, None)


def test_a_replica_that_lags_too_much_or_stopped_streaming_is_unhealthy(settings, monkeypatch):
    settings.REPLICA_MAX_LAG_S = 5.0

    def answering(row):
        cursor = SimpleNamespace(execute=lambda sql: None, fetchone=lambda: row,
                                 __enter__=None, __exit__=None)

        class Cursor:
            def __enter__(self):
                return cursor

            def __exit__(self, *exc):
                return False

        monkeypatch.setattr(replicas, "connections", {"replica_1": SimpleNamespace(cursor=Cursor)})

    answering((True, "streaming", 1.5))
    assert replicas.measure("replica_1") == (True, 1.5)
    answering((True, "streaming", 6.0))
    assert replicas.measure("replica_1") == (False, 6.0)
    answering((True, "waiting", 0.0))
    assert replicas.measure("replica_1")[0] is False
    answering((False, None, 0.0))  # promoted: no longer a copy we can judge
    assert replicas.measure("replica_1")[0] is False


def _settings_error(**env):
    code = "import shigongtu.settings"
    environment = {**os.environ, "SHIGONGTU_ENV": "development", **env}
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                          check=False)
    return done.returncode, done.stderr


def test_replica_urls_need_a_postgresql_primary_and_a_long_enough_pin():
    code, err = _settings_error(DATABASE_URL="sqlite:////tmp/x.sqlite3",
                                DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/x")
    assert code == 1 and "needs a PostgreSQL primary" in err
    code, err = _settings_error(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
                                DATABASE_REPLICA_URLS="mysql://r/x")
    assert code == 1 and "replica 1 must be a postgres://" in err
    code, err = _settings_error(DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
                                DATABASE_REPLICA_URLS="postgres://r1/x,postgres://r2/x",
                                SHIGONGTU_REPLICA_MAX_LAG="30", SHIGONGTU_PRIMARY_PIN_SECONDS="10")
    assert code == 1 and "SHIGONGTU_PRIMARY_PIN_SECONDS" in err


def test_each_replica_url_becomes_a_mirrored_alias():
    code = ("import shigongtu.settings as s; print(s.DATABASE_REPLICAS, s.DATABASES['replica_2']['PORT'], "
            "s.DATABASES['replica_2']['TEST'])")
    environment = {**os.environ, "SHIGONGTU_ENV": "development", "DATABASE_URL": "postgres://postgres@db:5432/x",
                   "DATABASE_REPLICA_URLS": "postgres://postgres@r1:5432/x, postgres://postgres@r2:5433/x"}
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['replica_1', 'replica_2'] 5433 {'MIRROR': 'default'}"


def test_the_primary_only_tables_name_installed_apps_and_models():
    from django.apps import apps

    labels = {config.label for config in apps.get_app_configs()}
    assert replicas.PRIMARY_ONLY_APPS - {"django_tasks"} <= labels  # django_tasks has no tables of its own
    assert all(apps.get_model(label) for label in replicas.PRIMARY_ONLY_MODELS)
