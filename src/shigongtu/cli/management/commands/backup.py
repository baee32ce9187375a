"""``shigongtu backup -o FILE``: a consistent backup of the current database, then ``audit verify``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from shigongtu.audit import backups
from shigongtu.audit.verify import verify_history
from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands.audit import describe


class Command(ShigongtuCommand):
    help = "Back up the current database while it is in use (SQLite backup API; pg_dump custom format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def run(self, **options: Any) -> None:
        target = Path(options["output"]).resolve()
        try:
            backups.backup(target)
        except (backups.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {target} ({target.stat().st_size:,} bytes)\n")
        if backups.engine() == "sqlite":
            # The copy itself is checked, in a process of its own pointed at it.
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}"}
            done = subprocess.run([sys.executable, "-m", "shigongtu", "audit", "verify"], env=env,
                                  capture_output=True, text=True, check=False)
            self.stdout.write("audit verify (the backup): " + (done.stdout + done.stderr).strip() + "\n")
            ok = done.returncode == 0
        else:
            verdict = verify_history()  # pg_dump's snapshot is the database as it is now
            self.stdout.write("audit verify (the database backed up): " + "\n".join(describe(verdict)) + "\n")
            ok = verdict.ok
        if not ok:
            sys.exit(1)
