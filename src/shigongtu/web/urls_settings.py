"""Plan settings and the coordinators' editors (namespace ``settings_web``).

/plans/<plan>/settings/      施工图设置: thresholds, deadline day, default date, masthead, project warning rules
"""

from django.urls import path

from shigongtu.web.views import plan_settings

app_name = "settings_web"

urlpatterns = [
    path("plans/<str:code>/settings/", plan_settings.plan_settings, name="plan"),
]
