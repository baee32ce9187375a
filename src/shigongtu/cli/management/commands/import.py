"""``shigongtu import FILE --kind KIND [--plan CODE] [--period YYYY-MM] [--mapping NAME] [--dry-run]
[--create-units] [--sheet NAME] [--json]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.ledgers.engine import annotated_copy, import_ledger
from shigongtu.plans.models import Plan


class Command(ShigongtuCommand):
    help = "Import a ledger (Excel .xlsx/.xls/.ods or CSV); the whole file is applied or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", required=True)
        parser.add_argument("--plan")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--create-units", action="store_true")
        parser.add_argument("--sheet")
        parser.add_argument("--period", help="the month of a ledger whose rows carry none (YYYY-MM)")
        parser.add_argument("--mapping", help="the plan unit's saved column mapping to read the headers by")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--errors-out", help="write a copy of the file with the errors marked (.xlsx)")

    def run(self, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}", returncode=1)
        plan = None
        if options["plan"]:
            plan = Plan.objects.select_related("unit").filter(code=options["plan"]).first()
            if plan is None:
                raise CommandError(f"no plan with code {options['plan']!r}", returncode=1)
        data = path.read_bytes()
        result = import_ledger(data, path.name, options["kind"], plan, None, dry_run=options["dry_run"],
                               create_units=options["create_units"], sheet=options["sheet"],
                               period=options["period"], mapping=options["mapping"])
        if options["errors_out"] and result.errors:
            copy = annotated_copy(data, path.name, result)
            if copy:
                Path(options["errors_out"]).write_bytes(copy)
        doc = result.as_dict()
        if options["json"]:
            self.emit(doc)
        else:
            verb = "would change" if result.dry_run else "changed"
            self.stdout.write(f"{path.name}: {result.created} created, {result.updated} updated, "
                              f"{result.unchanged} unchanged ({verb if result.ok else 'nothing written'})")
            for w in result.warnings:
                sys.stderr.write(f"warning: {w}\n")
        for e in doc["errors"]:
            where = f"row {e['row']}" + (f", column {e['column']}" if e["column"] else "") if e["row"] else "file"
            sys.stderr.write(f"error: {where}: {e['message']} (value: {e['value']!s})\n")
        if not result.ok:
            sys.exit(1)
