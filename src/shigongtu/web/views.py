"""Pages (placeholder until the workspace lands)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("施工图")


class LoginView(auth_views.LoginView):
    pass


class LogoutView(auth_views.LogoutView):
    pass
