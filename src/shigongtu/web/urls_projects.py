"""Project library page URLs (included before the other pages; namespace ``projects_web``).

/plans/<plan>/projects/                          project list (filters, sort, page; ?as_of=)
/plans/<plan>/projects/warnings/                 project warnings (?as_of=, ?kind=)
/plans/<plan>/projects/<project>/                project page
/plans/<plan>/projects/<project>/chart.json      its investment chart (ECharts option)
/plans/<plan>/projects/<project>/report/         monthly investment report form (GET, POST; HTMX)
/plans/<plan>/projects/<project>/stage           stage change (POST)
/plans/<plan>/project-reports/<id>/review        approve or return a report (POST)
"""

from django.urls import path

from shigongtu.web.views import projects as views

app_name = "projects_web"

urlpatterns = [
    path("plans/<str:code>/projects/", views.project_list, name="list"),
    path("plans/<str:code>/projects/warnings/", views.warnings, name="warnings"),
    path("plans/<str:code>/projects/<str:project>/", views.project_detail, name="detail"),
    path("plans/<str:code>/projects/<str:project>/chart.json", views.project_chart, name="chart"),
    path("plans/<str:code>/projects/<str:project>/report/", views.report_form, name="report"),
    path("plans/<str:code>/projects/<str:project>/stage", views.project_stage, name="stage"),
    path("plans/<str:code>/project-reports/<int:report_id>/review", views.review, name="review"),
]
