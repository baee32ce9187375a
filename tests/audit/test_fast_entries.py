"""Entries written in bulk hash exactly as the verifier recomputes them from what is stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry
from shigongtu.audit.services import record_many, verify_chain

texts = st.text(max_size=20)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), texts,
                    st.floats(allow_nan=False, allow_infinity=False))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                      max_leaves=8)


@given(seq=st.integers(1, 10**9), actor=texts, action=texts, object_type=texts, object_id=texts, label=texts,
       plan_code=texts, changes=st.dictionaries(texts, values, max_size=5))
def test_an_entry_assembled_from_parts_reads_as_the_canonical_payload(seq, actor, action, object_type, object_id,
                                                                    label, plan_code, changes):
    at = "2023-06-30T08:00:00.123456+00:00"
    payload = {"seq": seq, "at": at, "actor": actor, "action": action, "object_type": object_type,
               "object_id": object_id, "object_label": label, "plan_code": plan_code, "changes": changes}
    text = chain.entry_text(seq, at, actor, action, object_type, object_id, label, plan_code,
                            chain.canonical_changes(changes))
    assert text == chain.payload_text(payload)


def test_decimals_dates_and_tuples_are_stored_as_plain_json_that_verifies(db):
    record_many([
        {"action": "create", "object_type": "project", "object_id": 7, "label": "P-1 “引号”\n项目",
         "plan_code": "JY-2023",
         "changes": {"total_investment": [None, Decimal("2964.2400")], "planned_start": (None, dt.date(2023, 4, 1)),
                     "nested": {"a": [Decimal("1E+3"), dt.datetime(2023, 1, 2, 3, 4, 5)]}}},
        {"action": "update", "object_type": "investment", "object_id": "9", "changes": {}},
    ], "张三")
    first = AuditEntry.objects.get(seq=1)
    assert first.changes == {"total_investment": [None, "2964.24"], "planned_start": [None, "2023-04-01"],
                             "nested": {"a": ["1000", "2023-01-02T03:04:05"]}}
    assert first.object_id == "7" and first.actor == "张三"
    assert verify_chain() == (2, None)


def test_a_large_batch_keeps_seq_contiguous_and_verifies(db):
    record_many(({"action": "import", "object_type": "investment", "object_id": i, "plan_code": "P",
                  "changes": {"amount": [None, Decimal(i) / 100]}} for i in range(12_000)), "导入")
    assert AuditEntry.objects.count() == 12_000
    assert verify_chain() == (12_000, None)


def test_a_history_hashed_in_the_earlier_utf8_form_still_verifies_as_legacy_and_still_catches_edits():
    payload = {"seq": 1, "at": "2023-06-30T08:00:00+00:00", "actor": "张三", "action": "update",
               "object_type": "project", "object_id": "7", "object_label": "P-1 算力中心", "plan_code": "JY-2023",
               "changes": {"name": ["旧名", "新名"]}}
    old_hash = chain.legacy_hash(chain.GENESIS, payload)
    assert old_hash != chain.entry_hash(chain.GENESIS, payload)
    walk = chain.verify([(1, chain.GENESIS, old_hash, payload)], b"key")
    assert (walk.count, walk.legacy, walk.broken) == (1, 1, None)
    edited = {**payload, "changes": {"name": ["旧名", "改过的名"]}}
    assert chain.verify([(1, chain.GENESIS, old_hash, edited)], b"key").broken.seq == 1
