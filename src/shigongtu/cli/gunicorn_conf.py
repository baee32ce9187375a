"""gunicorn settings that ``shigongtu serve`` loads (``--config python:shigongtu.cli.gunicorn_conf``)."""

from __future__ import annotations

from typing import Any


def post_fork(server: Any, worker: Any) -> None:
    """A new worker starts with no database connection of the master's.

    ``serve`` closes every connection before gunicorn forks; this is the guard should anything
    open one again. The inherited socket is dropped, not closed: closing it would end the
    master's session on the server, and sharing it crosses results between workers.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.connection = None
