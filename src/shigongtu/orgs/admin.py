"""Organisations and people in the back office, and the scoping every back-office list shares.

A staff user who is not a superuser sees in the back office exactly what the pages show them:
the rows of the plans and units their roles reach (``orgs.access``), never another zone's.
Memberships (roles) and API tokens are read-only here: roles are granted on the people pages,
the API or ``shigongtu users add``, which record every grant in the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from shigongtu.orgs.access import VIEW, Scope
from shigongtu.orgs.models import ApiToken, Membership, OrgUnit
from shigongtu.utilities.admin import ReadOnlyAdmin


class ScopedAdmin(admin.ModelAdmin):
    """A back-office list narrowed to the user's reach, with the same scoping as the pages.

    How a row reaches the org tree, first that applies: ``scope_plan`` (a lookup prefix to its
    plan, ``""`` for a plan itself, e.g. ``"plan__"``), ``scope_unit`` (a lookup to its org unit,
    e.g. ``"unit"``), else the model queryset's own ``for_user``; a model reaching neither is
    shown to superusers only. A staff member with a role may view; Django permissions still add
    rights on top for the models that are editable here.
    """

    scope_plan: str | None = None
    scope_unit: str | None = None

    def scope_q(self, scope: Scope, request: HttpRequest) -> Q | None:
        """The filter for a non-superuser, or None when the model has no reach to the org tree."""
        if self.scope_plan is not None:
            return scope.plan_q(VIEW, self.scope_plan)
        if self.scope_unit is not None:
            return Q(**{f"{self.scope_unit}__in": OrgUnit.objects.filter(scope.unit_q(VIEW)).values("pk")})
        return None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        user = request.user
        if getattr(user, "is_superuser", False):
            return qs
        scope = Scope.of(user)
        q = self.scope_q(scope, request)
        if q is not None:
            return qs.filter(q).distinct()
        if hasattr(qs, "for_user"):
            return qs.for_user(user, VIEW)
        return qs.none()

    def _has_role(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False)
                    and Scope.of(user).grants)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if super().has_view_permission(request, obj) or self._has_role(request):
            return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._has_role(request)


class ScopedReadOnlyAdmin(ScopedAdmin, ReadOnlyAdmin):
    """An audited model in the back office, scoped: listed and shown within reach, never written here."""


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "kind", "parent", "is_active")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(ScopedReadOnlyAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    scope_unit = "unit"


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedReadOnlyAdmin):
    """Tokens are listed (name, owner, last use) so an operator can see what is in use; the digest is never shown."""

    list_display = ("name", "user", "created_at", "last_used_at")
    exclude = ("digest",)
    scope_unit = "user__memberships__unit"
