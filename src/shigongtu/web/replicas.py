"""Which requests read from a replica, and read-your-own-writes (the router is ``utilities.replicas``).

A GET or HEAD of one of :data:`READ_ONLY_FACES` (the dashboard, the big screen, the lists, the
exports, the bulletin composition — pages and API alike) reads from a healthy replica, unless the
one asking wrote something in the last ``PRIMARY_PIN_S`` seconds. Any other method is a possible
write: its answer pins the writer to the primary, by three marks so every client keeps it —

- a cookie holding the moment the pin ends (browsers; survives a switch of app server);
- a cache entry for the signed-in user (the shared Redis cache: every app server sees it, and it
  follows the user to another browser or an API token);
- a cache entry for the bearer token (API clients that keep no cookie).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from shigongtu.utilities.replicas import replica_aliases, replica_reads

_PLAN = r"^/(?:api/v1/)?plans/[^/]+"
# The read-only faces: what a GET or HEAD of these paths shows may come from a replica.
READ_ONLY_FACES: tuple[re.Pattern[str], ...] = tuple(re.compile(pattern) for pattern in (
    _PLAN + r"/dashboard/",                        # the 驾驶舱 and its charts
    _PLAN + r"/bigscreen/$",                       # the big screen
    _PLAN + r"/$",                                 # the plan tree page (API: the plan)
    _PLAN + r"/tree(?:/children)?$",               # the tree (page branches, API document)
    _PLAN + r"/warnings/?$",                       # warnings
    _PLAN + r"/nodes$",                            # the node list (API)
    _PLAN + r"/reports$",                          # the report list (API)
    _PLAN + r"/projects/?$",                       # project lists
    _PLAN + r"/projects/warnings/?$",
    _PLAN + r"/supervision/?$",                    # supervision lists
    _PLAN + r"/supervision/(?:summary|map|document|weekly\.docx)$",
    _PLAN + r"/leads(?:/list/|/summary|/kpis/?)?$",  # 招商 lists
    _PLAN + r"/enterprises/?$",                    # enterprise lists
    _PLAN + r"/enterprises/(?:summary|tiers/)$",
    _PLAN + r"/ledgers/(?:[^/]+/)?export$",        # exports
    _PLAN + r"/bulletins/(?:preview|file)$",       # bulletin composition
))

PIN_COOKIE = "shigongtu_primary_until"
READ_FROM_HEADER = "X-Shigongtu-Read-From"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_read_only_face(request: HttpRequest) -> bool:
    return request.method in {"GET", "HEAD"} and any(face.match(request.path_info) for face in READ_ONLY_FACES)


def _token_key(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return "shigongtu:primary-pin:token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]


def _user_key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return f"shigongtu:primary-pin:user:{user.pk}"


def is_pinned(request: HttpRequest, now: float | None = None) -> bool:
    """Whether the one asking wrote something in the last ``PRIMARY_PIN_S`` seconds."""
    now = time.time() if now is None else now
    try:
        if float(request.COOKIES.get(PIN_COOKIE, "0")) > now:
            return True
    except ValueError:
        pass  # a mangled cookie pins nothing
    keys = [key for key in (_user_key(request), _token_key(request)) if key]
    return bool(keys) and bool(cache.get_many(keys))


def pin(request: HttpRequest, response: HttpResponse, now: float | None = None) -> None:
    """Keep the one who just wrote on the primary for ``PRIMARY_PIN_S`` seconds."""
    seconds = settings.PRIMARY_PIN_S
    until = (time.time() if now is None else now) + seconds
    response.set_cookie(PIN_COOKIE, f"{until:.3f}", max_age=seconds, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    keys = [key for key in (_user_key(request), _token_key(request)) if key]
    if keys:
        cache.set_many(dict.fromkeys(keys, until), seconds)


class ReplicaReadsMiddleware:
    """Runs a read-only face's request with its reads on a replica; pins writers to the primary.

    Placed after the authentication middleware (the pin is looked up by user). Without
    ``DATABASE_REPLICA_URLS`` it does nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_aliases():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            pin(request, response)
            return response
        if not is_read_only_face(request):
            return self.get_response(request)
        if is_pinned(request):
            response, alias = self.get_response(request), None
        else:
            with replica_reads() as alias:
                response = self.get_response(request)
        response.headers[READ_FROM_HEADER] = alias or "primary"  # for operators and the tests
        return response
