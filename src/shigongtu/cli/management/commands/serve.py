"""``shigongtu serve [--host H] [--port N]``: gunicorn serving the current database."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand


class Command(ShigongtuCommand):
    help = "Serve the platform with gunicorn (production-style)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SHIGONGTU_WORKERS", "2")))

    def run(self, **options: Any) -> None:
        from django.db import connections
        from gunicorn.app.wsgiapp import run as gunicorn_run

        # The schema check above opened a connection; a forked worker must never inherit it
        # (on PostgreSQL every worker would share one socket and cross each other's results).
        connections.close_all()
        sys.argv = [
            "gunicorn", "shigongtu.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]),
            "--access-logfile", "-",
            "--timeout", str(settings.WORKER_TIMEOUT_S),  # above every bound a request's work has
            "--no-control-socket",  # one fixed socket path per user would collide between instances
            "--config", "python:shigongtu.cli.gunicorn_conf",
        ]
        gunicorn_run()
