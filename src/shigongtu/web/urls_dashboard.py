"""Dashboard and workspace URLs (namespace ``dashboard_web``).

/plans/<plan>/dashboard/                      驾驶舱 (?as_of=YYYY-MM-DD or YYYY-MM, ?unit=<org unit id>)
/plans/<plan>/dashboard/charts/<name>.json    a chart's ECharts option (investment, lights, fronts, funnel,
                                              ranking, map; same parameters, ?theme=dark for the big screen)
/plans/<plan>/bigscreen/                      大屏 (1920×1080, dark, refreshes every 5 minutes)
/my/                                          my tasks: what I must report this month, what came back to me
"""

from django.urls import path

from shigongtu.web.views import dashboard, workspace

app_name = "dashboard_web"

urlpatterns = [
    path("plans/<str:code>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("plans/<str:code>/dashboard/charts/<slug:name>.json", dashboard.chart, name="chart"),
    path("plans/<str:code>/bigscreen/", dashboard.bigscreen, name="bigscreen"),
    path("my/", workspace.my_tasks, name="my_tasks"),
]
