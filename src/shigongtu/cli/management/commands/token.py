"""``shigongtu token create USER [--name N] [--days D]``, ``token list [USER] [--json]``, ``token revoke ID``.

A token is printed once, on creation; the list shows each token's name, dates and whether it
still works, never the token itself. A revoked or expired token answers 401 at once.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.orgs.models import ApiToken
from shigongtu.orgs.services import issue_token, revoke_token, token_rows


class Command(ShigongtuCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None, help="days until it expires (default: setting, 90)")
        listing = sub.add_parser("list")
        listing.add_argument("username", nargs="?")
        listing.add_argument("--json", action="store_true", dest="as_json")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def run(self, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            days = options.get("days")
            if days is not None and not 1 <= days <= 3660:
                raise CommandError("--days must be from 1 to 3660", returncode=2)
            self.stdout.write(issue_token(self._user(options["username"]), options["name"], days))
        elif action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
            if options.get("username"):
                tokens = tokens.filter(user=self._user(options["username"]))
            rows = token_rows(tokens)
            if options.get("as_json"):
                self.stdout.write(json.dumps({"tokens": rows}, ensure_ascii=False))
                return
            for row in rows:
                state = "有效" if row["active"] else ("已吊销" if row["revoked_at"] else "已过期")
                self.stdout.write(f"{row['id']}\t{row['user']}\t{row['name']}\t{state}\t有效期至 {row['expires_at']}")
        else:
            token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(f"no token {options['id']}", returncode=1)
            revoke_token(token)
            self.stdout.write(f"revoked token {token.pk} ({token.name}) of {token.user}")

    @staticmethod
    def _user(username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}", returncode=1)
        return user
