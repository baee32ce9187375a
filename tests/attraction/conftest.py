from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> Any:
    # Pages keep figures per plan revision; tests reuse plan ids and frozen clocks.
    cache.clear()
    yield
    cache.clear()
