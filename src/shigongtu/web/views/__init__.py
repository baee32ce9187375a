"""Pages: thin views that parse the request, call the plans services and render templates.

- ``auth``: sign-in, sign-out
- ``plans``: plan list, plan tree (+ HTMX children), warnings, review queue
- ``nodes``: node page, node edit
- ``reports``: file / edit a monthly report (HTMX), approve / return
"""

from shigongtu.web.views.auth import LoginView, LogoutView
from shigongtu.web.views.landing import home
from shigongtu.web.views.nodes import node_detail, node_edit
from shigongtu.web.views.plans import plan_list, plan_tree, tree_children, warnings
from shigongtu.web.views.reports import report_form, report_submit, review
from shigongtu.web.views.review import review_bulk, review_queue

__all__ = [
    "LoginView",
    "LogoutView",
    "home",
    "node_detail",
    "node_edit",
    "plan_list",
    "plan_tree",
    "report_form",
    "report_submit",
    "review",
    "review_bulk",
    "review_queue",
    "tree_children",
    "warnings",
]
