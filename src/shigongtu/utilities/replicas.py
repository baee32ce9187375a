"""Reads over PostgreSQL streaming replicas: the database router and the replicas' health.

Every write, and every read by default, goes to the primary (``default``). A read-only face
(a page or endpoint the web layer lists, ``web.replicas.READ_ONLY_FACES``) runs its request inside
:func:`replica_reads`, which picks a healthy replica for the reads of that request:

- a replica is *healthy* when it answers, is still in recovery and streaming from the primary,
  and has replayed everything it received or lags by at most ``REPLICA_MAX_LAG_S`` seconds
  (``now() - pg_last_xact_replay_timestamp()``); the answer is kept ``REPLICA_CHECK_S`` seconds
  per process, so a request costs no extra round trip;
- no healthy replica → the primary;
- reads inside a transaction on the primary stay on the primary (what a write is based on is
  never read from a copy), and so do the tables of sign-in, sessions and the task queue;
- read-your-own-writes is the caller's part: a user pinned after a write never enters
  :func:`replica_reads` (``web.replicas``). ``PRIMARY_PIN_S ≥ REPLICA_MAX_LAG_S +
  REPLICA_CHECK_S`` (checked at start-up) makes the pin outlast any lag a replica may have.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import random
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

# Tables that are read right after their own write by another request (sign-in, the session,
# a token just issued, the task queue): always on the primary.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "axes", "django_tasks", "django_tasks_database", "admin"})
PRIMARY_ONLY_MODELS = frozenset({"orgs.apitoken"})

_reads_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("shigongtu_reads_from", default=None)
_health: dict[str, tuple[float, bool, float | None]] = {}  # alias → (checked at, healthy, lag seconds)

LAG_SQL = """
SELECT pg_is_in_recovery(),
       (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0
            ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END
"""


def replica_aliases() -> list[str]:
    """The configured replicas' database aliases (``DATABASE_REPLICA_URLS``), in order."""
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def measure(alias: str) -> tuple[bool, float | None]:
    """(healthy, lag in seconds) of one replica, asked now; a replica that cannot answer is unhealthy."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, receiver, lag = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("replica %s is unreachable, reading from the primary: %s", alias, exc)
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        return False, None
    lag = float(lag) if lag is not None else None
    if not in_recovery or receiver != "streaming" or lag is None:
        log.warning("replica %s is not streaming (recovery=%s, receiver=%s), reading from the primary",
                    alias, in_recovery, receiver)
        return False, lag
    healthy = lag <= settings.REPLICA_MAX_LAG_S
    if not healthy:
        log.warning("replica %s lags %.1f s (> %s s), reading from the primary", alias, lag, settings.REPLICA_MAX_LAG_S)
    return healthy, lag


def is_healthy(alias: str, now: float | None = None) -> bool:
    """Whether ``alias`` may serve reads, from a per-process answer at most ``REPLICA_CHECK_S`` old."""
    now = time.monotonic() if now is None else now
    checked = _health.get(alias)
    if checked is None or now - checked[0] >= settings.REPLICA_CHECK_S:
        healthy, lag = measure(alias)
        _health[alias] = (now, healthy, lag)
        return healthy
    return checked[1]


def forget_health() -> None:
    """Drop the kept answers (tests; a replica re-pointed at run time)."""
    _health.clear()


def pick_replica() -> str | None:
    """A healthy replica chosen at random (spreading the load), or None for the primary."""
    aliases = replica_aliases()
    random.shuffle(aliases)
    return next((alias for alias in aliases if is_healthy(alias)), None)


def reads_from() -> str | None:
    """The replica this request reads from, or None (the primary)."""
    return _reads_from.get()


@contextlib.contextmanager
def replica_reads() -> Iterator[str | None]:
    """Reads inside go to a healthy replica if there is one; yields its alias (None = the primary)."""
    alias = pick_replica() if replica_aliases() else None
    token = _reads_from.set(alias)
    try:
        yield alias
    finally:
        _reads_from.reset(token)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary, even inside :func:`replica_reads`."""
    token = _reads_from.set(None)
    try:
        yield
    finally:
        _reads_from.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: writes and migrations on the primary, reads where the request says."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        alias = _reads_from.get()
        if alias is None:
            return DEFAULT_DB_ALIAS
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS  # a read a write depends on
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
