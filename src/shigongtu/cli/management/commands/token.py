"""``shigongtu token create USER [--name N]``: an API token, printed once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.orgs.services import issue_token


class Command(ShigongtuCommand):
    help = "Create an API token for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")

    def run(self, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}", returncode=1)
        self.stdout.write(issue_token(user, options["name"]))
