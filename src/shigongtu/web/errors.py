"""Page-side errors, mapped once, mirroring the API's handlers (api/urls.py).

- ``NotAllowed`` (seen but not allowed) → the 403 page, wherever a view raises it
  (:class:`NotAllowedMiddleware`), as the API answers 403 ``forbidden``.
- ``InputRejected`` → the problems on the form (or one message when there is no form), 422.
- ``Conflict`` → the 409 message (someone else saved first), kept for the page to show.

Views write ``with rejected(form) as outcome: ...`` and then read ``outcome.ok``,
``outcome.status`` and ``outcome.error`` instead of repeating try/except chains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed


class NotAllowedMiddleware:
    """Turn a domain ``NotAllowed`` escaping a view into Django's 403 page (templates/403.html)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotAllowed):
            # Re-raised as Django's own refusal so the configured 403 handler renders the page.
            raise PermissionDenied(str(exception)) from exception
        return None


@dataclass
class Outcome:
    """How a write went: ``ok``, else the HTTP status to answer with and the message to show."""

    ok: bool = True
    status: int = 200
    error: str = ""


def joined(exc: InputRejected) -> str:
    """All of a refusal's messages in one line, for pages that show no form."""
    from django.utils.translation import get_language

    return "；".join(p.message_in(get_language()) for p in exc.problems)


@contextmanager
def rejected(form: Any = None, conflict: Callable[[Conflict], str] = str) -> Iterator[Outcome]:
    """Run a service call and map its refusals: problems onto ``form`` (422), a conflict's message (409).

    Without a form, the problems are joined into ``outcome.error``. ``conflict`` words the 409
    message (default: the Conflict's own). ``NotAllowed`` is left to :class:`NotAllowedMiddleware`.
    """
    outcome = Outcome()
    try:
        yield outcome
    except InputRejected as exc:
        outcome.ok, outcome.status = False, 422
        if form is not None:
            form.add_problems(exc.problems)
        else:
            outcome.error = joined(exc)
    except Conflict as exc:
        outcome.ok, outcome.status, outcome.error = False, 409, conflict(exc)
