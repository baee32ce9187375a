"""Reading a project's fields: an empty cell reads as its field's reader reads it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shigongtu.projects import fields
from shigongtu.projects.fields import _BLANK, _READERS, PROJECT_FIELDS, Lookups


@pytest.mark.parametrize("spec", [f for f in PROJECT_FIELDS if f.kind in _BLANK], ids=lambda f: f.name)
def test_an_empty_cell_reads_as_the_fields_own_reader_reads_it(spec):
    look = Lookups(plan=SimpleNamespace(unit=None))  # type: ignore[arg-type]
    read = _READERS[spec.kind](spec, None, True, look, None)
    assert _BLANK[spec.kind] == read
    assert type(_BLANK[spec.kind]) is type(read)


def test_the_shortcut_covers_only_kinds_that_have_a_reader():
    assert set(_BLANK) <= set(_READERS)
    assert "code" not in _BLANK and "stage" not in _BLANK and "nodes" not in _BLANK  # their empty cell says more


def test_an_empty_row_reads_the_same_with_and_without_the_shortcut(monkeypatch):
    plan = SimpleNamespace(unit=None, year=2023)
    look = Lookups(plan=plan)  # type: ignore[arg-type]
    row = {f.header: None for f in PROJECT_FIELDS}
    fast = fields.clean_project(plan, row, look=look)  # type: ignore[arg-type]
    monkeypatch.setattr(fields, "_BLANK", {})
    slow = fields.clean_project(plan, row, look=look)  # type: ignore[arg-type]
    assert fast[0] == slow[0]
    assert [(p.field, p.message) for p in fast[1]] == [(p.field, p.message) for p in slow[1]]
