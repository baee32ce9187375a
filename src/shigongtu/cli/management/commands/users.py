"""``shigongtu users add USERNAME --unit UNIT --role ROLE [--password-stdin]`` and
``shigongtu users list [--unit UNIT] --json``: people and their roles, without the shell."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.orgs import selectors, services


class Command(ShigongtuCommand):
    help = "Manage people and their roles (人员与角色)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="a person, or one more role for an existing one")
        add.add_argument("username")
        add.add_argument("--unit", required=True, help="the unit's name (or 上级/单位 where two share a name)")
        add.add_argument("--role", required=True, help="admin, coordinator, reporter or viewer")
        add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
        add.add_argument("--name", default="", help="the person's full name (姓名)")
        add.add_argument("--json", action="store_true")
        listing = sub.add_parser("list", help="people and their roles")
        listing.add_argument("--unit", default=None)
        listing.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        if options["action"] == "add":
            self.add(**options)
        else:
            unit = selectors.find_unit(options["unit"]) if options.get("unit") else None
            document = selectors.people_document(selectors.people(unit))
            if options.get("json"):
                self.emit(document)
                return
            for person in document["users"]:
                roles = ", ".join(f"{r['unit']}:{r['role']}" for r in person["roles"]) or "-"
                self.stdout.write(f"{person['username']}\t{roles}")

    @transaction.atomic
    def add(self, **options: Any) -> None:
        """All or nothing: an unknown unit or role, or a password the validators refuse, writes nothing."""
        unit = selectors.find_unit(options["unit"])
        role = services.check_role(options["role"])
        password = None
        if options.get("password_stdin"):
            password = sys.stdin.readline().rstrip("\r\n")
        person = get_user_model().objects.filter(username=options["username"]).first()
        if person is None:
            person = services.create_person(options["username"], unit, role, password, full_name=options["name"])
            created = True
        else:
            if password is not None:
                services.reset_password(person, password)
            services.grant_role(person, unit, role)
            created = False
        if options.get("json"):
            self.emit({"ok": True, "created": created, "username": person.get_username(),
                       "unit": unit.name, "role": role})
        else:
            verb = "created" if created else "updated"
            self.stdout.write(f"{verb} {person.get_username()}: {role} of {unit.name}")
