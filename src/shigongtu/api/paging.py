"""Lists as API clients expect them: a bounded page, a total, and an opaque cursor to the next.

Endpoints that answer a bare JSON list keep that body (older clients read it) and give the
total in ``X-Total-Count`` and the next page in ``X-Next-Cursor`` and a ``Link: rel="next"``
header; endpoints that answer an envelope carry ``count`` and ``next`` in it. A ``limit`` above
the bound or a cursor the server did not hand out is a 422 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from shigongtu.lib.errors import InputRejected
from shigongtu.utilities import keyset

Cursor = Annotated[str, Field(max_length=2000, description="the `next` cursor of the page before (opaque)")]
PageLimit = Annotated[int, Field(ge=1, le=500, description="rows on the page (1–500)")]

HEADERS_DOC = {
    "responses": {"200": {"headers": {
        "X-Total-Count": {"description": "rows that pass the filters", "schema": {"type": "integer"}},
        "X-Next-Cursor": {"description": "the cursor of the next page (absent on the last)",
                          "schema": {"type": "string"}},
        "Link": {"description": '`<url>; rel="next"` when there is a next page', "schema": {"type": "string"}},
    }}},
}


def bad_cursor(raw: str) -> InputRejected:
    return InputRejected("无法识别的分页游标（cursor），请使用上一页返回的 next 值", field="cursor", value=raw[:100])


def page(qs: QuerySet[Any], cursor: str | None, limit: int) -> keyset.Page:
    """A keyset page of ``qs``; a cursor the query cannot read → 422 naming ``cursor``."""
    try:
        return keyset.page(qs, cursor, limit)
    except keyset.BadCursor:
        raise bad_cursor(cursor or "") from None


def page_by(qs: QuerySet[Any], values: list[Any], cursor: str | None, limit: int) -> keyset.Page:
    """:func:`page` read one value of the ordering's leading column at a time (``keyset.page_by``)."""
    try:
        return keyset.page_by(qs, values, cursor, limit)
    except (keyset.BadCursor, TypeError):
        raise bad_cursor(cursor or "") from None


def annotate(request: HttpRequest, response: HttpResponse, total: int, next_cursor: str | None) -> None:
    """The total and the next page of a bare-list answer, in its headers."""
    response["X-Total-Count"] = str(total)
    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        params.pop("offset", None)
        response["X-Next-Cursor"] = next_cursor
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{params.urlencode()}>; rel="next"'


@dataclass
class Window:
    """The primary keys of one page of a list and what the envelope says about it."""

    keys: list[Any]
    count: int
    page: int | None   # the page number (None when paged by cursor)
    pages: int
    next: str | None


def window(qs: QuerySet[Any], page_no: int, page_size: int, cursor: str | None, limit: int | None) -> Window:
    """One page of ``qs``: after ``cursor`` when a cursor or a ``limit`` is given (keyset), else the
    numbered page of ``page_size`` as before (older clients)."""
    if cursor or limit:
        size = limit or page_size
        found = page(qs, cursor, size)
        count = qs.order_by().count()
        return Window(found.keys, count, None, max(1, -(-count // size)), found.next)
    current = Paginator(qs.values_list("pk", flat=True), page_size).get_page(page_no)
    paginator = current.paginator
    return Window(list(current.object_list), paginator.count, current.number, paginator.num_pages, None)


def in_order(rows: Iterable[Any], keys: list[Any]) -> list[Any]:
    """``rows`` (model instances) in the order of ``keys``."""
    by_key = {row.pk: row for row in rows}
    return [by_key[k] for k in keys if k in by_key]
