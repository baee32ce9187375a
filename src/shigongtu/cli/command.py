"""The base of every ``shigongtu`` command: schema first, clear errors, JSON on stdout."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed


def ensure_schema() -> None:
    """Bring the database schema up to date (idempotent, quiet)."""
    call_command("migrate", verbosity=0, interactive=False)


def parse_as_of(raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--as-of must be YYYY-MM-DD, got {raw!r}", returncode=2) from None


class ShigongtuCommand(BaseCommand):
    """Runs ``run()`` after migrating; InputRejected exits 1 with the problems listed."""

    needs_schema = True
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser("shigongtu", subcommand, **kwargs)

    def handle(self, *args: Any, **options: Any) -> None:
        if self.needs_schema:
            ensure_schema()
        try:
            self.run(**options)
        except InputRejected as exc:
            if options.get("json"):
                self.emit({"ok": False, "errors": [p.as_dict() for p in exc.problems]})
            for p in exc.problems:
                where = p.field or (f"row {p.row} {p.column or ''}".strip() if p.row else "")
                sys.stderr.write(f"error: {where + ': ' if where else ''}{p.message}\n")
            sys.exit(1)
        except NotAllowed as exc:
            sys.stderr.write(f"error: not allowed: {exc}\n")
            sys.exit(1)
        except Conflict as exc:  # someone changed a row while this command worked: nothing was written
            if options.get("json"):
                self.emit({"ok": False, "conflict": True, "current_version": exc.current_version,
                           "errors": [{"message": str(exc)}]})
            sys.stderr.write(f"error: {exc}\n")
            sys.exit(1)

    def run(self, **options: Any) -> None:
        raise NotImplementedError

    def emit(self, document: Any) -> None:
        """Write exactly one JSON document to stdout."""
        try:
            sys.stdout.write(json.dumps(document, ensure_ascii=False, default=_json_default))
            sys.stdout.write("\n")
            sys.stdout.flush()
        except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
