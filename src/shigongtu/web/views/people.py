"""People pages (单位、人员与角色): an admin manages the units, people and roles of their unit and below.

Thin: each POST names an ``action``; the form reads it, orgs.services validates, re-checks scope,
writes and records the change in the history; refusals come back onto the form (422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shigongtu.lib.errors import NotAllowed
from shigongtu.orgs import selectors, services
from shigongtu.orgs.access import MANAGE, scoped
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.web.errors import rejected
from shigongtu.web.forms_people import GrantForm, MoveForm, PasswordForm, PersonForm, RenameForm, UnitForm


def administered(request: HttpRequest) -> QuerySet[OrgUnit]:
    """The units the signed-in person administers (an admin role on them or above); NotAllowed when none."""
    units = OrgUnit.objects.for_user(request.user, MANAGE).order_by("path")
    if not units.exists():
        raise NotAllowed("no admin role")
    return units


def _run(request: HttpRequest, form: Any, write: Callable[[Any], Any], done: str) -> bool:
    """Validate ``form``, call ``write(cleaned_data)`` mapping refusals onto the form; True when written."""
    if not form.is_valid():
        return False
    with rejected(form) as outcome:
        write(form.cleaned_data)
    if outcome.ok:
        messages.success(request, done)
    return outcome.ok


@login_required
@require_http_methods(["GET", "POST"])
def people_home(request: HttpRequest) -> HttpResponse:
    """The unit tree the admin manages, everyone holding a role in it, and the forms to add a unit or a person."""
    units = administered(request)
    action = request.POST.get("action") if request.method == "POST" else None
    unit_form = UnitForm(request.POST if action == "unit" else None, units=units, prefix="unit")
    person_form = PersonForm(request.POST if action == "person" else None, units=units, prefix="person")
    if action == "unit" and _run(request, unit_form, lambda d: services.create_unit(
            d["name"], d["parent"], d["kind"], user=request.user), _("单位已添加。")):
        return redirect("people_web:home")
    if action == "person" and _run(request, person_form, lambda d: services.create_person(
            d["username"], d["unit"], d["role"], d["password"], full_name=d["full_name"], user=request.user),
            _("人员已添加并授予角色。")):
        return redirect("people_web:home")
    persons = selectors.people(units)
    top = min((u.depth for u in units), default=0)
    shown = list(units)
    for u in shown:
        u.rel_depth = min(4, u.depth - top)  # type: ignore[attr-defined]
    status = 422 if action and (unit_form.errors or person_form.errors) else 200
    return render(request, "web/people/home.html", {
        "nav_active": "people", "units": shown, "persons": persons,
        "unit_form": unit_form, "person_form": person_form,
    }, status=status)


def _unit_forms(request: HttpRequest, unit: OrgUnit, units: QuerySet[OrgUnit], action: str | None) -> dict[str, Any]:
    post = request.POST if request.method == "POST" else None
    return {
        "rename_form": RenameForm(post if action == "rename" else None, prefix="rename", initial={"name": unit.name}),
        "move_form": MoveForm(post if action == "move" else None, prefix="move",
                              units=units.exclude(path__startswith=unit.path), initial={"parent": unit.parent_id}),
    }


@login_required
@require_http_methods(["GET", "POST"])
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One unit: rename, move, deactivate; the people holding a role in it, each revocable."""
    unit = scoped(OrgUnit, request.user, MANAGE, pk=unit_id)
    units = administered(request)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _unit_forms(request, unit, units, action)
    here = reverse("people_web:unit", args=[unit.pk])
    written = False
    if action == "rename":
        written = _run(request, forms["rename_form"],
                       lambda d: services.rename_unit(unit, d["name"], user=request.user), _("单位已更名。"))
    elif action == "move":
        written = _run(request, forms["move_form"], lambda d: services.move_unit(unit, d["parent"], user=request.user),
                       _("单位已调整到新的上级单位之下。"))
    elif action in ("deactivate", "activate"):
        services.set_unit_active(unit, action == "activate", user=request.user)
        messages.success(request, _("单位已停用。") if action == "deactivate" else _("单位已启用。"))
        written = True
    elif action == "revoke":
        written = _revoke(request)
    if written:
        return redirect(here)
    memberships = Membership.objects.filter(unit=unit).select_related("user", "unit").order_by("role", "user__username")
    return render(request, "web/people/unit.html", {
        "nav_active": "people", "unit": unit, "path_names": selectors.unit_path_names(unit),
        "memberships": memberships, "children": unit.children.order_by("name"), **forms,
    }, status=422 if action and any(f.errors for f in forms.values()) else 200)


def _revoke(request: HttpRequest) -> bool:
    raw = request.POST.get("membership", "")
    membership = _membership(request, raw)
    with rejected() as outcome:
        services.revoke_role(membership, user=request.user)
    if outcome.ok:
        messages.success(request, _("角色已撤销。"))
    else:
        messages.error(request, outcome.error)
    return True


def _membership(request: HttpRequest, raw: str) -> Membership:
    membership = Membership.objects.select_related("unit", "user").filter(pk=int(raw) if raw.isdigit() else 0).first()
    if membership is None or not OrgUnit.objects.for_user(request.user, MANAGE).filter(pk=membership.unit_id).exists():
        raise Http404
    return membership


def _person_for(request: HttpRequest, user_id: int) -> Any:
    """A person the admin may manage: one holding a role within their units (404 otherwise)."""
    units = administered(request)
    person = get_user_model().objects.filter(pk=user_id, memberships__unit__in=units).distinct().first()
    if person is None:
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """One person: their roles (grant, revoke), a password reset, deactivation."""
    person = _person_for(request, user_id)
    units = administered(request)
    action = request.POST.get("action") if request.method == "POST" else None
    post = request.POST if request.method == "POST" else None
    grant_form = GrantForm(post if action == "grant" else None, units=units, prefix="grant")
    password_form = PasswordForm(post if action == "password" else None, prefix="password")
    written = False
    if action == "grant":
        written = _run(request, grant_form, lambda d: services.grant_role(person, d["unit"], d["role"],
                                                                          user=request.user), _("角色已授予。"))
    elif action == "password":
        written = _run(request, password_form, lambda d: services.reset_password(person, d["password"],
                                                                                 user=request.user), _("密码已重置。"))
    elif action == "revoke":
        written = _revoke(request)
    elif action in ("deactivate", "activate"):
        with rejected() as outcome:
            services.set_person_active(person, action == "activate", user=request.user)
        if outcome.ok:
            messages.success(request, _("账号已停用。") if action == "deactivate" else _("账号已启用。"))
        else:
            messages.error(request, outcome.error)
        written = True
    if written:
        return redirect("people_web:person", user_id=person.pk)
    memberships = Membership.objects.filter(user=person).select_related("unit").order_by("unit__path", "role")
    return render(request, "web/people/person.html", {
        "nav_active": "people", "person": person, "memberships": memberships,
        "grant_form": grant_form, "password_form": password_form,
    }, status=422 if action and (grant_form.errors or password_form.errors) else 200)
