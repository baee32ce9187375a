"""Who receives an event: people holding one of the rule's roles whose reach covers the unit.

A membership reaches its unit and everything below it (orgs.access), so the coordinator of the
zone covers every department of the zone and a department's clerk covers the department.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    user_id: int
    unit_path: str
    role: str


class Directory:
    """Memberships indexed by unit path, so that a province's events find their people fast."""

    def __init__(self, holders: Iterable[Holder], names: dict[str, int] | None = None) -> None:
        self._by_path: dict[str, list[Holder]] = defaultdict(list)
        for h in holders:
            self._by_path[h.unit_path].append(h)
        self._names = names or {}
        self._memo: dict[tuple[str, tuple[str, ...]], tuple[int, ...]] = {}

    def covering(self, unit_path: str, roles: Iterable[str]) -> tuple[int, ...]:
        """The people with one of ``roles`` on ``unit_path`` or one of the units above it, by id."""
        wanted = tuple(sorted(set(roles)))
        memo = self._memo.get((unit_path, wanted))
        if memo is not None:
            return memo
        found: set[int] = set()
        parts = [p for p in unit_path.strip("/").split("/") if p]
        for i in range(1, len(parts) + 1):
            for h in self._by_path.get("/" + "/".join(parts[:i]) + "/", ()):
                if h.role in wanted:
                    found.add(h.user_id)
        out = tuple(sorted(found))
        self._memo[(unit_path, wanted)] = out
        return out

    def on_unit(self, unit_path: str, roles: Iterable[str]) -> tuple[int, ...]:
        """The people with one of ``roles`` on exactly that unit (not above it)."""
        wanted = set(roles)
        return tuple(sorted({h.user_id for h in self._by_path.get(unit_path, ()) if h.role in wanted}))

    def named(self, leader: str) -> tuple[int, ...]:
        """The person whose name is the 责任领导 text (full name or user name), if any."""
        key = normalise(leader)
        return (self._names[key],) if key and key in self._names else ()


def normalise(name: str) -> str:
    """A person's name as compared: whitespace and the demo's （示例） mark ignored."""
    text = "".join(name.split())
    for mark in ("（示例）", "(示例)"):
        text = text.replace(mark, "")
    return text
