"""Writes to who-may-do-what: org units (单位), people (人员), roles (角色授权) and API tokens.

Every write validates, re-checks that the acting user administers the unit (an ``admin`` role on
it or above; ``user`` None is a system job such as the CLI), writes in one transaction and
records the change in the hash-chained history. Units with history are never deleted, only
deactivated (停用); a unit always keeps an admin who reaches it once it had one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError, InputRejected, NotAllowed
from shigongtu.orgs.access import Scope
from shigongtu.orgs.models import ApiToken, Membership, OrgUnit

ROLES = tuple(Membership.Role.values)
USERNAME_MAX = 150

log = logging.getLogger(__name__)


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, so a leaked table reveals no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: Any, name: str = "cli", days: int | None = None) -> str:
    """Create an API token (接口令牌) for ``user``; the plain token is shown once and never stored.

    It expires after ``days`` (default: the ``API_TOKEN_DAYS`` setting, 90).
    """
    token = "sgt_" + secrets.token_urlsafe(32)
    days = settings.API_TOKEN_DAYS if days is None else days
    ApiToken.objects.create(user=user, name=name[:100], digest=digest(token),
                            expires_at=timezone.now() + dt.timedelta(days=days))
    return token


# -- helpers -----------------------------------------------------------------------------------

def actor_name(user: Any) -> str:
    return getattr(user, "username", None) or "system"


def require_admin(user: Any, unit: OrgUnit | None) -> None:
    """Refuse unless ``user`` administers ``unit`` (a top-level unit: only a superuser or the system)."""
    if user is None:
        return
    scope = Scope.of(user)
    if unit is None:
        if not scope.superuser:
            raise NotAllowed("only a superuser creates a top-level unit")
        return
    if not scope.can_admin_unit(unit.path):
        raise NotAllowed(f"no admin right on unit {unit.pk}")


def require_admin_of_person(user: Any, person: Any) -> None:
    """Refuse unless every role ``person`` holds lies within units ``user`` administers.

    So a department's admin cannot lock out or re-password a zone official who also
    holds a role in the department.
    """
    if user is None:
        return
    scope = Scope.of(user)
    if scope.superuser:
        return
    if getattr(person, "is_superuser", False):
        raise NotAllowed("a superuser is managed in the back office")
    paths = list(Membership.objects.filter(user=person).values_list("unit__path", flat=True))
    if not paths or not all(scope.can_admin_unit(p) for p in paths):
        raise NotAllowed(f"no admin right on person {person.pk}")


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InputRejected(FieldError("请填写单位名称", field="name", value=name,
                                       message_en="Enter the unit's name"))
    if len(name) > 100:
        raise InputRejected(FieldError("单位名称不能超过100个字符", field="name", value=name,
                                       message_en="The unit's name is at most 100 characters"))
    return name


def _unique_in_parent(name: str, parent: OrgUnit | None, exclude: int | None = None) -> None:
    taken = OrgUnit.objects.filter(parent=parent, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise InputRejected(FieldError(f"上级单位下已有名为“{name}”的单位", field="name", value=name,
                                       message_en=f"The parent unit already has a unit named {name}"))


def _unit_record(action: str, unit: OrgUnit, changes: dict[str, Any], user: Any) -> None:
    audit.record(action, "orgunit", unit.pk, changes, actor_name(user), unit.name)


# -- units -------------------------------------------------------------------------------------

@transaction.atomic
def create_unit(name: str, parent: OrgUnit | None, kind: str = OrgUnit.Kind.DEPARTMENT, user: Any = None) -> OrgUnit:
    """A new unit (单位) under ``parent``: a department, a town, an enterprise, …"""
    name = _clean_name(name)
    if kind not in OrgUnit.Kind.values:
        raise InputRejected(FieldError(f"未知单位类型：{kind}", field="kind", value=kind,
                                       message_en=f"Unknown unit kind: {kind}"))
    require_admin(user, parent)
    _unique_in_parent(name, parent)
    unit = OrgUnit(name=name, parent=parent, kind=kind)
    unit.save()
    _unit_record("create", unit, {"name": [None, name], "kind": [None, kind],
                                  "parent": [None, parent.name if parent else None]}, user)
    return unit


@transaction.atomic
def rename_unit(unit: OrgUnit, name: str, user: Any = None) -> OrgUnit:
    """Give a unit a new name (机构更名); its plans, nodes and roles stay with it."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    name = _clean_name(name)
    require_admin(user, unit)
    if name == unit.name:
        return unit
    _unique_in_parent(name, unit.parent, exclude=unit.pk)
    old = unit.name
    unit.name = name
    unit.save()
    _unit_record("update", unit, {"name": [old, name]}, user)
    return unit


@transaction.atomic
def move_unit(unit: OrgUnit, parent: OrgUnit, user: Any = None) -> OrgUnit:
    """Put a unit (and everything below it) under another parent (机构调整)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    parent = OrgUnit.objects.get(pk=parent.pk)
    require_admin(user, unit)
    require_admin(user, parent)
    if parent.is_within(unit):
        raise InputRejected(FieldError("不能把单位移到它自己或它的下级单位之下", field="parent", value=parent.name,
                                       message_en="A unit cannot be moved under itself or one of its own units"))
    if parent.pk == unit.parent_id:
        return unit
    _unique_in_parent(unit.name, parent, exclude=unit.pk)
    old = unit.parent.name if unit.parent else None
    unit.parent = parent
    unit.save()
    _unit_record("update", unit, {"parent": [old, parent.name]}, user)
    return unit


@transaction.atomic
def set_unit_active(unit: OrgUnit, active: bool, user: Any = None) -> OrgUnit:
    """Deactivate (停用) or reactivate a unit. Never deleted: its plans, reports and history keep pointing at it."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    require_admin(user, unit)
    if unit.is_active != active:
        unit.is_active = active
        unit.save(update_fields=["is_active"])
        _unit_record("update", unit, {"is_active": [not active, active]}, user)
    return unit


# -- people ------------------------------------------------------------------------------------

def check_password(password: str, person: Any = None, field: str = "password") -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), as one refusal naming the field."""
    try:
        validate_password(password, person)
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise InputRejected([FieldError(m, field=field, message_en=m) for m in messages]) from exc


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputRejected(FieldError(f"未知角色：{role}（可选 {'、'.join(ROLES)}）", field="role", value=role,
                                       message_en=f"Unknown role: {role} (one of {', '.join(ROLES)})"))
    return role


def _check_username(username: str) -> str:
    username = (username or "").strip()
    User = get_user_model()
    if not username:
        raise InputRejected(FieldError("请填写用户名", field="username", value=username,
                                       message_en="Enter a username"))
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise InputRejected(FieldError("用户名只能包含字母、数字和 @/./+/-/_", field="username", value=username,
                                       message_en="A username holds only letters, digits and @/./+/-/_")) from exc
    if len(username) > USERNAME_MAX:
        raise InputRejected(FieldError("用户名过长", field="username", value=username,
                                       message_en="The username is too long"))
    if User.objects.filter(username__iexact=username).exists():
        raise InputRejected(FieldError(f"用户名“{username}”已被使用", field="username", value=username,
                                       message_en=f"The username {username} is taken"))
    return username


@transaction.atomic
def create_person(username: str, unit: OrgUnit, role: str, password: str | None = None, *, full_name: str = "",
                  user: Any = None) -> Any:
    """A new person (人员) with a first role in ``unit``. Without a password the account cannot sign in
    until one is set (reset_password)."""
    username = _check_username(username)
    check_role(role)
    require_admin(user, unit)
    User = get_user_model()
    person = User(username=username, first_name=full_name.strip()[:150])
    if password is not None:
        check_password(password, person)
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    audit.record("create", "user", person.pk, {"username": [None, username], "first_name": [None, person.first_name]},
                 actor_name(user), username)
    grant_role(person, unit, role, user=user)
    return person


@transaction.atomic
def reset_password(person: Any, password: str, user: Any = None) -> Any:
    """Set a new password for ``person`` (重置密码), checked by Django's validators. The password itself is
    never recorded; the history says it was reset."""
    require_admin_of_person(user, person)
    check_password(password, person)
    person.set_password(password)
    person.save(update_fields=["password"])
    audit.record("password", "user", person.pk, {"password": ["", "******"]}, actor_name(user), person.username)
    return person


@transaction.atomic
def set_person_active(person: Any, active: bool, user: Any = None) -> Any:
    """Deactivate (停用) or reactivate a person: a deactivated account cannot sign in; its history stays."""
    require_admin_of_person(user, person)
    if person.is_active == active:
        return person
    if not active:
        for membership in Membership.objects.filter(user=person, role=Membership.Role.ADMIN).select_related("unit"):
            _keep_an_admin(membership)
    person.is_active = active
    person.save(update_fields=["is_active"])
    audit.record("update", "user", person.pk, {"is_active": [not active, active]}, actor_name(user), person.username)
    return person


# -- roles -------------------------------------------------------------------------------------

def _membership_label(membership: Membership) -> str:
    return f"{membership.user.get_username()} · {membership.unit.name} · {membership.role}"


@transaction.atomic
def grant_role(person: Any, unit: OrgUnit, role: str, user: Any = None) -> Membership:
    """Give ``person`` a role in ``unit`` (授权); it reaches the unit and everything below it.
    Granting a role the person already holds there changes nothing."""
    check_role(role)
    require_admin(user, unit)
    existing = Membership.objects.filter(user=person, unit=unit, role=role).first()
    if existing is not None:
        return existing
    membership = Membership.objects.create(user=person, unit=unit, role=role)
    audit.record("grant", "membership", membership.pk,
                 {"user": [None, person.get_username()], "unit": [None, unit.name], "role": [None, role],
                  "unit_id": [None, unit.pk]},
                 actor_name(user), _membership_label(membership))
    return membership


def _keep_an_admin(membership: Membership) -> None:
    """Refuse to take away the last admin who reaches the membership's unit (the unit would be unmanageable)."""
    if membership.role != Membership.Role.ADMIN:
        return
    ancestors = membership.unit.ancestor_ids
    others = Membership.objects.filter(role=Membership.Role.ADMIN, unit_id__in=ancestors,
                                       user__is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        name = membership.unit.name
        raise InputRejected(FieldError(f"{membership.user.get_username()} 是“{name}”最后一位管理员，不能移除",
                                       field="role", value=membership.role,
                                       message_en=f"{membership.user.get_username()} is the last admin of {name}; "
                                                  "grant another admin first"))


@transaction.atomic
def revoke_role(membership: Membership, user: Any = None) -> None:
    """Take a role away (撤销授权); the last admin reaching a unit cannot be removed."""
    membership = Membership.objects.select_for_update().select_related("unit", "user").get(pk=membership.pk)
    require_admin(user, membership.unit)
    _keep_an_admin(membership)
    label = _membership_label(membership)
    changes = {"user": [membership.user.get_username(), None], "unit": [membership.unit.name, None],
               "role": [membership.role, None], "unit_id": [membership.unit_id, None]}
    pk = membership.pk
    membership.delete()
    audit.record("revoke", "membership", pk, changes, actor_name(user), label)


def revoke_token(token: ApiToken, by: Any = None) -> ApiToken:
    """Revoke a token (吊销) at once; it answers 401 from then on. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.info("API token %s (%s) of %s revoked by %s", token.pk, token.name, token.user,
                 getattr(by, "username", "") or "the command line")
    return token


def token_rows(tokens: Any) -> list[dict[str, Any]]:
    """Tokens as the CLI's ``--json`` and the account page list them (never the token itself)."""
    now = timezone.now()
    return [{"id": t.pk, "user": t.user.username, "name": t.name, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "expires_at": t.expires_at.isoformat() if t.expires_at else None,
             "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
             "active": t.is_usable(now)} for t in tokens]
