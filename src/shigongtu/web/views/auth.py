"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form with labels and messages a clerk understands."""

    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign-out is a POST (the top bar's button); Django refuses a GET with 405."""
