"""The evidence API: upload, list, download, watermark and delete a record's files, within scope."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shigongtu.audit.models import AuditEntry
from shigongtu.evidence.models import Attachment
from shigongtu.projects.models import Project
from tests.evidence.conftest import evidence_store, site_project  # noqa: F401 (fixtures)
from tests.evidence.photos import PDF, SITE, jpeg
from tests.evidence.test_services import FAR, JUNE_15, june_report


def test_a_reporter_uploads_and_everyone_in_the_plan_lists(cast: Any, site_project: Project) -> None:  # noqa: F811
    report = june_report(site_project)
    url = f"/api/v1/attachments/investment/{report.pk}"
    files = [SimpleUploadedFile("现场.jpg", jpeg(JUNE_15, SITE)), SimpleUploadedFile("别处.jpg", jpeg(JUNE_15, FAR))]
    response = cast.client("reporter").post(url, {"files": files})
    assert response.status_code == 201, response.content
    assert [a["verdict"] for a in response.json()] == ["valid", "mismatch"]
    listed = cast.client("viewer").get(url).json()
    assert [a["name"] for a in listed] == ["现场.jpg", "别处.jpg"] and len(listed[0]["sha256"]) == 64
    assert cast.client("outsider").get(url).status_code == 404


def test_a_file_whose_content_does_not_match_is_refused_with_422(cast: Any, site_project: Project) -> None:  # noqa: F811
    report = june_report(site_project)
    response = cast.client("reporter").post(f"/api/v1/attachments/investment/{report.pk}",
                                            {"files": [SimpleUploadedFile("伪装.jpg", PDF)]})
    assert response.status_code == 422
    assert response.json()["detail"][0] == {"message": response.json()["detail"][0]["message"], "field": "file",
                                            "value": "伪装.jpg"}
    assert not Attachment.objects.exists()


def test_download_watermark_and_delete(cast: Any, site_project: Project) -> None:  # noqa: F811
    report = june_report(site_project)
    cast.client("reporter").post(f"/api/v1/attachments/investment/{report.pk}",
                                 {"files": [SimpleUploadedFile("现场.jpg", jpeg(JUNE_15, SITE))]})
    a = Attachment.objects.get()
    body = cast.client("viewer").get(f"/api/v1/attachment-files/{a.pk}")
    assert body.status_code == 200 and b"".join(body.streaming_content).startswith(b"\xff\xd8")
    marked = cast.client("viewer").get(f"/api/v1/attachment-files/{a.pk}/watermarked")
    assert marked.status_code == 200 and marked.content.startswith(b"\xff\xd8")
    assert cast.client("outsider").get(f"/api/v1/attachment-files/{a.pk}").status_code == 404
    assert cast.client("viewer").delete(f"/api/v1/attachment-files/{a.pk}").status_code == 403
    assert cast.client("reporter").delete(f"/api/v1/attachment-files/{a.pk}").status_code == 204
    assert AuditEntry.objects.filter(object_type="attachment", action="delete").exists()


def test_the_photo_rule_is_set_by_a_coordinator(cast: Any) -> None:
    url = f"/api/v1/plans/{cast.plan.code}/evidence-settings"
    assert cast.client("reporter").put(url, {"photo_required_above": 500}, content_type="application/json"
                                       ).status_code == 403
    response = cast.client("coordinator").put(url, {"photo_required_above": 500}, content_type="application/json")
    assert response.status_code == 200 and response.json()["photo_required_above"] == "500.0000"
    assert cast.client("viewer").get(url).json()["radius_m"] == 500


def test_the_list_costs_the_same_few_queries(cast: Any, site_project: Project,  # noqa: F811
                                             django_assert_max_num_queries: Any) -> None:
    report = june_report(site_project)
    client = cast.client("coordinator")
    client.post(f"/api/v1/attachments/investment/{report.pk}",
                {"files": [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]})
    client.get(f"/api/v1/attachments/investment/{report.pk}")
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/attachments/investment/{report.pk}").json()) == 6
