"""The console script's faces of the registry: import, export and the enterprises document."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from tests.enterprises.conftest import HEADER, code, ledger_rows
from tests.ledgers.helpers import xlsx


def test_import_export_and_the_document_through_the_commands(cast, tmp_path, capsys):
    source = tmp_path / "tiers.xlsx"
    source.write_bytes(xlsx(ledger_rows()))
    call_command("import", str(source), "--kind", "enterprises", "--plan", "JY-T", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert (doc["ok"], doc["created"], doc["errors"]) == (True, 4, [])
    out = tmp_path / "out.xlsx"
    call_command("export", "--kind", "enterprises", "--plan", "JY-T", "-o", str(out))
    capsys.readouterr()
    call_command("import", str(out), "--kind", "enterprises", "--plan", "JY-T", "--json")
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    call_command("enterprises", "--plan", "JY-T", "--as-of", "2023-06-30", "--json")
    listing = json.loads(capsys.readouterr().out)
    assert {t["tier"]: t["valid"] for t in listing["tiers"]}["高新技术企业"] == 2


def test_a_bad_file_exits_1_with_the_errors_and_writes_nothing(cast, tmp_path, capsys):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx([HEADER[:5], ["示例", code(3)[:-1] + "0", "高企", "已认定", None]]))
    with pytest.raises(SystemExit) as exc:
        call_command("import", str(source), "--kind", "enterprises", "--plan", "JY-T", "--json")
    assert exc.value.code == 1
    doc = json.loads(capsys.readouterr().out)
    assert not doc["ok"] and {e["column"] for e in doc["errors"]} >= {"统一社会信用代码"}
    call_command("enterprises", "--plan", "JY-T", "--json")
    assert json.loads(capsys.readouterr().out)["enterprises"] == []
