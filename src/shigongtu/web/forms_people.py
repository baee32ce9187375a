"""Forms of the people pages (单位、人员与角色). They only read the request; orgs.services validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.web.forms import ProblemsMixin


class UnitChoiceField(forms.ModelChoiceField):
    """A unit picker showing the tree by indentation."""

    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(0, int(obj.depth) - self.top) + str(obj.name)

    def __init__(self, *args: Any, top: int = 0, **kwargs: Any) -> None:
        self.top = top
        super().__init__(*args, **kwargs)


def _unit_field(units: QuerySet[OrgUnit], label: Any, required: bool = True) -> UnitChoiceField:
    top = min((u.depth for u in units), default=0)
    return UnitChoiceField(queryset=units, label=label, required=required, top=top,
                           empty_label=_("（请选择）"))


def role_choices() -> list[tuple[str, Any]]:
    return list(Membership.Role.choices)


class UnitForm(ProblemsMixin, forms.Form):
    """A new unit under one the admin manages."""

    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgUnit.Kind.choices, initial=OrgUnit.Kind.DEPARTMENT)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _unit_field(units, _("上级单位"))


class RenameForm(ProblemsMixin, forms.Form):
    name = forms.CharField(label=_("新名称"), max_length=100)


class MoveForm(ProblemsMixin, forms.Form):
    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _unit_field(units, _("新的上级单位"))


class PersonForm(ProblemsMixin, forms.Form):
    """A new person with a first role."""

    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=role_choices)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少 8 位，不能是常见密码；请当面或电话告知本人，登录后可由管理员重置。"))

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, _("所在单位"))
        self.order_fields(["username", "full_name", "unit", "role", "password"])


class GrantForm(ProblemsMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=role_choices)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, _("单位"))
        self.order_fields(["unit", "role"])


class PasswordForm(ProblemsMixin, forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少 8 位，不能是常见密码。"))
