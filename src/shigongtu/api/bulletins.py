"""API for dispatch bulletins (调度通报): list, preview, issue, download.

- ``GET  /plans/{code}/bulletins``                        issued bulletins of the plan (newest first)
- ``GET  /plans/{code}/bulletins/preview?period=``        the live draft's content (every figure)
- ``POST /plans/{code}/bulletins``                        issue a period (coordinators)
- ``GET  /plans/{code}/bulletins/file?period=&format=``   the period's file: as issued, else the draft
- ``GET  /plans/{code}/bulletins/{number}``               one issued bulletin with its content snapshot
- ``GET  /plans/{code}/bulletins/{number}/file?format=``  its stored file, byte for byte as issued

Outsiders get 404, viewers read and download, issuing needs the manage right (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from shigongtu.api.types import Code, Day, Id, Name, Period, Year
from shigongtu.bulletins import services
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.models import Bulletin
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.access import MANAGE, VIEW, scoped
from shigongtu.plans.models import Plan

router = Router(tags=["bulletins"])


class BulletinOut(Schema):
    number: int
    year: int
    period: str
    status: str
    title: str
    issuer: str
    doc_date: dt.date
    issued_at: dt.datetime
    issued_by: str | None
    corrects: int | None
    formats: list[str]

    @staticmethod
    def resolve_issued_by(obj: Bulletin) -> str | None:
        return obj.issued_by.get_username() if obj.issued_by else None

    @staticmethod
    def resolve_corrects(obj: Bulletin) -> int | None:
        return obj.corrects.number if obj.corrects else None

    @staticmethod
    def resolve_formats(obj: Bulletin) -> list[str]:
        return [fmt for fmt in services.FORMATS if obj.digests.get(fmt)]


class BulletinDetail(BulletinOut):
    content: dict[str, Any]


class IssueIn(Schema):
    period: Period
    date: Day | None = None
    issuer: Name | None = None
    correct: bool = False


def _plan(request: HttpRequest, code: str, action: str = VIEW) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


def _listing() -> Any:
    return Bulletin.objects.select_related("issued_by", "corrects").defer("docx", "xlsx", "pdf")


def _file(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@router.get("/plans/{code}/bulletins", response=list[BulletinOut])
def list_bulletins(request: HttpRequest, code: str) -> Any:
    plan = _plan(request, code)
    return _listing().filter(plan=plan).order_by("-year", "-number")


@router.get("/plans/{code}/bulletins/preview")
def preview(request: HttpRequest, code: str, period: Period) -> Any:
    """The draft content of ``period`` computed now: the same figures the files print."""
    plan = _plan(request, code)
    content = build_content(plan, services.read_period(plan, period))
    issued = services.current(plan, services.read_period(plan, period))
    return {"status": "draft", "issued_number": issued.number if issued else None, "content": content.to_dict()}


@router.post("/plans/{code}/bulletins", response={201: BulletinDetail})
def issue(request: HttpRequest, code: str, payload: IssueIn) -> Any:
    plan = _plan(request, code, MANAGE)
    bulletin = services.issue(plan, payload.period, request.user, date=payload.date, issuer=payload.issuer,
                              correct=payload.correct)
    return 201, _listing().get(pk=bulletin.pk)


@router.get("/plans/{code}/bulletins/file")
def period_file(request: HttpRequest, code: str, period: Period, format: Code = "docx", draft: bool = False) -> Any:
    """The period's bulletin file: as issued when it has been, else the live draft."""
    plan = _plan(request, code)
    fmt = services.read_format(format)
    try:
        doc = services.document(plan, services.read_period(plan, period), fmt, draft=draft)
    except services.PdfUnavailable as exc:
        raise InputRejected(f"无法生成PDF：{exc}", field="format", value=fmt) from None
    except services.FileUnavailable as exc:
        raise InputRejected(str(exc), field="format", value=fmt) from None
    return _file(doc.data, fmt, doc.name)


@router.get("/plans/{code}/bulletins/{number}", response=BulletinDetail)
def get_bulletin(request: HttpRequest, code: str, number: Id, year: Year | None = None) -> Any:
    plan = _plan(request, code)
    return get_object_or_404(_listing(), plan=plan, year=year or plan.year, number=number)


@router.get("/plans/{code}/bulletins/{number}/file")
def bulletin_file(request: HttpRequest, code: str, number: Id, format: Code = "docx",
                  year: Year | None = None) -> Any:
    plan = _plan(request, code)
    fmt = services.read_format(format)
    bulletin = get_object_or_404(Bulletin.objects.all(), plan=plan, year=year or plan.year, number=number)
    try:
        data = services.stored_file(bulletin, fmt)
    except services.FileUnavailable as exc:
        raise InputRejected(str(exc), field="format", value=fmt) from None
    return _file(data, fmt, services.filename(plan, bulletin.period, fmt, bulletin.number))
