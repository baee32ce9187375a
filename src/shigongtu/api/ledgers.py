"""API for ledgers: import (multipart, dry run), export, templates and the import history."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, File, Form, Router
from ninja.files import UploadedFile

from shigongtu.api.types import Code, Limit, Offset, Period
from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.ledgers.mappings import delete_mapping, find_mapping, rename_mapping, save_mapping
from shigongtu.ledgers.models import ColumnMapping, ImportRecord
from shigongtu.ledgers.uploads import read_upload, safe_filename
from shigongtu.orgs.access import MANAGE, VIEW, scoped
from shigongtu.plans.models import Plan
from shigongtu.projects.selectors.filters import FILTER_PARAMS

router = Router(tags=["ledgers"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request: HttpRequest, code: str, action: str) -> Plan:
    return scoped(Plan.objects.select_related("unit"), request.user, action, code=code)


@router.post("/plans/{code}/ledgers/{kind}/import", response={200: dict, 422: dict})
def import_file(request: HttpRequest, code: str, kind: str, file: File[UploadedFile],
                dry_run: Form[bool] = False, create_units: Form[bool] = False,
                sheet: str = Form("", max_length=200), period: str = Form("", max_length=20),
                mapping: str = Form("", max_length=10_000)) -> Any:
    """Upload a ledger; the answer has the contract's import shape (ok, created, updated, unchanged, errors)."""
    plan = _plan(request, code, MANAGE)
    result = import_ledger(read_upload(file), safe_filename(file.name or ""), kind, plan, request.user,
                           dry_run=dry_run,
                           create_units=create_units, sheet=sheet or None, period=period or None,
                           mapping=mapping or None)
    return (200 if result.ok else 422), result.as_dict()


@router.get("/plans/{code}/ledgers/{kind}/export")
def export_file(request: HttpRequest, code: str, kind: str, template: bool = False, front: Code = "",
                period: Period = "") -> HttpResponse:
    plan = _plan(request, code, VIEW)
    # the projects list's filters too (stage, q, industry, level, nature, lead_unit, node, light, as_of)
    filters = {k: v for k, v in (("front", front), ("period", period)) if v}
    filters.update({k: request.GET[k] for k in FILTER_PARAMS if request.GET.get(k)})
    data = export_ledger(kind, plan, request.user, filters, blank=template)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{plan.code}-{kind}.xlsx')}"
    return response


@router.get("/plans/{code}/imports")
def import_history(request: HttpRequest, code: str, limit: Limit = 50, offset: Offset = 0) -> Any:
    plan = _plan(request, code, VIEW)
    rows = ImportRecord.objects.filter(plan=plan).select_related("user").defer("content")
    rows = rows[offset: offset + min(limit, 500)]  # bounded by the types (Limit, Offset)
    return [
        {"id": r.pk, "kind": r.kind, "filename": r.filename, "at": r.at.isoformat(),
         "user": r.user.username if r.user else None, "dry_run": r.dry_run, "ok": r.ok, "applied": r.applied,
         "created": r.created, "updated": r.updated, "unchanged": r.unchanged, "errors": r.error_count}
        for r in rows
    ]


@router.post("/plans/{code}/ledgers/{kind}/mappings", response={200: dict, 422: dict})
def save_column_mapping(request: HttpRequest, code: str, kind: str, payload: dict[str, Any]) -> Any:
    """Save the plan unit's column mapping for a kind: ``{"name": "默认", "columns": {header: column or ""}}``."""
    plan = _plan(request, code, MANAGE)
    mapping = save_mapping(plan, kind, payload.get("columns") or {}, request.user, payload.get("name") or "默认")
    return 200, {"name": mapping.name, "kind": mapping.kind, "columns": mapping.mapping}


@router.get("/plans/{code}/ledgers/{kind}/mappings")
def column_mappings(request: HttpRequest, code: str, kind: str) -> Any:
    """The plan unit's saved column mappings for a kind, latest first."""
    plan = _plan(request, code, VIEW)
    return {"mappings": [{"name": m.name, "columns": m.mapping, "headers": m.headers}
                         for m in ColumnMapping.objects.filter(unit_id=plan.unit_id, kind=kind)]}


def _mapping(plan: Plan, kind: str, name: str) -> ColumnMapping:
    found = find_mapping(plan, kind, name)
    if found is None:
        raise Http404
    return found


@router.patch("/plans/{code}/ledgers/{kind}/mappings/{name}", response={200: dict, 422: dict})
def rename_column_mapping(request: HttpRequest, code: str, kind: str, name: str,
                          payload: Body[dict[str, Any]]) -> Any:
    """Rename a saved column mapping: ``{"name": "新名称"}``."""
    plan = _plan(request, code, MANAGE)
    mapping = rename_mapping(plan, _mapping(plan, kind, name), str(payload.get("name") or ""), request.user)
    return 200, {"name": mapping.name, "kind": mapping.kind, "columns": mapping.mapping}


@router.delete("/plans/{code}/ledgers/{kind}/mappings/{name}", response={204: None})
def delete_column_mapping(request: HttpRequest, code: str, kind: str, name: str) -> Any:
    """Delete a saved column mapping (its history stays)."""
    plan = _plan(request, code, MANAGE)
    delete_mapping(plan, _mapping(plan, kind, name), request.user)
    return 204, None
