import pytest

from .files import FIXTURES


@pytest.fixture
def xls_projects() -> bytes:
    """A legacy .xls (BIFF8) ledger: title row, merged two-row header, 合计 row; see fixtures/make_xls.py."""
    return (FIXTURES / "projects.xls").read_bytes()
