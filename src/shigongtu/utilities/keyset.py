"""Keyset pagination: a page of a query after the last row a client saw, by an opaque cursor.

The cursor is the last row's values of the ordering (the query's own ``order_by`` with the
primary key added as the tie-breaker), in URL-safe base64 JSON. The next page is the rows
strictly after those values, NULLs last in either direction on SQLite and PostgreSQL alike:
no OFFSET, so page 2,000 costs what page 1 costs and a row added meanwhile is neither
skipped nor shown twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet


class BadCursor(ValueError):
    """The cursor is not one this query handed out."""


def encode(values: list[Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, dt.date | dt.datetime):
            return v.isoformat()
        if isinstance(v, Decimal):
            return str(v)
        return v

    raw = json.dumps([plain(v) for v in values], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, width: int) -> list[Any]:
    """The values of a cursor of ``width`` columns; BadCursor when it is anything else."""
    if len(cursor) > 2000:
        raise BadCursor("too long")
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(str(exc)) from exc
    if not isinstance(values, list) or len(values) != width:
        raise BadCursor("wrong shape")
    if any(not (v is None or isinstance(v, str | int | float)) or isinstance(v, bool) for v in values):
        raise BadCursor("wrong values")
    return values


def ordering(qs: QuerySet[Any]) -> list[tuple[str, bool]]:
    """The query's ordering as (field, descending), ending with the primary key."""
    names = [str(o) for o in (qs.query.order_by or qs.model._meta.ordering or ())]
    fields = [(n.lstrip("-"), n.startswith("-")) for n in names if isinstance(n, str) and n.lstrip("-") != "?"]
    fields = [("pk" if f == "id" else f, d) for f, d in fields]
    if not any(f == "pk" for f, _ in fields):
        fields.append(("pk", fields[-1][1] if fields else False))
    return fields


def _after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after ``values`` in this ordering (NULLs last): an OR over the first differing column."""
    out = Q(pk__in=[])
    equal = Q()
    for (name, desc), value in zip(fields, values, strict=True):
        if value is not None:
            later = Q(**{f"{name}__lt" if desc else f"{name}__gt": value}) | Q(**{f"{name}__isnull": True})
            out |= equal & later
            equal &= Q(**{name: value})
        else:
            equal &= Q(**{f"{name}__isnull": True})
    return out


@dataclass
class Page:
    keys: list[Any]      # primary keys of the page's rows, in order
    next: str | None     # the cursor of the next page, None on the last


def _rows(qs: QuerySet[Any], fields: list[tuple[str, bool]], after: list[Any] | None, n: int) -> list[tuple[Any, ...]]:
    """Up to ``n`` rows of ``qs`` in the order ``fields`` after the row ``after``: their ordering values."""
    ordered = qs.order_by(*[F(f).desc(nulls_last=True) if d else F(f).asc(nulls_last=True) for f, d in fields])
    try:
        if after is not None:
            ordered = ordered.filter(_after(fields, after))
        return list(ordered.values_list(*[f for f, _ in fields])[:n])
    except (ValueError, TypeError, ValidationError) as exc:  # a value of the wrong type for its column
        raise BadCursor(str(exc)) from exc


def _page(fields: list[tuple[str, bool]], rows: list[tuple[Any, ...]], limit: int) -> Page:
    pk_at = [n for n, _ in fields].index("pk")
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([r[pk_at] for r in rows], encode(list(rows[-1])) if more and rows else None)


def page(qs: QuerySet[Any], cursor: str | None, limit: int) -> Page:
    """One page of ``qs`` (ordered) after ``cursor``; raises BadCursor for a cursor it cannot read."""
    fields = ordering(qs)
    return _page(fields, _rows(qs, fields, decode(cursor, len(fields)) if cursor else None, limit + 1), limit)


def page_by(qs: QuerySet[Any], values: list[Any], cursor: str | None, limit: int) -> Page:
    """The same page as :func:`page` for a query whose ordering leads with a column of few values
    (``values``: all it can hold, in the ordering's direction — a plan's months), read one value at
    a time: each read is a short walk of an index on the rest of the ordering however large the
    query, instead of a sort of all its rows. The cursors are :func:`page`'s."""
    fields = ordering(qs)
    column, descending = fields[0]
    after = decode(cursor, len(fields)) if cursor else None
    rows: list[tuple[Any, ...]] = []
    for value in values:
        if after is not None and value != after[0] and (value > after[0]) == descending:
            continue  # before the cursor's value in this order
        start = after if after is not None and value == after[0] else None
        rows += _rows(qs.filter(**{column: value}), fields, start, limit + 1 - len(rows))
        if len(rows) > limit:
            break
    return _page(fields, rows, limit)
