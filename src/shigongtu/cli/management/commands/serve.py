"""``shigongtu serve [--host H] [--port N] [--no-worker]``: gunicorn serving the current database,
and on the same machine the background-task worker (``db_worker``) as its child, stopped with it."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # prctl(2): a signal the kernel sends the child when its parent dies


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    """The worker is told to stop even if serve itself is killed (SIGKILL) and cannot stop it."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def queue_in_database() -> bool:
    """Whether background tasks are queued in the database (and so need a ``db_worker`` running)."""
    return "django_tasks_db" in str(settings.TASKS["default"]["BACKEND"])


def start_worker() -> subprocess.Popen[bytes]:
    """``shigongtu db_worker`` as a child process of this one (same environment, same database)."""
    return subprocess.Popen([sys.executable, "-m", "shigongtu", "db_worker"],
                            preexec_fn=_die_with_parent)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker: SIGTERM lets it finish the task at hand; SIGKILL after 30 s."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(ShigongtuCommand):
    help = ("Serve the platform with gunicorn (production-style); also runs the background-task worker "
            "unless --no-worker (run `shigongtu db_worker` elsewhere then).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHIGONGTU_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background-task worker (db_worker) with the server")

    def run(self, **options: Any) -> None:
        from django.db import connections
        from gunicorn.app.wsgiapp import run as gunicorn_run

        # The schema check above opened a connection; a forked worker must never inherit it
        # (on PostgreSQL every worker would share one socket and cross each other's results).
        connections.close_all()
        worker = start_worker() if queue_in_database() and not options["no_worker"] else None
        if worker is not None:
            self.stderr.write(f"background-task worker (db_worker) started, pid {worker.pid}")
        sys.argv = [
            "gunicorn", "shigongtu.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]),
            "--access-logfile", "-",
            "--timeout", str(settings.WORKER_TIMEOUT_S),  # above every bound a request's work has
            "--no-control-socket",  # one fixed socket path per user would collide between instances
            "--config", "python:shigongtu.cli.gunicorn_conf",
        ]
        try:
            gunicorn_run()
        finally:
            if worker is not None:
                stop_worker(worker)
