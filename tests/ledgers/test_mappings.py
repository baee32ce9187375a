"""A unit's saved column mappings (列对照) renamed and deleted, through the API and the
preview's mapping card, each with its history."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.mappings import delete_mapping, rename_mapping, save_mapping
from shigongtu.ledgers.models import ColumnMapping, ImportRecord
from shigongtu.lib.errors import InputRejected, NotAllowed
from tests.ledgers.helpers import xlsx

NOW = "2023-07-10 10:00 +0800"
URL = "/api/v1/plans/JY-T/ledgers/projects/mappings"
UNKNOWN = [["项目编号", "项目名称", "投资总额"], ["P-1", "长春市算力中心", 500]]


def saved(cast, name="默认"):
    return save_mapping(cast.plan, "projects", {"投资总额": "总投资"}, cast.coordinator, name)


def patch(client, url, body):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def history(mapping_pk):
    return list(AuditEntry.objects.filter(object_type="column_mapping", object_id=str(mapping_pk))
                .order_by("seq").values_list("action", "changes"))


def test_renaming_a_mapping_keeps_its_columns_and_records_the_old_name(cast):
    mapping = rename_mapping(cast.plan, saved(cast), " 县里的表 ", cast.coordinator)
    assert mapping.name == "县里的表" and mapping.mapping == {"投资总额": "总投资"}
    assert history(mapping.pk)[-1] == ("update", {"name": ["默认", "县里的表"]})


@pytest.mark.parametrize("bad", ["", "   ", "长" * 61])
def test_a_blank_or_long_name_is_refused_naming_the_field(cast, bad):
    mapping = saved(cast)
    with pytest.raises(InputRejected) as exc:
        rename_mapping(cast.plan, mapping, bad, cast.coordinator)
    assert exc.value.problems[0].field == "name"
    mapping.refresh_from_db()
    assert mapping.name == "默认"


def test_a_name_already_taken_is_refused(cast):
    saved(cast, "县里的表")
    mapping = saved(cast)
    with pytest.raises(InputRejected):
        rename_mapping(cast.plan, mapping, "县里的表", cast.coordinator)
    assert ColumnMapping.objects.filter(name="默认").exists()


def test_deleting_a_mapping_keeps_what_it_said_in_the_history(cast):
    mapping = saved(cast)
    pk = mapping.pk
    delete_mapping(cast.plan, mapping, cast.coordinator)
    assert not ColumnMapping.objects.exists()
    assert history(pk)[-1] == ("delete", {"mapping": [{"投资总额": "总投资"}, None]})


def test_only_a_manager_renames_or_deletes(cast):
    mapping = saved(cast)
    with pytest.raises(NotAllowed):
        rename_mapping(cast.plan, mapping, "x", cast.viewer)
    with pytest.raises(NotAllowed):
        delete_mapping(cast.plan, mapping, cast.viewer)
    assert ColumnMapping.objects.get().name == "默认"


# -- the API ----------------------------------------------------------------------------------

def test_the_api_renames_and_deletes_a_mapping(cast):
    saved(cast)
    client = cast.client("coordinator")
    response = patch(client, f"{URL}/默认", {"name": "县里的表"})
    assert response.status_code == 200 and response.json()["name"] == "县里的表"
    assert [m["name"] for m in client.get(URL).json()["mappings"]] == ["县里的表"]
    assert client.delete(f"{URL}/县里的表").status_code == 204
    assert client.get(URL).json()["mappings"] == []


def test_the_api_names_a_taken_name_and_a_missing_mapping(cast):
    saved(cast)
    saved(cast, "县里的表")
    client = cast.client("coordinator")
    assert patch(client, f"{URL}/默认", {"name": "县里的表"}).status_code == 422
    assert patch(client, f"{URL}/没有这个", {"name": "x"}).status_code == 404
    assert client.delete(f"{URL}/没有这个").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_only_coordinators_rename_or_delete_through_the_api(cast, role, status):
    saved(cast)
    client = cast.client(role)
    assert patch(client, f"{URL}/默认", {"name": "x"}).status_code == status
    assert client.delete(f"{URL}/默认").status_code == status
    assert ColumnMapping.objects.get().name == "默认"


# -- the preview's mapping card ---------------------------------------------------------------

def _preview(client):
    upload = client.post("/plans/JY-T/ledgers/upload",
                         {"kind": "projects", "file": SimpleUploadedFile("表.xlsx", xlsx(UNKNOWN))})
    return ImportRecord.objects.get(pk=upload.url.rstrip("/").rsplit("/", 1)[1])


@time_machine.travel(NOW)
def test_the_mapping_card_renames_the_mapping_and_checks_the_file_again(cast):
    saved(cast)
    client = cast.client("coordinator")
    record = _preview(client)
    page = client.get(f"/plans/JY-T/ledgers/imports/{record.pk}/").content.decode()
    assert "mapping/rename" in page and "mapping/delete" in page
    response = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/mapping/rename", {"name": "县里的表"})
    assert response.status_code == 302
    again = ImportRecord.objects.latest("pk")
    assert again.pk != record.pk and again.result["reading"]["mapping"] == "县里的表"
    assert client.post(f"/plans/JY-T/ledgers/imports/{again.pk}/apply").status_code == 302
    assert ImportRecord.objects.latest("pk").applied


@time_machine.travel(NOW)
def test_the_mapping_card_says_when_a_name_is_taken(cast):
    saved(cast, "县里的表")
    saved(cast)
    client = cast.client("coordinator")
    record = _preview(client)
    response = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/mapping/rename", {"name": "县里的表"}, follow=True)
    assert "已有名为「县里的表」的列对照" in response.content.decode()
    assert ImportRecord.objects.latest("pk").pk == record.pk


@time_machine.travel(NOW)
def test_the_mapping_card_deletes_the_mapping_and_reads_the_sheet_by_its_headers(cast):
    saved(cast)
    client = cast.client("coordinator")
    record = _preview(client)
    response = client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/mapping/delete")
    assert response.status_code == 302
    assert not ColumnMapping.objects.exists()
    again = ImportRecord.objects.latest("pk")
    assert again.result["reading"]["mapping"] is None
    assert any("投资总额" in w for w in again.result["warnings"])


@pytest.mark.parametrize(("role", "status"), [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_only_coordinators_use_the_mapping_card(cast, role, status):
    saved(cast)
    record = _preview(cast.client("coordinator"))
    client = cast.client(role)
    assert client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/mapping/rename", {"name": "x"}).status_code == status
    assert client.post(f"/plans/JY-T/ledgers/imports/{record.pk}/mapping/delete").status_code == status
    assert ColumnMapping.objects.get().name == "默认"
