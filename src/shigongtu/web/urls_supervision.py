"""Supervision page URLs (namespace ``supervision_web``).

/plans/<plan>/supervision/                         the list (filters, counts by light; ?as_of=)
/plans/<plan>/supervision/weekly.docx              the weekly 督办周报 (?week_of=YYYY-MM-DD)
/plans/<plan>/supervision/<item>/                  the item page (timeline, actions)
/plans/<plan>/supervision/<item>/<action>          one lifecycle step (POST)
"""

from django.urls import path

from shigongtu.web.views import supervision as views

app_name = "supervision_web"

urlpatterns = [
    path("plans/<str:code>/supervision/", views.item_list, name="list"),
    path("plans/<str:code>/supervision/weekly.docx", views.weekly_docx, name="weekly"),
    path("plans/<str:code>/supervision/<str:item>/", views.item_detail, name="detail"),
    path("plans/<str:code>/supervision/<str:item>/<str:action>", views.item_action, name="action"),
]
