"""``shigongtu audit verify``: check the change history's hash chain."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from shigongtu.audit.services import verify_chain
from shigongtu.cli.command import ShigongtuCommand


class Command(ShigongtuCommand):
    help = "Verify the append-only change history."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check the hash chain; exit 1 at the first broken entry")
        verify.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        count, broken = verify_chain()
        if options.get("json"):
            self.emit({"ok": broken is None, "entries": count,
                       "broken": None if broken is None else {"seq": broken.seq, "reason": broken.reason}})
        elif broken is None:
            self.stdout.write(f"ok: {count} entries, chain intact")
        else:
            sys.stderr.write(f"TAMPERED: entry #{broken.seq}: {broken.reason}\n")
        if broken is not None:
            sys.exit(1)
