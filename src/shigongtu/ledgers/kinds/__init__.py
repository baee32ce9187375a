"""The registry of ledger kinds; each app adds its own (``register``)."""

from __future__ import annotations

import importlib
import importlib.util

from shigongtu.ledgers.kinds.base import LedgerKind

KINDS: dict[str, LedgerKind] = {}


def register(kind: LedgerKind) -> LedgerKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> LedgerKind | None:
    load_all()
    return KINDS.get(name)


def load_all() -> dict[str, LedgerKind]:
    from shigongtu.ledgers.kinds import nodes, reports  # noqa: F401

    # Other apps contribute kinds from a ``ledgers`` module of their own.
    for app in ("projects", "bulletins"):
        if importlib.util.find_spec(f"shigongtu.{app}.ledgers") is not None:
            importlib.import_module(f"shigongtu.{app}.ledgers")
    return KINDS
