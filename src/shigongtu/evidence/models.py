"""Attachments (附件) and the plan's evidence settings.

One table for every record type that takes files, linked by ``kind`` (the record type's slug in
:data:`shigongtu.evidence.targets.TARGETS`) and ``object_id``, not by six nullable foreign keys:
the targets live in three apps, a new one is one line in that tuple, and scope is never read
through the link (each target is fetched through its own ``for_user`` queryset). ``plan`` and
``project`` are copied from the target when the file is attached, for listing and for the place check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.evidence.rules import photo
from shigongtu.orgs.access import Scope


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def for_user(self, user: Any, action: str = "view") -> AttachmentQuerySet:
        """Attachments of the plans the user may see (``view``) or manage; a reporter's own right to
        add or remove a file is checked on the target record (see ``evidence.services``)."""
        return self.filter(Scope.of(user).plan_q(action, prefix="plan__"))


class Attachment(models.Model):
    """A file attached as evidence (佐证材料) to a report, approval, problem, 督办 step or bond expenditure.

    The bytes are in the ``evidence`` storage under an unguessable name and are only ever served
    through a scoped view. A photo carries what was read from it (EXIF time and GPS, or the
    browser's position) and the verdict of the site check: 现场有效, 照片时间/位置与项目不符, 未核验.
    """

    class Verdict(models.TextChoices):
        VALID = photo.VALID, _("现场有效")
        MISMATCH = photo.MISMATCH, _("照片时间/位置与项目不符")
        UNVERIFIED = photo.UNVERIFIED, _("未核验")

    class Source(models.TextChoices):
        NONE = "", _("无")
        EXIF = "exif", _("照片EXIF")
        BROWSER = "browser", _("浏览器定位")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("对象类型"), max_length=30)
    object_id = models.BigIntegerField(_("对象"))
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    period = models.CharField(_("填报月份"), max_length=7, blank=True)
    name = models.CharField(_("文件名"), max_length=255)
    blob = models.CharField(max_length=200, editable=False)
    thumb = models.CharField(max_length=200, blank=True, editable=False)
    mime = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    is_photo = models.BooleanField(default=False)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=11, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=10, decimal_places=7, null=True, blank=True)
    place_source = models.CharField(_("位置来源"), max_length=10, choices=Source.choices, blank=True)
    verdict = models.CharField(_("现场核验"), max_length=12, choices=Verdict.choices, blank=True)
    verdict_note = models.CharField(max_length=500, blank=True)
    verdict_note_en = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["kind", "object_id", "id"]
        indexes = [models.Index(fields=["kind", "object_id"], name="attachment_target")]

    def __str__(self) -> str:
        return self.name

    @property
    def valid(self) -> bool:
        return self.verdict == self.Verdict.VALID


class EvidenceSettings(models.Model):
    """A plan's evidence rule: a month's investment above ``photo_required_above`` 万元 needs at least
    one 现场有效 photo before it can be submitted (None: no photo is required)."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="+")
    photo_required_above = models.DecimalField(_("需现场照片的月投资额（万元）"), max_digits=18, decimal_places=4,
                                               null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("佐证材料设置")
        verbose_name_plural = _("佐证材料设置")

    def __str__(self) -> str:
        return f"{self.plan_id}"
