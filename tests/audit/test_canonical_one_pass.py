"""The one-pass encoder of an entry's changes writes exactly what ``dump(normal(...))`` writes:
any mix of text (any Unicode form), numbers of every kind, dates, nested lists and mappings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shigongtu.audit import chain

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**40, 10**40), st.floats(), texts,
    st.decimals(places=None), st.dates(), st.datetimes(), st.times(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
                      | st.dictionaries(texts, inner, max_size=3), max_leaves=10)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(texts, values, max_size=5))
def test_the_one_pass_text_is_the_canonical_text(changes: dict[str, object]) -> None:
    assert chain.canonical_changes(changes) == chain.dump(chain.normal(changes))


def test_keys_that_normalise_alike_and_big_integers_agree() -> None:
    changes = {"e\u0301": [1, 2], "é": [Decimal("1E+2"), 10**30 + 1], "d": [dt.date(2023, 6, 30), -0.0]}
    assert chain.canonical_changes(changes) == chain.dump(chain.normal(changes))


flat_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), texts, st.decimals(places=None),
                         st.dates(), st.datetimes(timezones=st.just(dt.UTC)), st.times())


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(texts, st.lists(flat_scalars, max_size=2) | st.tuples(flat_scalars, flat_scalars), max_size=6))
def test_the_usual_flat_entry_goes_through_the_c_encoder_and_reads_the_same(changes: dict[str, object]) -> None:
    assert chain.canonical_changes(changes) == chain.dump(chain.normal(changes))
