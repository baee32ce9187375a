"""Writes of evidence: attach a file, remove it, file a month's investment with its photos, and the
plan's photo rule. Each validates everything first, re-checks scope on the target record, writes in
one transaction, records the file's sha256 in the history and removes written bytes if it fails."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.evidence import photos
from shigongtu.evidence.models import Attachment, EvidenceSettings
from shigongtu.evidence.rules import content, photo
from shigongtu.evidence.storage import Saved, new_name, written
from shigongtu.evidence.targets import BY_KIND, Target
from shigongtu.evidence.tasks import make_thumbnail
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed
from shigongtu.lib.geo import Point, in_china
from shigongtu.orgs.access import MANAGE, REPORT, VIEW, require
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services import investment as investment_services

AUDIT_TYPE = "attachment"


@dataclass
class Upload:
    """A file as it arrived: its name, size and a binary file object positioned at the start."""

    name: str
    size: int
    file: IO[bytes]


@dataclass
class Checked:
    upload: Upload
    kind: content.FileType
    ext: str
    sha256: str
    facts: photos.PhotoFacts


def target_of(kind: str, object_id: int, user: Any, action: str) -> tuple[Target, Model]:
    """The target record in the user's reach: 404 when it does not exist or is out of sight, 403
    (``NotAllowed``) when seen but ``action`` is not allowed (a viewer uploading)."""
    target = BY_KIND.get(kind)
    if target is None:
        raise Http404
    obj = target.get(user, VIEW, object_id)
    if obj is None:
        raise Http404
    if action != VIEW and target.get(user, action, object_id) is None:
        raise NotAllowed(f"no {action} right on {kind} {object_id}")
    return target, obj


def check_upload(upload: Upload) -> Checked:
    """Size, type and content of one file (``InputRejected`` naming the file), its sha256 and, for an
    image, its EXIF time and place. Reads the file once, in chunks."""
    head = upload.file.read(content.HEAD_BYTES)
    upload.file.seek(0)
    try:
        kind = content.check_file(upload.name, upload.size, head, allowed=tuple(settings.EVIDENCE_EXTENSIONS),
                                  max_bytes=settings.EVIDENCE_MAX_BYTES)
    except content.FileRefused as exc:
        raise InputRejected([exc.problem]) from None
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.file.read(1 << 20), b""):
        digest.update(chunk)
    upload.file.seek(0)
    facts = photos.read_facts(upload.file) if kind.is_image else photos.PhotoFacts()
    return Checked(upload, kind, content.extension(upload.name), digest.hexdigest(), facts)


def check_uploads(uploads: Sequence[Upload]) -> list[Checked]:
    """Every file checked; all the problems at once."""
    checked: list[Checked] = []
    problems: list[FieldError] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except InputRejected as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputRejected(problems)
    return checked


def browser_point(lng: Any, lat: Any) -> Point | None:
    """The position the page's geolocation sent (WGS84), or None; nonsense → ``InputRejected``."""
    if lng in (None, "") and lat in (None, ""):
        return None
    try:
        point = (float(lng), float(lat))
    except (TypeError, ValueError):
        raise InputRejected(FieldError("定位坐标无法识别", field="lng", value=f"{lng},{lat}",
                                       message_en="the position sent cannot be read")) from None
    if not in_china(*point):
        raise InputRejected(FieldError("定位坐标不在中国境内", field="lng", value=f"{lng},{lat}",
                                       message_en="the position sent is outside China"))
    return point


def _judge(checked: Checked, target: Target, obj: Model,
           point: Point | None) -> tuple[photo.Verdict, str, Point | None]:
    facts = checked.facts
    where, source = (facts.point, Attachment.Source.EXIF) if facts.point else (point, Attachment.Source.BROWSER)
    if where is None:
        source = Attachment.Source.NONE
    taken_on = facts.taken_at.date() if facts.taken_at else None
    verdict = photo.judge(taken_on, where, period=target.period(obj), site=target.site(obj),
                          radius_m=settings.EVIDENCE_RADIUS_M)
    return verdict, source, where


def _store(checked: Checked, target: Target, obj: Model, user: Any, point: Point | None, saved: Saved) -> Attachment:
    plan_id = target.plan_id(obj)
    project = target.project(obj)
    blob = saved.save(new_name(plan_id, checked.ext), checked.upload.file)
    attachment = Attachment(
        plan_id=plan_id, kind=target.kind, object_id=obj.pk, project=project, period=target.period(obj) or "",
        name=checked.upload.name[-255:], blob=blob, size=checked.upload.size, sha256=checked.sha256,
        mime=content.mime_for(checked.ext, checked.kind), is_photo=checked.kind.is_image,
        uploaded_by=user if getattr(user, "pk", None) else None)
    if checked.kind.is_image:
        verdict, source, where = _judge(checked, target, obj, point)
        taken = checked.facts.taken_at
        attachment.taken_at = timezone.make_aware(taken) if taken else None
        if where is not None:
            attachment.lng, attachment.lat = Decimal(f"{where[0]:.7f}"), Decimal(f"{where[1]:.7f}")
        attachment.place_source, attachment.verdict = source, verdict.verdict
        attachment.verdict_note, attachment.verdict_note_en = verdict.note_zh[:500], verdict.note_en[:500]
    attachment.save()
    _record("attach", attachment, target.label(obj), user, {
        "target": [None, f"{target.kind}:{obj.pk}"], "name": [None, attachment.name], "size": [None, attachment.size],
        "sha256": [None, attachment.sha256], "verdict": [None, attachment.verdict or None]})
    if attachment.is_photo:
        # Queued once the transaction commits: the upload answers at once, and a refused write
        # leaves no task (nor, with the immediate backend, a thumbnail) for a row that never was.
        pk = attachment.pk
        transaction.on_commit(lambda: make_thumbnail.enqueue(pk))
    return attachment


def _record(action: str, attachment: Attachment, label: str, user: Any, changes: Mapping[str, Any]) -> None:
    plan = Plan.objects.only("code").get(pk=attachment.plan_id)
    audit.record(action, AUDIT_TYPE, attachment.pk, changes, actor_name(user), label=f"{label} · {attachment.name}",
                 plan_code=plan.code)
    bump_revision(plan)


def attach(kind: str, object_id: int, uploads: Sequence[Upload], user: Any = None,
           point: Point | None = None) -> list[Attachment]:
    """Attach files to a record (佐证材料上传): all checked first, then stored and recorded together;
    a refusal or failure leaves neither rows nor bytes behind."""
    target, obj = target_of(kind, object_id, user, REPORT)
    if not uploads:
        raise InputRejected(FieldError("请选择要上传的文件", field="file", message_en="choose a file to upload"))
    checked = check_uploads(uploads)
    with written() as saved, transaction.atomic():
        target, obj = target_of(kind, object_id, user, REPORT)  # re-checked inside the transaction
        return [_store(c, target, obj, user, point, saved) for c in checked]


def remove(attachment: Attachment, user: Any = None) -> None:
    """Remove a file (删除附件): the uploader or a coordinator with the report right on its record.
    The history keeps its name and sha256; the bytes go once the transaction has committed."""
    target, obj = target_of(attachment.kind, attachment.object_id, user, REPORT)
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if user is not None and attachment.uploaded_by_id != user.pk:
            require(user, Plan.objects.get(pk=attachment.plan_id), MANAGE)
        names = [n for n in (attachment.blob, attachment.thumb) if n]
        _record("delete", attachment, target.label(obj), user, {
            "target": [f"{target.kind}:{obj.pk}", None], "name": [attachment.name, None],
            "sha256": [attachment.sha256, None]})
        attachment.delete()
        transaction.on_commit(lambda: _delete_bytes(names))


def _delete_bytes(names: list[str]) -> None:
    from shigongtu.evidence.storage import evidence_storage

    storage = evidence_storage()
    for name in names:
        storage.delete(name)


def required_above(plan: Plan) -> Decimal | None:
    """The plan's threshold (万元) above which a month's investment needs a 现场有效 photo, or None."""
    return EvidenceSettings.objects.filter(plan=plan).values_list("photo_required_above", flat=True).first()


def _check_photo_rule(report: InvestmentReport) -> None:
    threshold = required_above(report.plan)
    if threshold is None or report.amount <= threshold:
        return
    valid = Attachment.objects.filter(kind="investment", object_id=report.pk, verdict=photo.VALID).exists()
    if not valid:
        raise InputRejected([FieldError(
            f"本月完成投资{report.amount.normalize():f}万元，超过{threshold.normalize():f}万元，需至少一张现场有效照片"
            f"（填报月份内、距项目{settings.EVIDENCE_RADIUS_M}米内拍摄）",
            field="photos", value=str(report.amount),
            message_en=f"a month's investment of {report.amount.normalize():f} (10k yuan) is above "
                       f"{threshold.normalize():f}: at least one valid site photo (taken in the month, within "
                       f"{settings.EVIDENCE_RADIUS_M} m of the project) is required")])


def submit_investment(project: Project, data: Mapping[str, Any], user: Any = None, *, submit: bool = True,
                      expected_version: int | None = None, today: dt.date | None = None,
                      uploads: Sequence[Upload] = (), point: Point | None = None) -> InvestmentReport:
    """File a month's investment report with its photos (业主填报, from the desk or the phone form).

    The report is written by the projects service; the files are attached to it in the same
    transaction; when submitting, the plan's photo rule is then enforced (a month above the
    threshold needs one 现场有效 photo, counting those attached earlier), else nothing is kept.
    """
    checked = check_uploads(uploads)
    with written() as saved, transaction.atomic():
        report = investment_services.submit_investment(project, data, user, submit=submit,
                                                       expected_version=expected_version, today=today)
        if checked:
            target = BY_KIND["investment"]
            report = target.queryset(None, VIEW).get(pk=report.pk)  # None: already scope-checked above
            for c in checked:
                _store(c, target, report, user, point, saved)
        if submit:
            _check_photo_rule(report)
        return report


@transaction.atomic
def save_settings(plan: Plan, photo_required_above: Any, user: Any = None,
                  expected_version: int | None = None) -> EvidenceSettings:
    """Set the plan's photo rule (万元; empty: no photo required)."""
    require(user, plan, MANAGE)
    value: Decimal | None = None
    if photo_required_above not in (None, ""):
        try:
            value = Decimal(str(photo_required_above).replace(",", "").strip())
        except InvalidOperation:
            problem = FieldError("请输入金额（万元）", field="photo_required_above", value=photo_required_above,
                                 message_en="enter an amount (10k yuan)")
            raise InputRejected(problem) from None
        if not value.is_finite() or value < 0:
            raise InputRejected(FieldError("金额不能为负数", field="photo_required_above", value=photo_required_above,
                                           message_en="the amount cannot be negative"))
    row, _ = EvidenceSettings.objects.select_for_update().get_or_create(plan=plan)
    if expected_version is not None and row.version != expected_version:
        raise Conflict("佐证材料设置", row.version)
    changes = audit.diff({"photo_required_above": row.photo_required_above}, {"photo_required_above": value})
    if changes:
        row.photo_required_above = value
        row.version += 1
        row.save()
        audit.record("update", "evidence_settings", row.pk, changes, actor_name(user), label=plan.code,
                     plan_code=plan.code)
        bump_revision(plan)
    return row
