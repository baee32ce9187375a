"""``loaddata`` is refused: it writes rows around the services, so nothing it loads is in the change
history and ``audit verify`` names every such figure (and a loaded history fails its fingerprints).
Restore a backup with ``shigongtu restore FILE`` (made by ``shigongtu backup -o FILE``) instead."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import loaddata

REFUSAL = ("loaddata is not supported: it writes rows around the change history, so `audit verify` fails "
           "on what it loads. Restore a backup made by `shigongtu backup -o FILE` with "
           "`shigongtu restore FILE` (into an empty database; verified); see README, Production.")


class Command(loaddata.Command):
    help = "Refused on Shigongtu: restore a backup with `shigongtu restore FILE` instead."

    def handle(self, *fixture_labels: str, **options: Any) -> None:
        raise CommandError(REFUSAL)
