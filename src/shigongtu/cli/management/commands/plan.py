"""``shigongtu plan create CODE --name NAME --year YYYY [--org UNIT]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.plans import services


class Command(ShigongtuCommand):
    help = "Manage plans (施工图)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new empty plan")
        create.add_argument("code")
        create.add_argument("--name", required=True)
        create.add_argument("--year", type=int, required=True)
        create.add_argument("--org", default=None, help="org unit name (created if missing)")
        create.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan = services.create_plan(options["code"], options["name"], options["year"], options["org"])
        if options.get("json"):
            self.emit({"ok": True, "plan": plan.code, "name": plan.name, "year": plan.year, "org": plan.unit.name})
        else:
            self.stdout.write(f"created plan {plan.code} ({plan.name}, {plan.year}, {plan.unit.name})")
