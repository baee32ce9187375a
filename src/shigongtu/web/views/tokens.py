"""The account's API tokens (接口令牌): list them, issue one (shown once), revoke one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shigongtu.lib.bounds import check_text
from shigongtu.lib.errors import ValueProblem
from shigongtu.orgs.models import ApiToken
from shigongtu.orgs.services import issue_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request: HttpRequest) -> HttpResponse:
    """GET: the user's own tokens. POST ``name``: a new token, shown on this answer only."""
    new_token, error = "", ""
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        try:
            check_text(name)
            if not name or len(name) > 100:
                raise ValueProblem("名称应为1到100个字符", "a name of 1 to 100 characters")
            new_token = issue_token(request.user, name)
        except ValueProblem as exc:
            error = exc.message_zh if not request.LANGUAGE_CODE.startswith("en") else exc.message_en
    return _page(request, new_token, error, status=422 if error else 200)


@login_required
@require_http_methods(["POST"])
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's is a 404)."""
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id, user=request.user.pk)
    revoke_token(token, request.user)
    return _page(request, "", "", notice=_("令牌已吊销，使用它的程序将无法再访问接口。"))


def _page(request: HttpRequest, new_token: str, error: str, *, status: int = 200, notice: str = "") -> HttpResponse:
    owner: Any = request.user  # signed in (login_required)
    tokens = ApiToken.objects.filter(user=owner).order_by("-created_at")
    return render(request, "web/account/tokens.html", {
        "tokens": tokens, "now": timezone.now(), "new_token": new_token, "error": error, "notice": notice,
    }, status=status)
