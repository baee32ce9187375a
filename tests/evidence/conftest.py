"""Evidence tests: the cast's project at a known site, files kept in a temporary storage."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shigongtu.evidence.services import Upload
from shigongtu.projects.models import Project
from tests.evidence.photos import SITE
from tests.projects.conftest import make_project


@pytest.fixture(autouse=True)
def evidence_store(settings: Any, tmp_path: Path) -> Path:
    """Every test writes its files under its own temporary folder."""
    root = tmp_path / "evidence"
    settings.STORAGES = {**settings.STORAGES, "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"}}}
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def site_project(cast: Any) -> Project:
    return make_project(cast, lng=Decimal(str(SITE[0])), lat=Decimal(str(SITE[1])))


def upload(name: str, data: bytes) -> Upload:
    return Upload(name, len(data), io.BytesIO(data))
