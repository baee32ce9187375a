"""API for units, people and roles (单位、人员与角色): the same services and scoping as the people pages.

GET  /people/units                  the units the caller administers (GET /units lists those they can see)
POST /people/units                  a new unit {name, parent (id), kind}
PATCH /people/units/{id}            rename {name}, move {parent}, (de)activate {active}
GET  /people[?unit=id]              people with a role in the caller's units: {"users": [{username, roles}]}
POST /people                        a new person {username, unit, role, password?, full_name?}
POST /people/{username}/roles       grant {unit, role}
DELETE /people/{username}/roles     revoke {unit, role}
POST /people/{username}/password    reset {password}
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from shigongtu.lib.errors import NotAllowed
from shigongtu.orgs import selectors, services
from shigongtu.orgs.access import MANAGE, scoped
from shigongtu.orgs.models import Membership, OrgUnit

router = Router(tags=["people"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent: int | None
    active: bool

    @staticmethod
    def resolve_parent(obj: OrgUnit) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_active(obj: OrgUnit) -> bool:
        return obj.is_active


class UnitIn(Schema):
    name: str
    parent: int
    kind: str = OrgUnit.Kind.DEPARTMENT


class UnitPatch(Schema):
    name: str | None = None
    parent: int | None = None
    active: bool | None = None


class PersonIn(Schema):
    username: str
    unit: int
    role: str
    password: str | None = None
    full_name: str = ""


class RoleIn(Schema):
    unit: int
    role: str


class PasswordIn(Schema):
    password: str


def _units(request: HttpRequest) -> Any:
    units = OrgUnit.objects.for_user(request.user, MANAGE)
    if not units.exists():
        raise NotAllowed("no admin role")
    return units


def _unit(request: HttpRequest, pk: int) -> OrgUnit:
    return scoped(OrgUnit, request.user, MANAGE, pk=pk)


def _person(request: HttpRequest, username: str) -> Any:
    person = (get_user_model().objects.filter(username=username, memberships__unit__in=_units(request))
              .distinct().first())
    if person is None:
        raise Http404
    return person


@router.get("/people/units", response=list[UnitOut])
def list_units(request: HttpRequest) -> Any:
    return list(_units(request).order_by("path"))


@router.post("/people/units", response={201: UnitOut})
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    parent = _unit(request, payload.parent)
    return 201, services.create_unit(payload.name, parent, payload.kind, user=request.user)


@router.patch("/people/units/{unit_id}", response=UnitOut)
def change_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    unit = _unit(request, unit_id)
    with transaction.atomic():  # all the asked changes, or none
        if payload.name is not None:
            unit = services.rename_unit(unit, payload.name, user=request.user)
        if payload.parent is not None:
            unit = services.move_unit(unit, _unit(request, payload.parent), user=request.user)
        if payload.active is not None:
            unit = services.set_unit_active(unit, payload.active, user=request.user)
    return unit


@router.get("/people")
def list_people(request: HttpRequest, unit: int | None = None) -> Any:
    within: Any = _unit(request, unit) if unit is not None else _units(request)
    return selectors.people_document(selectors.people(within))


@router.post("/people", response={201: dict})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    unit = _unit(request, payload.unit)
    person = services.create_person(payload.username, unit, payload.role, payload.password,
                                    full_name=payload.full_name, user=request.user)
    return 201, {"username": person.get_username(), "roles": [{"unit": unit.name, "role": payload.role}]}


@router.post("/people/{username}/roles", response={201: dict})
def grant_role(request: HttpRequest, username: str, payload: RoleIn) -> Any:
    person = _person(request, username)
    membership = services.grant_role(person, _unit(request, payload.unit), payload.role, user=request.user)
    return 201, {"unit": membership.unit.name, "role": membership.role}


@router.delete("/people/{username}/roles", response={204: None})
def revoke_role(request: HttpRequest, username: str, payload: RoleIn) -> Any:
    person = _person(request, username)
    unit = _unit(request, payload.unit)
    membership = Membership.objects.filter(user=person, unit=unit, role=payload.role).first()
    if membership is None:
        raise Http404
    services.revoke_role(membership, user=request.user)
    return 204, None


@router.post("/people/{username}/password", response={204: None})
def reset_password(request: HttpRequest, username: str, payload: PasswordIn) -> Any:
    services.reset_password(_person(request, username), payload.password, user=request.user)
    return 204, None
