"""``shigongtu users add`` / ``users list``: onboarding people without the shell (contract §1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def run(path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{path / 'cli.sqlite3'}"
    return subprocess.run([sys.executable, "-m", "shigongtu", *args], capture_output=True, text=True, cwd=path,
                          env=env, input=stdin, timeout=120, check=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("users")
    assert run(path, "plan", "create", "U-1", "--name", "测试", "--year", "2023", "--org", "净月高新区").returncode == 0
    return path


def users(path: Path, *args: str) -> list[dict[str, Any]]:
    result = run(path, "users", "list", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["users"]  # type: ignore[no-any-return]


def test_users_add_creates_a_person_who_can_then_get_one_more_role(workdir: Path) -> None:
    first = run(workdir, "users", "add", "wang", "--unit", "净月高新区", "--role", "coordinator",
                "--password-stdin", stdin="a-long-passphrase\n")
    assert first.returncode == 0, first.stderr
    again = run(workdir, "users", "add", "wang", "--unit", "净月高新区", "--role", "viewer")
    assert again.returncode == 0, again.stderr
    wang = next(u for u in users(workdir) if u["username"] == "wang")
    assert sorted(wang["roles"], key=lambda r: r["role"]) == [
        {"unit": "净月高新区", "role": "coordinator"}, {"unit": "净月高新区", "role": "viewer"}]


def test_users_list_json_is_one_document_filtered_by_unit(workdir: Path) -> None:
    assert run(workdir, "users", "add", "zhao", "--unit", "净月高新区", "--role", "reporter").returncode == 0
    result = run(workdir, "users", "list", "--unit", "净月高新区", "--json")
    document = json.loads(result.stdout)
    assert set(document) == {"users"}
    assert all({"username", "roles"} <= set(u) for u in document["users"])
    assert "zhao" in [u["username"] for u in document["users"]]


@pytest.mark.parametrize("args, stdin, word", [
    (("--unit", "不存在的单位", "--role", "reporter"), None, "不存在的单位"),
    (("--unit", "净月高新区", "--role", "boss"), None, "boss"),
    (("--unit", "净月高新区", "--role", "reporter", "--password-stdin"), "123\n", "password"),
])
def test_users_add_refuses_bad_input_with_exit_1_and_writes_nothing(workdir: Path, args: tuple[str, ...],
                                                                   stdin: str | None, word: str) -> None:
    result = run(workdir, "users", "add", "nobody", *args, stdin=stdin)
    assert result.returncode == 1
    assert word in result.stderr
    assert "nobody" not in [u["username"] for u in users(workdir)]


def test_a_bad_password_for_an_existing_person_adds_no_role(workdir: Path) -> None:
    assert run(workdir, "users", "add", "qian", "--unit", "净月高新区", "--role", "viewer").returncode == 0
    result = run(workdir, "users", "add", "qian", "--unit", "净月高新区", "--role", "admin", "--password-stdin",
                 stdin="password\n")
    assert result.returncode == 1
    qian = next(u for u in users(workdir) if u["username"] == "qian")
    assert qian["roles"] == [{"unit": "净月高新区", "role": "viewer"}]


def test_the_new_person_signs_in_with_the_password_read_from_stdin(workdir: Path) -> None:
    assert run(workdir, "users", "add", "sun", "--unit", "净月高新区", "--role", "reporter", "--password-stdin",
               stdin="sun-long-passphrase\n").returncode == 0
    check = ("from django.contrib.auth import authenticate;"
             "print(authenticate(username='sun', password='sun-long-passphrase') is not None)")
    result = run(workdir, "shell", "-c", check)
    assert result.stdout.strip().endswith("True"), result.stderr
