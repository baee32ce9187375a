"""Fast inserts for large imports: one prepared statement, many parameter rows.

Django's ``bulk_create`` compiles a fresh multi-row statement per batch, converting every
value of every field through the query compiler; on SQLite it also caps a batch at 999
parameters (27 projects). For a 50,000-row ledger that overhead is most of the import, so
the import paths insert through :func:`insert_rows`: values are converted once per field by
the field's own ``get_db_prep_save`` (the same conversion Django applies), and the rows go
to the driver's ``executemany`` (a pipeline on PostgreSQL). No ids come back: callers that
need them read them by the rows' natural key, which they always have.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Fields whose Python values the drivers take as they are (None included).
_AS_IS = frozenset({
    "CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField", "ForeignKey", "OneToOneField",
    "AutoField", "BigAutoField",
})


class JSONText(str):
    """JSON already encoded, for a JSONField column: stored as it is, not encoded again."""


_NON_ASCII = re.compile(r"[^\x00-\x7e]")  # json.dumps escapes DEL too


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"


def ascii_json(text: str) -> str:
    """JSON text with every non-ASCII character escaped, as Django stores JSON in a text column
    (its key lookups on SQLite match keys in that form). Outside strings JSON is ASCII, so
    escaping every such character keeps the text valid and its meaning unchanged."""
    return text if text.isascii() and "\x7f" not in text else _NON_ASCII.sub(_escape, text)


def _same(text: str) -> str:
    return text


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a value of ``field`` goes to the driver: None when as it is; otherwise the field's
    own conversion, with shortcuts for the common cases that give the same result."""
    kind = field.get_internal_type()
    if kind in _AS_IS:
        return None
    conn = connections[DEFAULT_DB_ALIAS]
    postgres = conn.vendor == "postgresql"
    if kind == "JSONField":
        if postgres:
            from psycopg.types.json import Jsonb

            return lambda v: Jsonb(v, dumps=_same) if isinstance(v, JSONText) else field.get_db_prep_save(v, conn)
        return lambda v: ascii_json(v) if isinstance(v, JSONText) else field.get_db_prep_save(v, conn)
    if kind == "DecimalField":  # both drivers take a Decimal (Django registers it with sqlite3)
        return lambda v: v if v is None or type(v) is Decimal else field.get_db_prep_save(v, conn)
    if kind == "DateField":
        if postgres:
            return lambda v: v if v is None or type(v) is dt.date else field.get_db_prep_save(v, conn)
        # (None first: most optional dates of a ledger are empty, and the field's own path is slow)
        return lambda v: None if v is None else v.isoformat() if type(v) is dt.date else field.get_db_prep_save(v, conn)
    memo: list[Any] = [None, None]  # a batch stamps one ``now`` on every row: convert it once

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if value is memo[0]:
            return memo[1]
        out = field.get_db_prep_save(value, conn)
        memo[0], memo[1] = value, out
        return out

    return convert


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
                batch: int = 5000) -> int:
    """Insert ``rows`` (values in ``fields`` order: attribute names, ``project_id`` for a foreign
    key) into ``model``'s table; returns the number inserted. Runs in the caller's transaction."""
    meta = model._meta
    columns = _fields(model, fields)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in columns)
    if connection.vendor == "postgresql":
        return _copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN", columns, rows)
    placeholders = ", ".join(["%s"] * len(columns))
    # Table and column names come from the model, quoted; values are always parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    return _execute(sql, columns, rows, batch)


def insert_few_then(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]],
                    then_sql: str, then_params: Sequence[Any]) -> int:
    """Insert a few ``rows`` (as :func:`insert_rows`) and run ``then_sql`` (an UPDATE) after them,
    in the caller's transaction: on PostgreSQL one statement (``WITH … INSERT … VALUES … UPDATE``,
    one round trip where COPY takes several), elsewhere the insert and then the update."""
    if connection.vendor != "postgresql":
        insert_rows(model, fields, rows)
        with connection.cursor() as cursor:
            cursor.execute(then_sql, list(then_params))
        return len(rows)
    columns = _fields(model, fields)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in columns)
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    params = [value for row in _converted(columns, rows) for value in row]
    # Table and column names come from the model, quoted; values are always parameters.
    sql = f"WITH added AS (INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES {values}) {then_sql}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *then_params])
    return len(rows)


def _copy(sql: str, columns: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL's COPY: the rows stream to the server in one command, several times faster
    than any INSERT (the driver adapts each value as it would for a parameter)."""
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in _converted(columns, rows):
            copy.write_row(row)
            count += 1
    return count


_PK = models.BigIntegerField()  # the id column a row ends with: passed as it is


def _converted(columns: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """The rows with each value as the driver takes it."""
    converters = [(i, c) for i, f in enumerate(columns) if (c := _converter(f)) is not None]
    if not converters:
        yield from rows
        return
    for row in rows:
        row = list(row)
        for i, convert in converters:
            row[i] = convert(row[i])
        yield row


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    """The model's concrete fields by name; attribute names work too (``project_id``)."""
    out = []
    for name in names:
        f = model._meta.get_field(name)
        assert isinstance(f, models.Field) and f.concrete, f"{model.__name__}.{name} is not a column"
        out.append(f)
    return out


def _execute(sql: str, columns: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]], batch: int) -> int:
    count = 0
    pending: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in _converted(columns, rows):
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
                batch: int = 5000) -> int:
    """Update rows by primary key: each row is the values of ``fields`` followed by the pk."""
    meta = model._meta
    columns = _fields(model, fields)
    quote = connection.ops.quote_name
    pk = str(meta.pk.column) if meta.pk is not None else "id"
    if connection.vendor == "postgresql":
        return _update_from_copy(quote(meta.db_table), quote(pk), [quote(str(f.column)) for f in columns], columns,
                                 rows)
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in columns)
    sql = (f"UPDATE {quote(meta.db_table)} SET {sets} "  # noqa: S608
           f"WHERE {quote(pk)} = %s")
    return _execute(sql, columns, rows, batch)


def _update_from_copy(table: str, pk: str, names: list[str], columns: Sequence[models.Field[Any, Any]],
                      rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL: COPY the new values into a scratch table shaped like the columns, then one
    ``UPDATE … FROM`` it (a statement per row is several times slower)."""
    scratch = "shigongtu_bulk_update"
    listed = ", ".join(names)
    # Names come from the model, quoted; the values travel by COPY.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMP TABLE {scratch} AS SELECT {listed}, {pk} FROM {table} WITH NO DATA")  # noqa: S608
    count = _copy(f"COPY {scratch} ({listed}, {pk}) FROM STDIN", [*columns, _PK], rows)
    sets = ", ".join(f"{name} = s.{name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} AS t SET {sets} FROM {scratch} AS s WHERE t.{pk} = s.{pk}")  # noqa: S608
        cursor.execute(f"DROP TABLE {scratch}")
    return count


def new_row(model: type[models.Model], now: Any) -> dict[str, Any]:
    """Every column of a new row but its id, by attribute name: the fields' defaults, and ``now``
    for ``auto_now``/``auto_now_add`` dates; the caller overwrites what it knows."""
    out: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        out[f.attname] = now if auto else f.get_default()
    return out


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a large import runs. The import allocates
    millions of short-lived rows and values; with the collector on, each full collection walks
    every live object again, which costs a quarter of the time. Reference counting still frees
    the rows chunk by chunk, and the collector runs again (and catches up) afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
