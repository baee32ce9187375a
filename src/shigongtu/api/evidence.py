"""API for evidence (佐证材料): a record's files (list, upload, delete), scoped download, watermarked
photo export, and the plan's photo rule. Kinds: investment, node-report, approval, problem,
supervision-step, bond-expenditure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from shigongtu.api.types import Code, Id, Number, Version
from shigongtu.evidence import selectors, services
from shigongtu.evidence.models import Attachment, EvidenceSettings
from shigongtu.lib.errors import FieldError, InputRejected
from shigongtu.orgs.access import MANAGE, VIEW, scoped
from shigongtu.plans.models import Plan

router = Router(tags=["evidence"])
Kind = Literal["investment", "node-report", "approval", "problem", "supervision-step", "bond-expenditure"]


class AttachmentOut(Schema):
    id: int
    kind: str
    object_id: int
    name: str
    mime: str
    size: int
    sha256: str
    is_photo: bool
    taken_at: dt.datetime | None
    lng: Decimal | None
    lat: Decimal | None
    place_source: str
    verdict: str
    verdict_note: str
    verdict_note_en: str
    uploaded_by: str | None
    uploaded_at: dt.datetime
    has_thumbnail: bool

    @staticmethod
    def resolve_uploaded_by(obj: Attachment) -> str | None:
        return obj.uploaded_by.get_username() if obj.uploaded_by else None

    @staticmethod
    def resolve_has_thumbnail(obj: Attachment) -> bool:
        return bool(obj.thumb)


class SettingsIn(Schema):
    photo_required_above: Number | None = None
    version: Version | None = None


class SettingsOut(Schema):
    plan: str
    photo_required_above: Decimal | None
    radius_m: int
    version: int


@router.get("/attachments/{kind}/{object_id}", response=list[AttachmentOut])
def list_attachments(request: HttpRequest, kind: Kind, object_id: Id) -> Any:
    """A record's files, oldest first, with each photo's site check (valid / mismatch / unverified)."""
    services.target_of(kind, object_id, request.user, VIEW)
    return selectors.attachments_of(kind, object_id)


@router.post("/attachments/{kind}/{object_id}", response={201: list[AttachmentOut]})
def upload(request: HttpRequest, kind: Kind, object_id: Id, files: File[list[UploadedFile]],
           lng: Form[float | None] = None, lat: Form[float | None] = None) -> Any:
    """Attach files (multipart ``files``; ``lng``/``lat``: the device's WGS84 position for photos)."""
    if getattr(request, "upload_too_large", False):
        raise InputRejected(FieldError("文件超过上限", field="files", message_en="the file is over the limit"))
    uploads = [services.Upload(f.name or "upload", f.size or 0, f) for f in files]
    made = services.attach(kind, object_id, uploads, request.user, point=services.browser_point(lng, lat))
    return 201, made


def _attachment(request: HttpRequest, pk: int) -> Attachment:
    attachment = scoped(Attachment.objects.select_related("project", "uploaded_by"), request.user, VIEW, pk=pk)
    services.target_of(attachment.kind, attachment.object_id, request.user, VIEW)
    return attachment


@router.get("/attachment-files/{pk}", response={200: None})
def download(request: HttpRequest, pk: Id, thumb: bool = False) -> Any:
    """The file's bytes (``thumb=true``: its JPEG thumbnail, once made)."""
    attachment = _attachment(request, pk)
    try:
        fh = selectors.open_bytes(attachment, thumb=thumb)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(fh, as_attachment=not thumb, filename=attachment.name,
                        content_type="image/jpeg" if thumb else attachment.mime)


@router.get("/attachment-files/{pk}/watermarked", response={200: None})
def watermarked(request: HttpRequest, pk: Id, lang: Literal["zh", "en"] = "zh") -> Any:
    """A photo as JPEG with its watermark (project, date, place, reporter)."""
    attachment = _attachment(request, pk)
    if not attachment.is_photo:
        raise Http404
    try:
        return HttpResponse(selectors.watermarked(attachment, lang), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404 from None


@router.delete("/attachment-files/{pk}", response={204: None})
def delete(request: HttpRequest, pk: Id) -> Any:
    """Remove a file; the history keeps its name and sha256."""
    services.remove(_attachment(request, pk), request.user)
    return 204, None


def _settings_doc(plan: Plan) -> dict[str, Any]:
    from django.conf import settings

    row = EvidenceSettings.objects.filter(plan=plan).first()
    return {"plan": plan.code, "photo_required_above": row.photo_required_above if row else None,
            "radius_m": settings.EVIDENCE_RADIUS_M, "version": row.version if row else 1}


@router.get("/plans/{code}/evidence-settings", response=SettingsOut)
def get_settings(request: HttpRequest, code: Code) -> Any:
    """The plan's photo rule: above how many 万元 a month's investment needs a 现场有效 photo."""
    return _settings_doc(scoped(Plan, request.user, VIEW, code=code))


@router.put("/plans/{code}/evidence-settings", response=SettingsOut)
def put_settings(request: HttpRequest, code: Code, payload: SettingsIn) -> Any:
    plan = scoped(Plan, request.user, MANAGE, code=code)
    services.save_settings(plan, payload.photo_required_above, request.user, expected_version=payload.version)
    return _settings_doc(plan)
