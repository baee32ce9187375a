"""PostgreSQL-only indexes for the lists' text search, created by the apps' migrations.

The lists search with Django's ``icontains`` (``UPPER(col::text) LIKE UPPER('%…%')``) and
``contains`` (``col::text LIKE '%…%'``); a B-tree cannot answer either, so on PostgreSQL each
searched column gets a trigram GIN index (``pg_trgm``) on exactly that expression. A search of
three characters or more (汉字 count as characters: the databases run a UTF-8 ``LC_CTYPE``) then
reads the index instead of the whole table. Prefix filters (a node's subtree ``code LIKE '3.%'``,
a credit code's first characters) get a ``varchar_pattern_ops`` B-tree, which a non-``C``
collation needs for ``LIKE 'x%'``.

SQLite has neither (the suite runs there too): the operations do nothing on it, and Django's
model state does not know these indexes, so ``makemigrations`` stays quiet on both engines.
The indexes are built ``CONCURRENTLY`` (the migration is not atomic), so adding them to a live
database of millions of rows does not lock out writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


@dataclass(frozen=True)
class SearchIndex:
    name: str
    table: str
    expression: str  # SQL, e.g. ``UPPER("name"::text) gin_trgm_ops`` or ``"code" varchar_pattern_ops``
    method: str = "gin"
    leading: str = ""  # leading B-tree columns, e.g. ``"plan_id", ``

    def create_sql(self) -> str:
        return (f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{self.name}" ON "{self.table}" '
                f"USING {self.method} ({self.leading}{self.expression})")

    def drop_sql(self) -> str:
        return f'DROP INDEX CONCURRENTLY IF EXISTS "{self.name}"'


def upper_trigram(name: str, table: str, column: str) -> SearchIndex:
    """What ``column__icontains`` reads on PostgreSQL."""
    return SearchIndex(name, table, f'(UPPER("{column}"::text)) gin_trgm_ops')


def trigram(name: str, table: str, column: str) -> SearchIndex:
    """What ``column__contains`` reads on PostgreSQL."""
    return SearchIndex(name, table, f'"{column}" gin_trgm_ops')


def prefix(name: str, table: str, column: str, leading: str = "") -> SearchIndex:
    """What ``column__startswith`` reads on PostgreSQL (after ``leading`` equality columns)."""
    return SearchIndex(name, table, f'"{column}" varchar_pattern_ops', method="btree", leading=leading)


class KeptTrigramExtension(TrigramExtension):
    """``CREATE EXTENSION IF NOT EXISTS pg_trgm`` (PostgreSQL only), left in place when unapplied:
    several apps' indexes use it, and unapplying one app's indexes must not pull it from the others."""

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        return None


def operations(*indexes: SearchIndex) -> list[Any]:
    """The migration operations creating ``indexes`` on PostgreSQL (and nothing elsewhere)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for index in indexes:
                cursor.execute(index.create_sql())

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for index in indexes:
                cursor.execute(index.drop_sql())

    return [KeptTrigramExtension(), migrations.RunPython(forwards, backwards, elidable=False)]
