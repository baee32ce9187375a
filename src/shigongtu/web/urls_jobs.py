"""Background job pages: /plans/<plan>/jobs/<id>/ and its progress fragment."""

from django.urls import path

from shigongtu.web.views import jobs as views

app_name = "jobs_web"

urlpatterns = [
    path("plans/<str:code>/jobs/<int:job_id>/", views.detail, name="detail"),
    path("plans/<str:code>/jobs/<int:job_id>/progress", views.progress, name="progress"),
]
