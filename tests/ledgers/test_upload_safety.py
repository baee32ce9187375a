"""Uploads: the size limit is checked before reading, file names are sanitised, rejected files kept under a quota."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from shigongtu.ledgers.engine import REJECTED_KEPT
from shigongtu.ledgers.models import ImportRecord


def test_a_file_over_the_limit_is_a_422_naming_file_and_nothing_is_kept(cast, settings):
    settings.LEDGER_MAX_BYTES = 1000
    response = cast.client("coordinator").post("/api/v1/plans/JY-T/ledgers/nodes/import",
                                               {"file": SimpleUploadedFile("big.csv", b"x" * 5000)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "file"
    assert not ImportRecord.objects.exists()


def test_the_page_says_the_file_was_too_large(cast, settings):
    settings.LEDGER_MAX_BYTES = 1000
    response = cast.client("coordinator").post("/plans/JY-T/ledgers/upload",
                                               {"file": SimpleUploadedFile("big.csv", b"x" * 5000), "kind": "nodes"},
                                               follow=True)
    assert "MB" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_a_bidi_file_name_is_stored_sanitised(cast):
    name = "..\\台账\u202excslx.csv"
    cast.client("coordinator").post("/api/v1/plans/JY-T/ledgers/nodes/import",
                                    {"file": SimpleUploadedFile(name, "编号,任务名称\n9,示例\n".encode()),
                                     "dry_run": "true"})
    assert ImportRecord.objects.get().filename == "台账xcslx.csv"


def test_rejected_files_keep_their_bytes_only_for_the_last_few(cast):
    client = cast.client("coordinator")
    for i in range(REJECTED_KEPT + 3):
        client.post("/api/v1/plans/JY-T/ledgers/nodes/import",
                    {"file": SimpleUploadedFile(f"bad{i}.csv", "编号,任务名称\nx.y,\n".encode())})
    rows = list(ImportRecord.objects.filter(ok=False).order_by("pk"))
    assert len(rows) == REJECTED_KEPT + 3
    assert [bool(r.content) for r in rows] == [False] * 3 + [True] * REJECTED_KEPT
