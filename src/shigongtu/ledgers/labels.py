"""What an import says, in the interface language: warnings in Chinese with their English beside
them, and the names of a kind's columns and changed fields as the preview shows them.

Chinese is the platform's own word (the ledger's header); English comes from the translation
catalogue, else from the column's English alias. The user's own headers stay as written.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from shigongtu.ledgers.io import Column

INDICATOR_PREFIX = "指标:"  # a change to an indicator: 指标:<name> (its value), 指标:<name>:<field>


class Said(str):
    """A message in Chinese (the string itself) that also knows its English (``en``)."""

    en: str

    def __new__(cls, zh: str, en: str) -> Said:
        said = super().__new__(cls, zh)
        said.en = en
        return said


def english(language: str | None) -> bool:
    return bool(language and language.startswith("en"))


def in_language(message: str, language: str | None) -> str:
    """``message`` in ``language``: a :class:`Said`'s English when English is asked for."""
    if english(language) and isinstance(message, Said):
        return message.en
    return str(message)


def en(word: str) -> str:
    """The catalogue's English for a platform word (a stage, a status), else the word."""
    with translation.override("en"):
        return gettext(word)


def listed(words: list[str], language: str) -> str:
    return (", " if english(language) else "、").join(words)


@cache
def _columns(kind: Any) -> dict[str, Column]:
    return {c.canonical: c for c in kind.spec.columns}


def column_label(kind: Any, name: str, language: str | None) -> str:
    """A column of ``kind`` as the interface names it: its header in Chinese; in English the
    catalogue's word for it, else its English alias. A header the kind does not know (the
    user's own) is shown as written."""
    if not english(language):
        return name
    said = en(name)
    if said != name:
        return said
    column = _columns(kind).get(name) if kind is not None else None
    alias = next((a for a in column.aliases if a.isascii()), None) if column is not None else None
    return alias[:1].upper() + alias[1:] if alias else name


def change_label(kind: Any, key: str, language: str | None) -> str:
    """A changed field of the preview's change list (the kind's header, a model field it names
    through ``field_headers``, or an indicator's 指标:<name>[:<field>]) in ``language``."""
    headers: dict[str, str] = getattr(kind, "field_headers", {})
    if key.startswith(INDICATOR_PREFIX):
        name, _, field = key.removeprefix(INDICATOR_PREFIX).partition(":")
        label = column_label(kind, headers.get(field, field), language) if field else ""
        if english(language):
            return f"Indicator {name}" + (f" · {label}" if label else "")
        return INDICATOR_PREFIX + name + (f":{label}" if label else "")
    return column_label(kind, headers.get(key, key), language)


YES_NO_EN = {"是": "Yes", "否": "No"}


def value_label(value: Any, language: str | None) -> Any:
    """A changed value as shown: the platform's 是/否 in English; anything else as it is."""
    if english(language) and isinstance(value, str):
        return YES_NO_EN.get(value, value)
    return value
