"""``dumpdata`` refuses a dump of the whole database or of the change history: it cannot carry the
history faithfully (Django's JSON cuts every time to milliseconds, so each entry's fingerprint
fails after ``loaddata``). ``shigongtu backup`` / ``restore`` are the verified route. A dump of
other single apps or models (``dumpdata auth.group``) works as in Django."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import dumpdata

REFUSAL = ("dumpdata cannot copy the change history faithfully (times are cut to milliseconds, so every "
           "fingerprint fails `audit verify` after loading). Back up with `shigongtu backup -o FILE` and restore "
           "with `shigongtu restore FILE` (each verified); see README, Production.")


def takes_history(labels: tuple[str, ...] | list[str]) -> bool:
    """Whether a dump of ``labels`` (none: everything) would include the change history."""
    return not labels or any(label.split(".")[0] == "audit" for label in labels)


class Command(dumpdata.Command):
    help = dumpdata.Command.help + " (Not for the whole database: use `shigongtu backup`.)"

    def handle(self, *app_labels: str, **options: Any) -> None:
        if takes_history(app_labels):
            raise CommandError(REFUSAL)
        super().handle(*app_labels, **options)
