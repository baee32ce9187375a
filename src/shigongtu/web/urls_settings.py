"""Plan settings and the coordinators' editors (namespace ``settings_web``).

/plans/<plan>/settings/                      施工图设置: thresholds, deadline day, default date, masthead, project rules
/plans/<plan>/projects/<project>/records/    editors of a project's approvals, problems and bond money (POST per row)
"""

from django.urls import path

from shigongtu.web.views import plan_settings, project_editors

app_name = "settings_web"

urlpatterns = [
    path("plans/<str:code>/settings/", plan_settings.plan_settings, name="plan"),
    path("plans/<str:code>/projects/<str:project_code>/records/", project_editors.project_editors, name="project"),
]
