"""The plan cache shared by several app servers (Redis): one process builds, another reads it.

Skipped when no Redis answers on 127.0.0.1:6379 (database 8 is this test's).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest

from shigongtu.utilities.cache import cached_for_plan, plan_key

REDIS_URL = "redis://127.0.0.1:6379/8"
CREATED = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
OTHER_PROCESS = """
import datetime as dt, django
from types import SimpleNamespace
django.setup()
from shigongtu.utilities.cache import cached_for_plan
plan = SimpleNamespace(pk=7, revision=int(__import__("sys").argv[1]), created_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
print(cached_for_plan(plan, "figures", lambda: "built by the other server"))
"""


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def shared_cache(settings):
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def other_server(revision: int) -> str:
    environment = {**os.environ, "SHIGONGTU_ENV": "development", "SHIGONGTU_REDIS_URL": REDIS_URL,
                   "DJANGO_SETTINGS_MODULE": "shigongtu.settings"}
    done = subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(revision)], env=environment,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


def test_the_key_of_a_plan_is_the_same_in_every_process():
    plan = SimpleNamespace(pk=7, revision=3, created_at=CREATED)
    assert plan_key(plan, "figures") == f"shigongtu:plan:v1:7:{int(CREATED.timestamp() * 1000)}:3:figures"


def test_what_one_server_built_another_reads_until_the_revision_moves(shared_cache):
    assert other_server(3) == "built by the other server"
    plan = SimpleNamespace(pk=7, revision=3, created_at=CREATED)
    assert cached_for_plan(plan, "figures", lambda: "built here") == "built by the other server"
    plan.revision = 4  # a write anywhere bumps the revision: nobody reads the old entry
    assert cached_for_plan(plan, "figures", lambda: "built here") == "built here"
    assert other_server(4) == "built here"
