"""The JSON API (/api/v1): one NinjaAPI, routers per domain, errors in one shape."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from shigongtu.api import (
    attraction,
    bulletins,
    enterprises,
    evidence,
    ledgers,
    notifications,
    people,
    plans,
    projects,
    supervision,
)
from shigongtu.api.auth import SessionOrToken
from shigongtu.api.types import EDIT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from shigongtu.ledgers.uploads import too_large_message
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed

api = NinjaAPI(
    title="Shigongtu API",
    version="1",
    description="施工图 — plans, nodes, indicators, reports, warnings, projects, ledgers, bulletins.",
    auth=SessionOrToken(),
    urls_namespace="api",
)


@api.exception_handler(InputRejected)
def on_rejected(request: HttpRequest, exc: InputRejected) -> HttpResponse:
    return api.create_response(request, {"detail": [p.as_dict() for p in exc.problems]}, status=422)


@api.exception_handler(NinjaValidationError)
def on_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if getattr(request, "upload_too_large", False):  # dropped while streaming (ledgers.uploads)
        return api.create_response(request, {"detail": [{"field": "file", "message": too_large_message()}]},
                                   status=422)
    detail = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        detail.append({"field": ".".join(loc), "message": err.get("msg", "invalid"), "value": err.get("input")})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "current_version": exc.current_version}, status=409)


@api.exception_handler(NotAllowed)
def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message or "forbidden"}, status=403)


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "forbidden"}, status=403)


@api.exception_handler(Http404)
def on_missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "authentication required"}, status=401)


# One router per domain, imported (not named by string) so the layers check sees the dependency.
api.add_router("/", plans.router)
api.add_router("/", projects.router)
api.add_router("/", ledgers.router)
api.add_router("/", bulletins.router)
api.add_router("/", enterprises.router)
api.add_router("/", attraction.router)
api.add_router("/", supervision.router)
api.add_router("/", people.router)
api.add_router("/", notifications.router)
api.add_router("/", evidence.router)


def declare_errors(api: NinjaAPI) -> None:
    """Declare on every operation the refusals it can answer, so the OpenAPI document lists them.

    Handlers return their success; the exception handlers above answer 400/401/403/404/409/422
    in ``ErrorOut``'s shape. Runs once, after the last router is added and before the URLs are built.
    """
    model = type("ErrorResponse", (Schema,), {"__annotations__": {"response": ErrorOut}})  # as ninja wraps
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                methods = set(op.methods)
                codes = EDIT_ERRORS if methods & {"PATCH", "PUT"} else (
                    WRITE_ERRORS if methods & {"POST", "DELETE"} else READ_ERRORS)
                for code in codes:
                    op.response_models.setdefault(code, model)


declare_errors(api)  # keep last: after every add_router
