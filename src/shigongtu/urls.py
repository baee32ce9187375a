"""URL map: pages at the root, the JSON API under /api/v1, back office under /admin."""

from django.contrib import admin
from django.urls import include, path

from shigongtu.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shigongtu.web.urls_evidence")),
    path("", include("shigongtu.web.urls_projects")),
    path("", include("shigongtu.web.urls_enterprises")),
    path("", include("shigongtu.web.urls_attraction")),
    path("", include("shigongtu.web.urls_supervision")),
    path("", include("shigongtu.web.urls_ledgers")),
    path("", include("shigongtu.web.urls_bulletins")),
    path("", include("shigongtu.web.urls_jobs")),
    path("", include("shigongtu.web.urls_dashboard")),
    path("", include("shigongtu.web.urls_people")),
    path("", include("shigongtu.web.urls_settings")),
    path("", include("shigongtu.web.urls_notifications")),
    path("", include("shigongtu.web.urls")),
]
