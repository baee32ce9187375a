"""``shigongtu backup`` and ``shigongtu restore``: a backup restores into a fresh database and the
history verifies there (SQLite always; PostgreSQL when the suite runs on it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def shigongtu(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIGONGTU_")}
    env.update({"DATABASE_URL": url, "PYTHONPATH": str(Path(__file__).parents[2] / "src")})
    return subprocess.run([sys.executable, "-m", "shigongtu", *args], capture_output=True, text=True, env=env,
                          check=False, timeout=300)


def build_history(url: str) -> None:
    for code in ("BK-1", "BK-2"):
        done = shigongtu(url, "plan", "create", code, "--name", "备份演练施工图（示例）", "--year", "2023")
        assert done.returncode == 0, done.stderr


def round_trip(source: str, target: str, backup: Path) -> None:
    build_history(source)
    done = shigongtu(source, "backup", "-o", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    assert backup.is_file() and "ok:" in done.stdout
    done = shigongtu(target, "restore", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restored" in done.stdout and "ok: 2 entries" in done.stdout
    again = shigongtu(target, "restore", str(backup))
    assert again.returncode == 1 and "not empty" in again.stderr  # never over data


def test_a_sqlite_backup_restores_into_a_fresh_database_and_verifies(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
               tmp_path / "backup.sqlite3")


def test_a_tampered_sqlite_backup_fails_verification_on_restore(tmp_path):
    source, backup = f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path / "backup.sqlite3"
    build_history(source)
    assert shigongtu(source, "backup", "-o", str(backup)).returncode == 0
    with sqlite3.connect(backup) as db:
        db.execute("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = 1")
    done = shigongtu(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "restore", str(backup))
    assert done.returncode == 1 and "TAMPERED" in done.stdout


def test_restoring_a_file_that_is_no_backup_is_refused(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    done = shigongtu(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "restore", str(junk))
    assert done.returncode == 1 and "not a SQLite backup" in done.stderr


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str]]:
    import psycopg

    base = settings.DATABASES["default"]
    admin = f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/postgres"
    names = [f"h7_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("live", "fresh")]
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(admin.rsplit("/", 1)[0] + "/" + n for n in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(not ON_POSTGRES, reason="DATABASE_URL is not PostgreSQL")
def test_a_postgresql_backup_restores_into_a_fresh_database_and_verifies(postgres_databases, tmp_path):
    source, target = postgres_databases
    round_trip(source, target, tmp_path / "backup.dump")
