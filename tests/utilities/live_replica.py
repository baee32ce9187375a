"""A PostgreSQL streaming replica of the local test server, started for a test and removed after.

``pg_basebackup`` copies the primary (the server the test database lives on) into a temporary
directory and the copy is started on a free port as a hot standby. PostgreSQL refuses to run as
root, so as root the copy belongs to, and runs as, the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Unavailable(Exception):
    """This machine cannot start a replica (the reason says why); the test is skipped."""


@dataclass
class Replica:
    directory: Path
    port: int
    bindir: Path
    runas: list[str]

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=3"

    def query(self, sql: str, dbname: str = "postgres") -> Any:
        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            return conn.execute(sql).fetchone()

    def pg_ctl(self, *args: str) -> None:
        _run([*self.runas, str(self.bindir / "pg_ctl"), "-D", str(self.directory), *args], timeout=30)

    def stop(self) -> None:
        if (self.directory / "postmaster.pid").exists():
            self.pg_ctl("stop", "-m", "immediate", "-w")

    def wait_for(self, primary_lsn: str, seconds: float = 20) -> None:
        """Until the replica has replayed the primary's WAL up to ``primary_lsn``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(psycopg.Error):
                row = self.query(f"SELECT pg_last_wal_replay_lsn() >= '{primary_lsn}'::pg_lsn")
                if row and row[0]:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"the replica did not replay up to {primary_lsn} in {seconds} s")


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        raise Unavailable(f"{' '.join(command[-4:])} failed: {done.stderr.strip()[-400:]}")
    return done


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _runas() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise Unavailable("running as root without runuser to start PostgreSQL as postgres")
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise Unavailable("running as root and there is no postgres user") from exc
    return ["runuser", "-u", "postgres", "--"]


def _bindir(primary: dict[str, Any]) -> Path:
    if str(primary.get("HOST") or "127.0.0.1") not in LOCAL_HOSTS:
        raise Unavailable("the test database is not on this machine")
    with psycopg.connect(host=primary.get("HOST") or "127.0.0.1", port=primary.get("PORT") or 5432,
                         user=primary.get("USER") or "postgres", dbname="postgres") as conn:
        major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
    bindir = Path(f"/usr/lib/postgresql/{major}/bin")
    if not (bindir / "pg_ctl").exists() or not (bindir / "pg_basebackup").exists():
        raise Unavailable(f"PostgreSQL {major} server binaries are missing ({bindir})")
    return bindir


@contextlib.contextmanager
def started(primary: dict[str, Any]) -> Iterator[Replica]:
    """A running hot standby of ``primary`` (a Django ``DATABASES`` entry); removed on exit."""
    bindir, runas = _bindir(primary), _runas()
    directory = Path(tempfile.mkdtemp(prefix="shigongtu-replica-"))
    if runas:
        shutil.chown(directory, "postgres", "postgres")
    directory.chmod(0o700)
    replica = Replica(directory / "data", _free_port(), bindir, runas)
    try:
        _run([*runas, str(bindir / "pg_basebackup"), "-h", str(primary.get("HOST") or "127.0.0.1"),
              "-p", str(primary.get("PORT") or 5432), "-U", str(primary.get("USER") or "postgres"),
              "-D", str(replica.directory), "-X", "stream", "-R", "--checkpoint=fast", "--no-sync"], timeout=120)
        # Debian keeps the configuration outside the data directory: give the copy its own.
        (replica.directory / "postgresql.conf").write_text(
            f"port = {replica.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{directory}'\n"
            "hot_standby = on\nfsync = off\nshared_buffers = 32MB\nwal_receiver_status_interval = 1s\n"
            "log_min_messages = warning\n")
        (replica.directory / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n")
        (replica.directory / "pg_ident.conf").write_text("")
        if runas:
            for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
                shutil.chown(replica.directory / name, "postgres", "postgres")
        replica.pg_ctl("start", "-w", "-t", "30", "-l", str(directory / "replica.log"))
        yield replica
    finally:
        with contextlib.suppress(Unavailable, subprocess.TimeoutExpired):
            replica.stop()
        # The copy is as large as the whole cluster: removed in the background, the tests need not wait.
        subprocess.Popen(["rm", "-rf", str(directory)], start_new_session=True)
