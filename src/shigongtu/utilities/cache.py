"""One cache for what is computed from a plan: entries keyed by the plan's revision.

Every write to a plan (a report, an import, an edit) bumps ``Plan.revision``, so an entry
whose key carries the revision is never stale; the timeout only bounds memory. No domain
import: a plan is anything with ``pk``, ``revision`` and ``created_at``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.core.cache import cache

CACHE_VERSION = 1
CACHE_SECONDS = 3600  # the revision makes entries exact; the timeout only bounds memory and unit renames
T = TypeVar("T")


class Revised(Protocol):
    """What a cache key needs from a plan."""

    @property
    def pk(self) -> Any: ...
    @property
    def revision(self) -> int: ...
    @property
    def created_at(self) -> dt.datetime | None: ...


def plan_key(plan: Revised, key: str) -> str:
    """The cache key of ``key`` for ``plan`` at its current revision."""
    # created_at tells apart a plan re-created under the same id (a reset test database, a restored backup)
    stamp = int(plan.created_at.timestamp() * 1000) if plan.created_at else 0
    return f"shigongtu:plan:v{CACHE_VERSION}:{plan.pk}:{stamp}:{plan.revision}:{key}"


def cached_for_plan(plan: Revised, key: str, build: Callable[[], T], kind: type | None = None,
                    seconds: int = CACHE_SECONDS) -> T:
    """``build()``'s answer for ``plan`` at its revision, built once and then read from the cache.

    ``kind`` (when given) is the type a cached answer must have; anything else is rebuilt
    (an entry pickled by an older release, a value of another shape).
    """
    full = plan_key(plan, key)
    found = cache.get(full)
    if found is not None and (kind is None or isinstance(found, kind)):
        return found
    value = build()
    cache.set(full, value, seconds)
    return value
