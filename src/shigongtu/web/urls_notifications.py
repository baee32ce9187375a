"""Notification page URLs (namespace ``notifications_web``).

/notifications/                         the inbox (?unread=1)
/notifications/bell                     the header's bell (HTMX partial)
/notifications/read                     mark one (id) or all read (POST)
/notifications/<id>/open                mark read and go to the page it speaks of
/plans/<plan>/notifications/rules       the plan's rules (coordinators)
/plans/<plan>/notifications/log         the send log (coordinators)
/plans/<plan>/notifications/run         queue a run (POST)
"""

from django.urls import path

from shigongtu.web.views import notifications as views

app_name = "notifications_web"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/bell", views.bell, name="bell"),
    path("notifications/read", views.mark_read, name="read"),
    path("notifications/<int:pk>/open", views.open_notice, name="open"),
    path("plans/<str:code>/notifications/rules", views.rules_page, name="rules"),
    path("plans/<str:code>/notifications/log", views.send_log, name="log"),
    path("plans/<str:code>/notifications/run", views.run_now, name="run"),
]
