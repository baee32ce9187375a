"""Notification pages: the bell (unread count), the inbox, a plan's rules and its send log.

The bell is fetched by HTMX after the page loads, so no page pays a query for it. Sending never
happens here: "立即运行" queues the run for the background worker (``shigongtu db_worker``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shigongtu.lib.errors import Conflict, InputRejected
from shigongtu.notifications import selectors, services
from shigongtu.notifications.models import Notice, NotificationRule
from shigongtu.notifications.rules import kinds as K
from shigongtu.notifications.tasks import notify
from shigongtu.orgs.access import MANAGE
from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.web.errors import joined
from shigongtu.web.views.common import plan_for, plan_nav


def _english() -> bool:
    return (get_language() or "").startswith("en")


def kind_label(kind: str) -> str:
    return (K.LABELS_EN if _english() else K.LABELS).get(kind, kind)


def channel_label(channel: str) -> str:
    return (K.CHANNEL_LABELS_EN if _english() else K.CHANNEL_LABELS).get(channel, channel)


def status_label(status: str) -> str:
    return (K.STATUS_LABELS_EN if _english() else K.STATUS_LABELS).get(status, status)


BELL_LATEST = 5  # notices in the bell's drop-down


# -- the bell and the inbox ------------------------------------------------------------------

@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count and, in its drop-down, the newest notices with the
    time each was raised (two queries), swapped in by HTMX."""
    english = _english()
    latest: list[Any] = list(selectors.inbox(request.user)[:BELL_LATEST])
    for n in latest:
        n.shown_title = (n.title_en or n.title) if english else n.title
    return render(request, "web/notifications/_bell.html",
                  {"unread": selectors.unread_count(request.user), "latest": latest})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notices, newest first, 50 a page; ``?unread=1`` shows the unread only."""
    qs = selectors.inbox(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    english = _english()
    notices: list[Any] = list(page.object_list)  # the page's own objects, labelled for the template
    for n in notices:
        n.shown_title = (n.title_en or n.title) if english else n.title
        n.kind_label = kind_label(n.kind)
    return render(request, "web/notifications/inbox.html", {
        "page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user),
        "querystring": "unread=1" if unread_only else "", "nav_active": "inbox"})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (``id``) or all of the person's notices read, then back to the inbox."""
    raw = request.POST.get("id", "")
    count = services.mark_read(request.user, [int(raw)] if raw.isdigit() else None)
    if not raw:
        messages.success(request, _("已全部标为已读（%(n)s 条）") % {"n": count})
    return redirect("notifications_web:inbox")


@login_required
@require_GET
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notice: it is marked read and the page it speaks of is shown."""
    notice = get_object_or_404(Notice, pk=pk, recipient_id=request.user.pk)
    services.mark_read(request.user, [notice.pk])
    target = notice.link if notice.link and url_has_allowed_host_and_scheme(notice.link, None) else None
    return redirect(target or reverse("notifications_web:inbox"))


# -- a plan's rules and send log (coordinators) -----------------------------------------------

def _joined(words: list[str]) -> str:
    return (", " if _english() else "、").join(words)


def _rule_rows(plan: Any) -> list[Any]:
    roles = dict(Membership.Role.choices)
    rows: list[Any] = list(selectors.rules(plan))
    for r in rows:
        r.kind_label = kind_label(r.kind)
        r.channel_text = _joined([channel_label(c) for c in r.channels])
        r.role_text = _joined([str(roles.get(x, x)) for x in r.roles])
    return rows


def _rule_context(request: HttpRequest, plan: Any, **extra: Any) -> dict[str, Any]:
    return {**plan_nav(request, plan, "notifications"), "rules": _rule_rows(plan),
            "kinds": [(k, kind_label(k)) for k in K.KINDS], "roles": list(Membership.Role.choices),
            "channels": [(c, channel_label(c)) for c in K.CHANNELS],
            "units": OrgUnit.objects.filter(path__startswith=plan.unit.path).values_list("pk", "name"),
            "uses_days": K.USES_DAYS, "errors": [], "data": {}, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest, code: str) -> HttpResponse:
    """A plan's notification rules: list, add, change, delete (coordinators; viewers 403, outsiders 404)."""
    plan = plan_for(request, code, MANAGE)
    if request.method == "GET":
        return render(request, "web/notifications/rules.html", _rule_context(request, plan))
    action = request.POST.get("action", "save")
    raw_id = request.POST.get("rule", "")
    rule = get_object_or_404(NotificationRule, pk=int(raw_id), plan=plan) if raw_id.isdigit() else None
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    data = {"kind": request.POST.get("kind"), "days": request.POST.get("days"),
            "escalate_after": request.POST.get("escalate_after"), "roles": request.POST.getlist("roles"),
            "channels": request.POST.getlist("channels"), "unit": request.POST.get("unit"),
            "enabled": request.POST.get("enabled") == "on"}
    try:
        if action == "delete" and rule is not None:
            services.delete_rule(rule, request.user, expected)
            messages.success(request, _("提醒规则已删除"))
        elif action == "toggle" and rule is not None:
            services.save_rule(plan, {**selectors.rule_dict(rule), "unit": rule.unit_id or "",
                                      "enabled": not rule.enabled}, request.user, rule, expected)
            messages.success(request, _("提醒规则已更新"))
        else:
            services.save_rule(plan, data, request.user, rule, expected)
            messages.success(request, _("提醒规则已保存"))
    except InputRejected as exc:
        return render(request, "web/notifications/rules.html",
                      _rule_context(request, plan, errors=[joined(exc)], data=data), status=422)
    except Conflict as exc:
        return render(request, "web/notifications/rules.html",
                      _rule_context(request, plan, errors=[str(exc)], data=data), status=409)
    return redirect("notifications_web:rules", code=plan.code)


@login_required
@require_POST
def run_now(request: HttpRequest, code: str) -> HttpResponse:
    """Queue a notification run of the plan for the background worker; the page does not wait for it."""
    plan = plan_for(request, code, MANAGE)
    notify.enqueue(plan.code, None)
    messages.success(request, _("已提交后台运行，稍后在发送记录中查看结果"))
    return redirect("notifications_web:log", code=plan.code)


@login_required
@require_GET
def send_log(request: HttpRequest, code: str) -> HttpResponse:
    """Every delivery of the plan's notices (发送记录): 50 a page, by status and channel; query count pinned."""
    plan = plan_for(request, code, MANAGE)
    status, channel = request.GET.get("status", ""), request.GET.get("channel", "")
    page = Paginator(selectors.send_log(plan, status, channel), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    english = _english()
    deliveries: list[Any] = list(page.object_list)
    for d in deliveries:
        d.kind_label = kind_label(d.notice.kind)
        d.channel_label = channel_label(d.channel)
        d.status_label = status_label(d.status)
        d.target_shown = _("默认群") if d.target == "*" else d.target
        d.shown_title = (d.notice.title_en or d.notice.title) if english else d.notice.title
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "web/notifications/log.html", {
        **plan_nav(request, plan, "notification_log"), "page": page, "status": status, "channel": channel,
        "statuses": [(s, status_label(s)) for s in K.STATUS_LABELS],
        "channels": [(c, channel_label(c)) for c in K.CHANNELS], "querystring": params.urlencode()})
