"""The canonical text of keyed entries reads the same whichever database stored it: ``-0.0``,
float exponents, Decimal exponents and Unicode forms are normalised (a hypothesis test on the pure
encoding, and a round trip through the database under test: SQLite, or PostgreSQL's jsonb)."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry
from shigongtu.audit.services import record
from shigongtu.audit.verify import verify_history

texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
numbers = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
                    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(lambda d: d))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                      max_leaves=8)
changes = st.dictionaries(texts, st.tuples(values, values).map(list), max_size=4)


def like_postgres(text: str) -> str:
    """What jsonb hands back: numbers kept as exact decimals (no -0, exponents written out as Python
    would parse them back) — modelled by reading numbers as Decimal and writing ``str(Decimal)``."""
    def out(v):
        if isinstance(v, Decimal):
            return float(v) if "." in str(v) or "E" in str(v) else int(v)
        if isinstance(v, dict):
            return {k: out(x) for k, x in v.items()}
        if isinstance(v, list):
            return [out(x) for x in v]
        return v
    return json.dumps(out(json.loads(text, parse_float=Decimal, parse_int=Decimal)), ensure_ascii=False)


@given(changes)
def test_the_canonical_text_survives_being_read_back(value):
    text = chain.canonical_changes(value)
    assert chain.canonical_changes(json.loads(text)) == text
    assert chain.canonical_changes(json.loads(like_postgres(text))) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_and_its_decimal_digits_read_the_same(x):
    assert chain.number_text(x) == chain.number_text(Decimal(repr(x)))
    assert chain.number_text(-0.0) == chain.number_text(0) == "0"


def test_unicode_forms_and_decimal_exponents_are_normalised():
    nfd = unicodedata.normalize("NFD", "é 施工图")
    assert chain.canonical_changes({nfd: [nfd, Decimal("1E+3")]}) == chain.canonical_changes(
        {"é 施工图": ["é 施工图", Decimal("1000.00")]})


class ReadBackFromTheDatabase(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(changes)
    def test_an_entry_read_back_from_the_database_verifies(self, value):
        record("update", "indicator", 1, value, "张三", "1.1 曲线", "JY-T")
        entry = AuditEntry.objects.order_by("-seq").first()
        assert chain.canonical_changes(entry.changes) == chain.canonical_changes(value)
        verdict = verify_history(figures=False)
        assert verdict.broken is None, verdict.problems()

    def test_negative_zero_and_huge_floats_verify(self):
        record("update", "indicator", 1, {"curve": [[-0.0, 1e30, 1e-7], [0.0, 2.5e16, 0.1]]}, "张三")
        assert verify_history(figures=False).broken is None



rich = st.recursive(
    st.one_of(scalars, st.dates(), st.datetimes(), st.times(), st.decimals(places=None),
              st.text(alphabet="abc_", max_size=4)),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(texts | st.text(alphabet="xyz", max_size=3), inner, max_size=3), max_leaves=10)


@given(st.dictionaries(texts | st.text(alphabet="abc", max_size=3), rich, max_size=5), texts)
def test_the_one_pass_text_equals_the_normal_form_dumped(value, label):
    assert chain.canonical_changes(value) == chain.dump(chain.normal(value))
    entry = chain.entry_text(1, "2023-01-01T00:00:00+00:00", "张三", "create", "enterprise", "7", label, "JY", "{}")
    assert f'"object_label":{json.dumps(unicodedata.normalize("NFC", label))},' in entry


fields = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=6)
dated = st.one_of(scalars, st.dates(), st.datetimes(), st.decimals(allow_nan=True, allow_infinity=True, places=None))
shaped = st.one_of(st.dictionaries(fields, st.tuples(dated, dated).map(list), max_size=5),
                   st.dictionaries(fields, st.one_of(dated, values), max_size=4), changes)


@settings(max_examples=300, deadline=None)
@given(shaped)
def test_the_direct_encoding_of_changes_is_the_generic_one(value):
    assert chain.canonical_changes(value) == chain.dump(chain.normal(value))
