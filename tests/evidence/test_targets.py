"""Every record type that takes attachments: its files page, upload and scope, and the place check
against its own site (a 督办 item's coordinates, a project's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shigongtu.evidence.models import Attachment
from shigongtu.plans.services import file_report
from shigongtu.projects.models import ApprovalItem, BondExpenditure, BondProject, Project, ProjectProblem
from shigongtu.supervision.models import ItemEvent, SupervisionItem
from tests.conftest import make_user
from tests.evidence.photos import SITE, jpeg

TAKEN = dt.datetime(2023, 6, 15, 10, 0)


def make(kind: str, cast: Any, project: Project) -> int:
    if kind == "node-report":
        return file_report(cast.node("1.1"), "2023-04", {"progress": "40"}, submit=True).pk
    if kind == "approval":
        return ApprovalItem.objects.create(project=project, kind="立项").pk
    if kind == "problem":
        return ProjectProblem.objects.create(project=project, title="征地未完成").pk
    if kind == "supervision-step":
        item = SupervisionItem.objects.create(plan=cast.plan, code="DB-1", title="裸露地面整改", lead_unit=cast.dept,
                                              lng=Decimal(str(SITE[0])), lat=Decimal(str(SITE[1])))
        return ItemEvent.objects.create(item=item, kind=ItemEvent.Kind.PROGRESS, on=dt.date(2023, 6, 15)).pk
    bond = BondProject.objects.create(project=project)
    return BondExpenditure.objects.create(bond=bond, date=dt.date(2023, 6, 1), amount=Decimal(100)).pk


@pytest.mark.parametrize("kind", ["node-report", "approval", "problem", "supervision-step", "bond-expenditure"])
def test_each_record_type_takes_files_within_scope(cast: Any, site_project: Project, kind: str) -> None:
    object_id = make(kind, cast, site_project)
    url = f"/evidence/{kind}/{object_id}/"
    photo = SimpleUploadedFile("现场.jpg", jpeg(TAKEN, SITE), content_type="image/jpeg")
    assert cast.client("reporter").post(url, {"file": [photo]}).status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.object_id, attachment.plan_id) == (kind, object_id, cast.plan.pk)
    # the April node report's photo was taken in June; the other records have no month, only a site
    assert attachment.verdict == ("mismatch" if kind == "node-report" else "valid")
    assert cast.client("viewer").get(url).status_code == 200
    assert cast.client("outsider").get(url).status_code == 404
    assert cast.client("outsider").get(f"/evidence/files/{attachment.pk}").status_code == 404


def test_a_reporter_of_another_front_cannot_upload(cast: Any, site_project: Project) -> None:
    other = make_user("other-reporter", cast.other_dept, "reporter")
    object_id = make("problem", cast, site_project)
    client = Client()
    client.force_login(other)
    photo = SimpleUploadedFile("现场.jpg", jpeg(TAKEN, SITE), content_type="image/jpeg")
    assert client.post(f"/evidence/problem/{object_id}/", {"file": [photo]}).status_code == 403
    assert not Attachment.objects.exists()
