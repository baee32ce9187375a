"""The demo is built through the services only: its whole history verifies, figures and roles alike
(a grant written straight into the table would be a figure without matching history)."""

from __future__ import annotations

import pytest

from shigongtu.audit.verify import verify_history
from shigongtu.demo.build import build


@pytest.mark.django_db
def test_a_freshly_built_demo_passes_audit_verify() -> None:
    build("demo-pass-1")
    verdict = verify_history()
    assert verdict.problems() == []
    assert "角色授权 role grant" in verdict.figures_checked
    assert verdict.ok
