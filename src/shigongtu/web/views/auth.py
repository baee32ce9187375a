"""Sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
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


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """The sign-in page again, saying the account or address is locked for a while (429), without a traceback."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = SignInForm(request)
    message = gettext("登录失败次数过多，该账号或本机地址已被暂时锁定。请 %(minutes)d 分钟后再试，"
                      "或联系本单位的系统管理员。") % {"minutes": minutes}
    return render(request, "web/login.html", {"form": form, "locked_message": message}, status=429)
