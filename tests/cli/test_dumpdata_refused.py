"""``dumpdata`` of the whole database and ``loaddata`` are refused, pointing to ``backup``/``restore``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shigongtu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("labels", [(), ("audit",), ("audit.AuditEntry",), ("plans", "audit")])
def test_a_dump_that_takes_the_history_is_refused_and_names_backup(cast, labels):
    with pytest.raises(CommandError, match=r"shigongtu backup -o FILE.*shigongtu restore FILE"):
        call_command("dumpdata", *labels, stdout=io.StringIO())


def test_a_dump_of_another_app_still_works(cast):
    out = io.StringIO()
    call_command("dumpdata", "auth.group", stdout=out)
    assert out.getvalue().strip() == "[]"


def test_loaddata_is_refused_and_writes_nothing(cast, tmp_path):
    fixture = tmp_path / "x.json"
    fixture.write_text('[{"model": "auth.group", "pk": 99, "fields": {"name": "x", "permissions": []}}]')
    before = AuditEntry.objects.count()
    with pytest.raises(CommandError, match=r"shigongtu restore FILE"):
        call_command("loaddata", str(fixture))
    from django.contrib.auth.models import Group

    assert not Group.objects.exists() and AuditEntry.objects.count() == before
