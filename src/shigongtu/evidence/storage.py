"""Where evidence bytes live: Django's storage named ``evidence`` (settings.STORAGES), never a public URL.

Names are random (``<plan>/<32 hex>.<ext>``), so even a storage that did serve files could not
be walked; downloads go through the scoped views of the pages and the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    return storages["evidence"]


def new_name(plan_id: int, ext: str, suffix: str = "") -> str:
    return f"{plan_id}/{uuid.uuid4().hex}{suffix}.{ext or 'bin'}"


class Saved:
    """The names written during one service call, deleted again if the call fails."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def save(self, name: str, content: IO[bytes]) -> str:
        stored = evidence_storage().save(name, File(content))
        self.names.append(stored)
        return stored


@contextmanager
def written() -> Iterator[Saved]:
    """Track files written inside a transaction: on any error they are removed, so a refused or
    failed write leaves no orphan bytes in storage."""
    saved = Saved()
    try:
        yield saved
    except BaseException:
        storage = evidence_storage()
        for name in saved.names:
            storage.delete(name)
        raise
