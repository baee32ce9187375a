"""``shigongtu restore FILE``: a backup into the empty database ``DATABASE_URL`` names, then ``audit verify``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connections

from shigongtu.audit import backups
from shigongtu.audit.verify import verify_history
from shigongtu.cli.command import ShigongtuCommand, ensure_schema
from shigongtu.cli.management.commands.audit import describe


class Command(ShigongtuCommand):
    help = "Restore a backup into the empty database DATABASE_URL names, then verify the history."
    needs_schema = False  # the database must stay empty until the backup is in

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")

    def run(self, **options: Any) -> None:
        source = Path(options["file"]).resolve()
        try:
            backups.restore(source)
        except (backups.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        connections.close_all()
        ensure_schema()  # a backup from an earlier release comes up to date
        self.stdout.write(f"restored: {source}\n")
        verdict = verify_history()
        self.stdout.write("\n".join(describe(verdict)) + "\n")
        if not verdict.ok:
            sys.exit(1)
