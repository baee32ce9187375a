"""The architecture is a check that can fail: layers (import-linter), module and function sizes."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "shigongtu"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

MODULE_MAX_LINES = 600
FUNCTION_MAX_LINES = 80


def _sources() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_is_over_600_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in _sources() if (n := p.read_text().count("\n")) > MODULE_MAX_LINES}
    assert long == {}


def test_no_function_is_over_80_lines() -> None:
    long = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_MAX_LINES:
                    long[f"{path.relative_to(SRC)}:{node.name}"] = length
    assert long == {}


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"}, check=False)


@pytest.fixture(scope="module")
def copy_of_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(SRC, tree / "src" / "shigongtu", ignore=shutil.ignore_patterns("__pycache__", "static", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_the_layers_hold(copy_of_the_tree: Path) -> None:
    result = _lint(copy_of_the_tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize(("module", "line", "broken"), [
    ("plans/_upward.py", "from shigongtu.web import views\n", "Layers"),
    ("lib/_django.py", "import django.db\n", "import no Django"),
    ("projects/rules/_orm.py", "from django.db import models\n", "import no Django"),
])
def test_an_import_against_the_layers_fails_the_check(copy_of_the_tree: Path, module: str, line: str,
                                                        broken: str) -> None:
    target = copy_of_the_tree / "src" / "shigongtu" / module
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(line)
    try:
        result = _lint(copy_of_the_tree)
    finally:
        target.unlink()
    assert result.returncode == 1
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
