"""Chinese by default, English after the 中文/English switch; every string has its English."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import shigongtu
from tests.web.conftest import HTMX

LOCALE = Path(shigongtu.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plans/JY-T/"})
    assert response.status_code == 302
    return client


def test_pages_are_in_chinese_by_default(cast):
    body = cast.client("coordinator").get("/plans/JY-T/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "施工图列表" in body and "预警" in body
    assert 'value="en"' in body and ">English<" in body


def test_the_language_switch_renders_the_pages_in_english(cast):
    client = english(cast.client("coordinator"))
    body = client.get("/plans/JY-T/?as_of=2023-06-30").content.decode()
    assert '<html lang="en">' in body
    for text in ("Blueprints", "Warnings", "Review", "Sign out", "Task tree", "Lead unit", "Leader in charge",
                 "All tasks", "Lagging", "Overdue only"):
        assert text in body, text
    assert "施工图列表" not in body


def test_the_warnings_and_node_pages_speak_english_too(cast):
    client = english(cast.client("coordinator"))
    warnings = client.get("/plans/JY-T/warnings/?as_of=2023-06-30").content.decode()
    assert "Overdue" in warnings and "Report missing" in warnings
    assert "30 days overdue (due 2023-05-31)" in warnings
    node = client.get("/plans/JY-T/nodes/1.1/").content.decode()
    assert "File a monthly report" in node and "Save draft" in node
    assert "Jun 2023" in node


def test_a_report_filed_in_english_is_confirmed_in_english(cast):
    client = english(cast.client("reporter"))
    response = client.post("/plans/JY-T/nodes/1.1/reports",
                           {"period": "2023-06", "progress": "30", "action": "submit"}, **HTMX)
    assert "The Jun 2023 report was submitted" in response.content.decode()


def test_switching_back_to_chinese(cast):
    client = english(cast.client("viewer"))
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "施工图列表" in client.get("/plans/").content.decode()


def test_model_choices_have_english_names(cast):
    client = english(cast.client("viewer"))
    body = client.get("/plans/").content.decode()
    assert ">Draft<" in body     # the plan's status


def po_entries(text: str) -> list[dict[str, str]]:
    """The .po entries as {keyword: joined string} (msgctxt, msgid, msgid_plural, msgstr, msgstr[0], ...)."""
    entries = []
    for block in text.split("\n\n"):
        entry: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                entry[key] = match.group(2)
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def test_every_message_is_translated_and_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    entries = po_entries(po)
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert untranslated == []
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for entry in entries:
        msgid = entry["msgid"].replace('\\"', '"').replace("\\n", "\n")
        if "msgctxt" in entry:
            found = catalog.pgettext(entry["msgctxt"], msgid)
        elif "msgid_plural" in entry:
            found = catalog.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            found = catalog.gettext(msgid)
        assert found != msgid or entry.get("msgstr") == msgid, f"{msgid!r} is not compiled: run compilemessages"
