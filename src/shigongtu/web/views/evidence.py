"""Evidence pages: a record's files (list, upload, delete), scoped downloads, watermarked photo export,
and the phone report form (手机填报) for a project owner."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shigongtu.evidence import selectors, services
from shigongtu.evidence.models import Attachment, EvidenceSettings
from shigongtu.evidence.targets import Target
from shigongtu.lib.errors import FieldError, InputRejected, NotAllowed
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, scoped
from shigongtu.web.errors import rejected
from shigongtu.web.views.common import plan_for, plan_nav

TOO_LARGE = "upload_too_large"


def uploads_of(request: HttpRequest, field: str = "file") -> list[services.Upload]:
    """The files of a multipart POST; a file the streaming limit dropped is refused by name."""
    if getattr(request, TOO_LARGE, False):
        limit = settings.EVIDENCE_MAX_BYTES // 2**20
        raise InputRejected(FieldError(f"文件超过上限 {limit} MB", field="file",
                                       message_en=f"the file is over the limit of {limit} MB"))
    return [services.Upload(f.name or "upload", f.size or 0, f) for f in request.FILES.getlist(field)]


def _page_of(target: Target, obj: Any) -> str:
    """Where the record itself is shown (the link back from its files)."""
    if target.kind == "node-report":
        return reverse("web:node", args=[obj.node.plan.code, obj.node.code])
    if target.kind == "supervision-step":
        return reverse("supervision_web:detail", args=[obj.item.plan.code, obj.item.code])
    project = target.project(obj)
    return reverse("projects_web:detail", args=[project.plan.code, project.code]) if project else "/"


def _plan_nav_of(request: HttpRequest, target: Any, obj: Any) -> dict[str, Any]:
    """The plan's left navigation for a record's files, so that the way back is always on screen."""
    if target.kind == "node-report":
        return plan_nav(request, obj.node.plan, "tree")
    if target.kind == "supervision-step":
        return plan_nav(request, obj.item.plan, "supervision")
    project = target.project(obj)
    return plan_nav(request, project.plan, "projects") if project else {}


def _may(user: Any, kind: str, object_id: int, action: str) -> bool:
    try:
        services.target_of(kind, object_id, user, action)
    except (Http404, NotAllowed):
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def attachment_list(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    """A record's files: list with photo verdicts, upload (report right), delete (uploader/coordinator)."""
    target, obj = services.target_of(kind, object_id, request.user, VIEW)
    status, error = 200, ""
    if request.method == "POST":
        with rejected() as outcome:
            point = services.browser_point(request.POST.get("lng"), request.POST.get("lat"))
            made = services.attach(kind, object_id, uploads_of(request), request.user, point=point)
        if outcome.ok:
            request.session["evidence_notice"] = _("已上传 %(n)d 个文件") % {"n": len(made)}
            return redirect(request.path)
        status, error = outcome.status, outcome.error
    return render(request, "web/evidence/list.html", {
        **_plan_nav_of(request, target, obj),
        "target": target, "obj": obj, "label": target.label(obj), "back": _page_of(target, obj),
        "files": selectors.attachments_of(kind, object_id), "error": error,
        "notice": request.session.pop("evidence_notice", ""),
        "can_upload": _may(request.user, kind, object_id, REPORT), "english": (get_language() or "").startswith("en"),
        "accept": ",".join(f".{e}" for e in settings.EVIDENCE_EXTENSIONS),
    }, status=status)


def _attachment(request: HttpRequest, pk: int) -> Attachment:
    """The file if the user may see its plan *and* its record (a reporter of another front: 404)."""
    attachment = scoped(Attachment.objects.select_related("project", "uploaded_by"), request.user, VIEW, pk=pk)
    services.target_of(attachment.kind, attachment.object_id, request.user, VIEW)
    return attachment


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file as uploaded (``?thumb=1``: its thumbnail, shown inline), never from a public path."""
    attachment = _attachment(request, pk)
    thumb = request.GET.get("thumb") == "1"
    try:
        fh = selectors.open_bytes(attachment, thumb=thumb)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(fh, as_attachment=not thumb, filename=attachment.name,
                            content_type="image/jpeg" if thumb else attachment.mime)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def watermarked(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo exported with its watermark (project, date, place, reporter)."""
    attachment = _attachment(request, pk)
    if not attachment.is_photo:
        raise Http404
    try:
        data = selectors.watermarked(attachment, get_language() or "zh")
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    stem = attachment.name.rsplit(".", 1)[0]
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stem + '-watermark.jpg')}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a file (the history keeps its name and sha256)."""
    attachment = _attachment(request, pk)
    back = reverse("evidence_web:list", args=[attachment.kind, attachment.object_id])
    with rejected() as outcome:
        services.remove(attachment, request.user)
    request.session["evidence_notice"] = _("已删除附件") if outcome.ok else outcome.error
    return redirect(back)



@login_required
@require_http_methods(["GET", "POST"])
def evidence_settings(request: HttpRequest, code: str) -> HttpResponse:
    """The plan's photo rule (coordinators): above how many 万元 a month's investment needs a 现场有效 photo."""
    plan = plan_for(request, code, MANAGE)
    row = EvidenceSettings.objects.filter(plan=plan).first()
    stored = row.photo_required_above if row else None
    value = f"{stored.normalize():f}" if stored is not None else ""
    status, error = 200, ""
    if request.method == "POST":
        value = request.POST.get("photo_required_above", "").strip()
        version = request.POST.get("version", "")
        with rejected() as outcome:
            services.save_settings(plan, value, request.user,
                                   expected_version=int(version) if version.isdigit() else None)
        if outcome.ok:
            messages.success(request, _("佐证材料设置已保存"))
            return redirect(request.path)
        status, error = outcome.status, outcome.error
    return render(request, "web/evidence/settings.html", {
        **plan_nav(request, plan, "settings"), "plan": plan, "value": value, "version": row.version if row else 1,
        "radius": settings.EVIDENCE_RADIUS_M, "max_mb": settings.EVIDENCE_MAX_BYTES // 2**20,
        "extensions": ("、", ", ")[(get_language() or "").startswith("en")].join(settings.EVIDENCE_EXTENSIONS),
        "error": error}, status=status)
