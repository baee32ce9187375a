"""Page URLs.

/                                   landing by role: review queue, my tasks, dashboard; else the plan list
/login/, /logout/                   sign-in, sign-out (POST)
/plans/<plan>/                      plan tree with indicators (?as_of=YYYY-MM-DD, filters)
/plans/<plan>/tree/children         rows under one node (HTMX; ?parent=<node>&as_of=)
/plans/<plan>/warnings/             warnings (?as_of=, ?kind=, ?light=)
/plans/<plan>/review/               review queue (coordinators; ?unit=, ?front=, ?light=)
/plans/<plan>/review/bulk           approve or return the ticked reports (POST, all or nothing)
/plans/<plan>/nodes/<node>/         node page (?as_of=, ?edit=<report id>)
/plans/<plan>/nodes/<node>/edit     node facts (POST, coordinators)
/plans/<plan>/nodes/<node>/reports  file or edit a monthly report (POST, HTMX)
/plans/<plan>/nodes/<node>/report-form   report panel opened on a draft (HTMX; ?report=<id>)
/plans/<plan>/reports/<id>/review   approve or return a report (POST)
/account/tokens/                    the user's API tokens: list, issue (POST), revoke (POST …/<id>/revoke)
"""

from django.urls import path

from shigongtu.web import views
from shigongtu.web.views import tokens

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/tokens/", tokens.my_tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke", tokens.revoke, name="token_revoke"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<str:code>/", views.plan_tree, name="plan"),
    path("plans/<str:code>/tree/children", views.tree_children, name="tree_children"),
    path("plans/<str:code>/warnings/", views.warnings, name="warnings"),
    path("plans/<str:code>/review/", views.review_queue, name="review"),
    path("plans/<str:code>/review/bulk", views.review_bulk, name="review_bulk"),
    path("plans/<str:code>/nodes/<str:node_code>/", views.node_detail, name="node"),
    path("plans/<str:code>/nodes/<str:node_code>/edit", views.node_edit, name="node_edit"),
    path("plans/<str:code>/nodes/<str:node_code>/reports", views.report_submit, name="report_submit"),
    path("plans/<str:code>/nodes/<str:node_code>/report-form", views.report_form, name="report_form"),
    path("plans/<str:code>/reports/<int:report_id>/review", views.review, name="review_report"),
]
