"""Ledger pages: /plans/<plan>/ledgers/…"""

from django.urls import path

from shigongtu.web.views import ledgers as views

app_name = "ledgers_web"

urlpatterns = [
    path("plans/<str:code>/ledgers/", views.ledgers_home, name="home"),
    path("plans/<str:code>/ledgers/upload", views.upload, name="upload"),
    path("plans/<str:code>/ledgers/export", views.export, name="export"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/", views.preview, name="preview"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/apply", views.apply, name="apply"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/file", views.original, name="original"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/mapping", views.mapping, name="mapping"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/mapping/rename", views.mapping_rename,
         name="mapping_rename"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/mapping/delete", views.mapping_delete,
         name="mapping_delete"),
    path("plans/<str:code>/ledgers/imports/<int:record_id>/errors.xlsx", views.errors_file, name="errors"),
]
