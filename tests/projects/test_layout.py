"""The project library's rooms hold: pure rules, services that never reach up into the bulk
writers, and no import of the services hidden inside a function."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import shigongtu.projects

PROJECTS = Path(shigongtu.projects.__file__).parent
RULES = sorted(p.stem for p in (PROJECTS / "rules").glob("*.py") if p.stem != "__init__")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether the import sits inside a function) for each import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
              for n in ast.walk(f)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in nested))
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in nested) for alias in node.names]
    return found


def test_the_rules_import_no_django():
    modules = ", ".join(f"shigongtu.projects.rules.{name}" for name in RULES)
    code = f"import sys, {modules}; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(PROJECTS.parent.parent)})
    assert out.stdout.strip() == "False"


def test_the_services_never_import_the_bulk_writers():
    for path in (PROJECTS / "services").glob("*.py"):
        assert not [m for m, _ in _imports(path) if m.startswith("shigongtu.projects.bulk")], path.name


def test_nothing_in_the_library_imports_the_services_inside_a_function():
    for path in PROJECTS.rglob("*.py"):
        late = [m for m, inside in _imports(path) if inside and m.startswith("shigongtu.projects.services")]
        assert not late, f"{path.relative_to(PROJECTS)}: {late}"
