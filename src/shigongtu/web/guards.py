"""Request guards every page and API call passes: the request-level half of the input rules in ``lib.bounds``."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from shigongtu.lib import bounds
from shigongtu.lib.errors import ValueProblem


class RefuseControlCharacters:
    """The request-level half of the one rule for invisible characters (``lib.bounds.check_text``).

    A NUL byte or another control character in the path, a query parameter, a form field or
    anywhere in a JSON body is refused before a view runs: 422 naming the field for the API,
    400 for a page. PostgreSQL cannot store a NUL at all, so letting one through meant a 500.
    Multipart bodies are left to the upload's own reading (their text fields pass the field
    tables, which apply the same rule).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = _first_control(request)
        if found is None:
            return self.get_response(request)
        name, value = found
        try:
            bounds.check_text(value)
            message = ""
        except ValueProblem as exc:
            message = exc.message_zh
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": name, "message": message, "value": value}]}, status=422)
        return HttpResponseBadRequest(f"{name}: {message}", content_type="text/plain; charset=utf-8")


def _first_control(request: HttpRequest) -> tuple[str, str] | None:
    """The first (field, text) of the request that holds a control character, if any."""
    if bounds.CONTROL.search(request.path):
        return "path", request.path
    fields: list[tuple[str, str]] = [(k, v) for k in request.GET for v in request.GET.getlist(k)]
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH") and content_type == "application/x-www-form-urlencoded":
        fields += [(k, v) for k in request.POST for v in request.POST.getlist(k)]
    for name, value in fields:
        if bounds.CONTROL.search(name) or bounds.CONTROL.search(value):
            return name, value
    if content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return None  # the API answers an unreadable body itself (400)
        return next(bounds.control_characters(body), None)
    return None
