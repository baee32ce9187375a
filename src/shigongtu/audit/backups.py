"""Backups that restore verifiably (备份与恢复): SQLite through its online backup API, PostgreSQL
through ``pg_dump --format=custom`` / ``pg_restore --no-owner``. Each is followed by ``audit
verify`` (the commands do that), so a backup nobody can trust is noticed the day it is taken.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

# Tables Django's own migrate fills in a database that holds no data yet.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def engine() -> str:
    return "sqlite" if str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3") else "postgresql"


def sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603 (fixed tool, our arguments)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(target: Path) -> None:
    """A consistent copy of the current database while it is in use, written to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    if engine() == "sqlite":
        source = sqlite3.connect(sqlite_path())
        dest = sqlite3.connect(tmp)
        try:
            with dest:
                source.backup(dest)  # page by page, consistent even while others write
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dest.close()
            source.close()
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={settings.DATABASE_URL}"])
    os.replace(tmp, target)


def is_empty() -> bool:
    """Whether the database holds no data: no tables, or only what ``migrate`` itself writes."""
    with connection.cursor() as cur:
        tables = [t for t in connection.introspection.table_names(cur) if t not in BOOKKEEPING]
        for table in tables:
            cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cur.fetchone() is not None:
                return False
    return True


def restore(source: Path) -> None:
    """Restore a backup into the database ``DATABASE_URL`` names, which must hold no data."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if not is_empty():
        raise BackupError("the database DATABASE_URL names is not empty: restore only into an empty database")
    connections.close_all()
    if engine() == "sqlite":
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
        dest = sqlite3.connect(sqlite_path())
        try:
            with dest:
                src.backup(dest)
        finally:
            dest.close()
            src.close()
    else:
        _run([_tool("pg_restore"), "--no-owner", "--clean", "--if-exists", "--exit-on-error",
              f"--dbname={settings.DATABASE_URL}", str(source)])
