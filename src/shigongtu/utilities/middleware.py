"""Language selection: Chinese first.

Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an
English browser would get English pages. Here the language is zh-Hans unless the user chose
another one with the switch (the language cookie).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from shigongtu.lib import bounds
from shigongtu.lib.errors import ValueProblem


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


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
