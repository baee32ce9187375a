"""Bulletin pages (调度通报).

/plans/<plan>/bulletins/                      issued bulletins + preview of a month (?period=YYYY-MM)
/plans/<plan>/bulletins/file                  download a month's file (?period=&format=): issued, else draft
/plans/<plan>/bulletins/issue                 issue a month (POST, coordinators)
/plans/<plan>/bulletins/<number>/             an issued bulletin as snapshotted
/plans/<plan>/bulletins/<number>/file         its stored file (?format=)
"""

from django.urls import path

from shigongtu.web.views import bulletins as views

app_name = "bulletins_web"

urlpatterns = [
    path("plans/<str:code>/bulletins/", views.bulletin_list, name="list"),
    path("plans/<str:code>/bulletins/file", views.period_file, name="file"),
    path("plans/<str:code>/bulletins/issue", views.issue, name="issue"),
    path("plans/<str:code>/bulletins/<int:number>/", views.bulletin_detail, name="detail"),
    path("plans/<str:code>/bulletins/<int:number>/file", views.bulletin_file, name="issued_file"),
]
