"""Organisation units (城市 → 区/开发区 → 部门、街道、村、企业) and who holds which role where."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def for_user(self, user: Any, action: str = "view") -> OrgUnitQuerySet:
        """Units ``user`` may see (``view``: within any role) or administer (``manage``: within an admin role)."""
        from shigongtu.orgs.access import Scope

        return self.filter(Scope.of(user).unit_q(action))


class OrgUnit(models.Model):
    """A unit of the administrative tree: city, zone, department, town, village or enterprise.

    ``path`` is the materialised chain of ids (``/1/5/12/``) so that "this unit and
    everything below it" is one indexed prefix match, never a recursive walk.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区/开发区")
        DEPARTMENT = "department", _("部门")
        TOWN = "town", _("街道/镇")
        VILLAGE = "village", _("村/社区")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # A unit with history is never deleted: it is deactivated (停用) and drops out of pickers.
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.parent_id and self.parent is not None and self.pk and f"/{self.pk}/" in self.parent.path:
            raise ValueError("a unit cannot be moved under its own descendant")
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id and self.parent is not None else "/"
        path = f"{parent_path}{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            self.depth = path.count("/") - 2
            OrgUnit.objects.filter(pk=self.pk).update(path=path, depth=self.depth)
            if old:
                for child in OrgUnit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.path = path + child.path[len(old):]
                    child.depth = child.path.count("/") - 2
                    OrgUnit.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit (inclusive)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit is ``other`` or below it."""
        return self.path.startswith(other.path)


class Membership(models.Model):
    """A user's role in a unit; it reaches the unit and every unit below it."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("管理员")
        COORDINATOR = "coordinator", _("统筹协调")
        REPORTER = "reporter", _("填报")
        VIEWER = "viewer", _("查看")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the API (接口令牌). Only the SHA-256 of the token is stored.

    A token works until ``expires_at`` (``SHIGONGTU_TOKEN_DAYS`` after issue, 90 by default)
    unless it was revoked (``revoked_at``) first; then the API answers 401.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    def is_usable(self, now: Any) -> bool:
        """Neither revoked nor past its expiry at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
