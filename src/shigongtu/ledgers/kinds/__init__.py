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
    # The project library's checklist and special-bond ledgers (前期手续台账, 专项债项目台账).
    for module in ("shigongtu.projects.approval_ledger", "shigongtu.projects.bond_ledger"):
        importlib.import_module(module)
    return KINDS
