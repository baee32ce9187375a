"""Ledger pages: upload → preview (diff and errors) → confirm; exports, templates, import history."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shigongtu.ledgers import kinds as registry
from shigongtu.ledgers import tasks
from shigongtu.ledgers.engine import annotated_copy, export_ledger, import_ledger, in_language, kind_or_error
from shigongtu.ledgers.io import annotated_filename
from shigongtu.ledgers.labels import change_label, column_label, value_label
from shigongtu.ledgers.mappings import delete_mapping, find_mapping, rename_mapping, save_mapping
from shigongtu.ledgers.models import ImportRecord
from shigongtu.ledgers.uploads import read_upload, safe_filename, too_large_message
from shigongtu.lib.errors import InputRejected
from shigongtu.orgs.access import MANAGE, VIEW
from shigongtu.plans.models import Node
from shigongtu.projects.selectors.filters import FILTER_PARAMS
from shigongtu.web.errors import rejected
from shigongtu.web.views import jobs as jobs_views
from shigongtu.web.views.common import may, plan_for, plan_nav

CHANGES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds() -> list[Any]:
    return list(registry.ALL)


def _download(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def ledgers_home(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_for(request, code, VIEW)
    manage = may(request.user, plan, MANAGE)
    history = ImportRecord.objects.filter(plan=plan).select_related("user").defer("content").order_by("-at")
    page = Paginator(history, 20).get_page(request.GET.get("page"))
    kinds = _kinds()
    titles = {k.name: k.title() for k in kinds}
    for r in page.object_list:
        r.kind_title = titles.get(r.kind, r.kind)  # type: ignore[attr-defined]
    fronts = Node.objects.filter(plan=plan, depth=0).select_related("lead_unit").order_by("sort_key")
    return render(request, "web/ledgers/index.html", {
        **plan_nav(request, plan, "ledgers"),
        "kinds": kinds, "manage": manage, "page": page, "fronts": fronts,
        "max_mb": settings.LEDGER_MAX_BYTES // 2**20,
    })


@login_required
@require_POST
def upload(request: HttpRequest, code: str) -> HttpResponse:
    plan = plan_for(request, code, MANAGE)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if upload is None:
        too_large = getattr(request, "upload_too_large", False)
        messages.error(request, too_large_message() if too_large else _("请选择要上传的文件。"))
        return redirect("ledgers_web:home", code=plan.code)
    options: dict[str, Any] = {"create_units": bool(request.POST.get("create_units")),
               "sheet": (request.POST.get("sheet") or "").strip() or None,
               "period": (request.POST.get("period") or "").strip() or None}
    with rejected() as outcome:
        data, name = read_upload(upload), safe_filename(upload.name or "")
        if tasks.in_background(len(data)):  # a large file: checked on the queue, its progress shown
            kind_or_error(kind)  # an unknown kind is refused here, not in the queue
            job = tasks.start_check(plan, request.user, data, name, kind, options)
            return _go(request, jobs_views.next_url(request, plan, job))
        result = import_ledger(data, name, kind, plan, request.user, dry_run=True, **options)
    if not outcome.ok:
        messages.error(request, outcome.error)
        return redirect("ledgers_web:home", code=plan.code)
    return _go(request, reverse("ledgers_web:preview", args=[plan.code, result.record_id]))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """To ``url``: an HTMX upload is told where to go (HX-Redirect), a plain form is redirected."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _record(request: HttpRequest, plan: Any, record_id: int) -> ImportRecord:
    record = ImportRecord.objects.filter(plan=plan, pk=record_id).select_related("user").first()
    if record is None:
        raise Http404
    return record


@login_required
@require_GET
def preview(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    plan = plan_for(request, code, VIEW)
    record = _record(request, plan, record_id)
    result = in_language(record.result, get_language())
    language = get_language()
    changes = Paginator(result.get("changes", []), CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    kind = registry.get(record.kind)
    changes.object_list = [_shown_change(kind, c, language) for c in changes.object_list]
    if result.get("reading"):
        result["reading"] = {**result["reading"], "columns": [
            {**c, "label": column_label(kind, c["field"], language) if c.get("field") else None}
            for c in result["reading"]["columns"]]}
    return render(request, "web/ledgers/preview.html", {
        **plan_nav(request, plan, "ledgers"),
        "record": record, "result": result, "changes": changes, "kind": kind,
        "errors": result.get("errors", [])[:500], "error_total": record.error_count,
        "manage": may(request.user, plan, MANAGE),
        "can_apply": record.dry_run and record.ok and (record.created or record.updated),
        "create_units": bool(result.get("create_units")),
        "fields": [(c.canonical, column_label(kind, c.canonical, language)) for c in kind.spec.columns]
        if kind is not None else [],
    })


def _shown_change(kind: Any, change: dict[str, Any], language: str) -> dict[str, Any]:
    """A change of the preview with its field names and platform words in the interface language
    (``shown``: label, old, new); the user's own values stay as written."""
    shown = [(change_label(kind, name, language), value_label(pair[0], language), value_label(pair[1], language))
             for name, pair in change.get("fields", {}).items()]
    return {**change, "shown": shown}


@login_required
@require_POST
def apply(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """Apply a previewed file: it is checked again as a whole and written all or nothing."""
    plan = plan_for(request, code, MANAGE)
    record = _record(request, plan, record_id)
    if not record.dry_run or not record.ok:
        messages.error(request, _("这份预览不能直接导入，请重新上传。"))
        return redirect("ledgers_web:preview", code=plan.code, record_id=record.pk)
    if tasks.in_background(len(record.content)):  # a large file: imported on the queue, all or nothing
        return jobs_views.started(request, plan, tasks.start_apply(plan, request.user, record))
    result = import_ledger(bytes(record.content), record.filename, record.kind, plan, request.user,
                           create_units=bool(record.result.get("create_units")), sheet=record.result.get("sheet"),
                           period=record.result.get("period"),
                           mapping=(record.result.get("reading") or {}).get("mapping"))
    if result.ok:
        messages.success(request, _("导入完成：新增 %(c)d 条，更新 %(u)d 条，未变 %(n)d 条。") % {
            "c": result.created, "u": result.updated, "n": result.unchanged})
    else:
        messages.error(request, _("数据在预览后发生了变化，导入未执行，请查看新的检查结果。"))
    return redirect("ledgers_web:preview", code=plan.code, record_id=result.record_id)


@login_required
@require_GET
def original(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    plan = plan_for(request, code, VIEW)
    record = _record(request, plan, record_id)
    if not record.content:
        raise Http404  # a rejected file past the quota: only its entry is kept
    return _download(bytes(record.content), record.filename, "application/octet-stream")


@login_required
@require_GET
def errors_file(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """The uploaded workbook with every faulty cell marked and an error sheet."""
    plan = plan_for(request, code, VIEW)
    record = _record(request, plan, record_id)
    data = bytes(record.content)
    if not data:
        raise Http404  # a rejected file past the quota (engine.REJECTED_KEPT): only its entry is kept
    result = import_ledger(data, record.filename, record.kind, plan, None, dry_run=True, keep_record=False,
                           create_units=bool(record.result.get("create_units")), sheet=record.result.get("sheet"),
                           period=record.result.get("period"),
                           mapping=(record.result.get("reading") or {}).get("mapping"))
    copy = annotated_copy(data, record.filename, result)
    if copy is None:
        raise Http404
    return _download(copy, annotated_filename(record.filename, get_language()))


@login_required
@require_GET
def export(request: HttpRequest, code: str) -> HttpResponse:
    """A ledger out (or a blank template), filtered like the pages and scoped to the user."""
    plan = plan_for(request, code, VIEW)
    kind = request.GET.get("kind", "nodes")
    filters = {k: request.GET[k] for k in ("front", "period", *FILTER_PARAMS) if request.GET.get(k)}
    blank = request.GET.get("template") == "1"
    try:
        data = export_ledger(kind, plan, request.user, filters, blank=blank)
    except InputRejected:
        raise Http404 from None
    label = registry.get(kind).title_zh  # type: ignore[union-attr]
    suffix = "模板" if blank else ""
    front = f"-{filters['front']}" if filters.get("front") else ""
    return _download(data, f"{plan.code}{front}-{label}{suffix}.xlsx")


@login_required
@require_POST
def mapping(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """Save the columns as the user mapped them (the unit's 列对照) and check the file again with it."""
    plan = plan_for(request, code, MANAGE)
    record = _record(request, plan, record_id)
    columns = {k.removeprefix("map::"): str(v) for k, v in request.POST.items() if k.startswith("map::")}
    name = (record.result.get("reading") or {}).get("mapping") or _("默认")  # the one in use, else a new one
    try:
        save_mapping(plan, record.kind, columns, request.user, name)
    except InputRejected as exc:
        messages.error(request, "；".join(p.message for p in exc.problems))
        return redirect("ledgers_web:preview", code=plan.code, record_id=record.pk)
    return _recheck(request, plan, record, None)


def _recheck(request: HttpRequest, plan: Any, record: ImportRecord, mapping: str | None) -> HttpResponse:
    """Check the file again (a dry run) under ``mapping`` (None: the unit's latest) and show it."""
    result = import_ledger(bytes(record.content), record.filename, record.kind, plan, request.user, dry_run=True,
                           create_units=bool(record.result.get("create_units")), sheet=record.result.get("sheet"),
                           period=record.result.get("period"), mapping=mapping)
    return redirect("ledgers_web:preview", code=plan.code, record_id=result.record_id)


def _used_mapping(plan: Any, record: ImportRecord) -> Any:
    name = (record.result.get("reading") or {}).get("mapping")
    found = find_mapping(plan, record.kind, name) if name else None
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def mapping_rename(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """Rename the saved column mapping (列对照) this preview used, and check the file again under it."""
    plan = plan_for(request, code, MANAGE)
    record = _record(request, plan, record_id)
    found = _used_mapping(plan, record)
    with rejected() as outcome:
        found = rename_mapping(plan, found, request.POST.get("name", ""), request.user)
    if not outcome.ok:
        messages.error(request, outcome.error)
        return redirect("ledgers_web:preview", code=plan.code, record_id=record.pk)
    messages.success(request, _("列对照已重命名为「%(name)s」。") % {"name": found.name})
    return _recheck(request, plan, record, found.name)


@login_required
@require_POST
def mapping_delete(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """Delete the saved column mapping this preview used, and check the file again without it."""
    plan = plan_for(request, code, MANAGE)
    record = _record(request, plan, record_id)
    found = _used_mapping(plan, record)
    delete_mapping(plan, found, request.user)
    messages.success(request, _("已删除列对照「%(name)s」。") % {"name": found.name})
    return _recheck(request, plan, record, None)
