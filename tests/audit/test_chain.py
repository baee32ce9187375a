"""The change history: append-only, hash-chained, and tampering is detected."""

from __future__ import annotations

import pytest
from django.db import connection

from shigongtu.audit import chain
from shigongtu.audit.models import AuditEntry
from shigongtu.audit.services import record, verify_chain

TABLE = AuditEntry._meta.db_table


def _history(n=4):
    for i in range(n):
        record("update", "node", i, {"title": [f"旧{i}", f"新{i}"]}, "coord", f"1.{i}", "JY-T")


def test_an_untouched_chain_verifies(db):
    _history()
    count, broken = verify_chain()
    assert (count, broken) == (4, None)


def test_each_entry_links_to_the_previous_hash(db):
    _history(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == chain.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_the_model_refuses_updates_and_deletes(db):
    _history(1)
    entry = AuditEntry.objects.get()
    entry.actor = "mallory"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(actor="mallory")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_an_edited_entry_is_detected_at_its_seq(db):
    _history()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET changes = %s WHERE seq = 2", ['{"title": ["旧1", "改过"]}'])  # noqa: S608
    _, broken = verify_chain()
    assert broken is not None and broken.seq == 2 and "edited" in broken.reason


def test_a_deleted_entry_is_detected(db):
    _history()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE seq = 3")  # noqa: S608
    _, broken = verify_chain()
    assert broken is not None and broken.seq == 3


def test_a_deleted_last_entry_is_detected_through_the_head(db):
    _history()
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    _, broken = verify_chain()
    assert broken is not None and broken.seq == 4


def test_reordered_entries_are_detected(db):
    _history()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET seq = 99 WHERE seq = 2")  # noqa: S608
        cur.execute(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 3")  # noqa: S608
        cur.execute(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 99")  # noqa: S608
    _, broken = verify_chain()
    assert broken is not None and broken.seq == 2


def test_the_pure_verifier_names_a_missing_first_entry():
    payload = {"a": 1}
    h = chain.entry_hash(chain.GENESIS, payload)
    walk = chain.verify([(2, chain.GENESIS, h, payload)])
    assert walk.broken == chain.Break(1, "entry 1 is missing (found 2 next)")
