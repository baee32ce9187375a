"""The console script, as a user runs it: exit codes, JSON-only stdout, contract shapes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "shigongtu", *args], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli")
    result = run(path, "plan", "create", "T-1", "--name", "测试计划", "--year", "2023", "--org", "净月高新区")
    assert result.returncode == 0, result.stderr
    return path


def test_plan_create_then_tree_prints_exactly_one_json_document(workdir):
    result = run(workdir, "tree", "--plan", "T-1", "--as-of", "2023-06-30", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc == {"plan": "T-1", "as_of": "2023-06-30", "nodes": []}


def test_warnings_json_has_the_contract_shape(workdir):
    doc = json.loads(run(workdir, "warnings", "--plan", "T-1", "--as-of", "2023-06-30", "--json").stdout)
    assert doc == {"plan": "T-1", "as_of": "2023-06-30", "warnings": []}


def test_a_duplicate_plan_code_exits_1(workdir):
    result = run(workdir, "plan", "create", "T-1", "--name", "重复", "--year", "2023")
    assert result.returncode == 1
    assert "T-1" in result.stderr


def test_a_usage_error_exits_2(workdir):
    assert run(workdir, "tree", "--json").returncode == 2
    assert run(workdir, "tree", "--plan", "T-1", "--as-of", "June").returncode == 2


def test_an_unknown_plan_exits_1(workdir):
    assert run(workdir, "tree", "--plan", "NOPE", "--json").returncode == 1


def test_audit_verify_passes_on_an_intact_history(workdir):
    result = run(workdir, "audit", "verify")
    assert result.returncode == 0 and "intact" in result.stdout


def test_audit_verify_exits_1_and_names_the_entry_after_tampering(workdir):
    import sqlite3

    db = sqlite3.connect(workdir / "cli.sqlite3")
    db.execute("UPDATE audit_auditentry SET actor = 'mallory' WHERE seq = 1")
    db.commit()
    db.close()
    result = run(workdir, "audit", "verify")
    assert result.returncode == 1
    assert "#1" in result.stderr
