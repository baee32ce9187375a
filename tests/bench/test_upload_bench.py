"""The upload benchmark runs end to end on a small photo and cleans up after itself."""

from __future__ import annotations

from typing import Any

from shigongtu.bench import upload
from shigongtu.evidence.models import Attachment
from shigongtu.plans.models import Plan


def test_it_times_uploads_and_leaves_nothing(db: Any, settings: Any) -> None:
    figures = upload.run({"rounds": 2, "megabytes": 0.3})
    assert figures["upload_wall"]["n"] == 2 and figures["verdicts"] == ["valid"]
    assert figures["photo_bytes"] > 100_000
    assert not Attachment.objects.exists() and not Plan.objects.filter(code__startswith="BENCH-UP").exists()
