"""Attraction pipeline page URLs (namespace ``attraction_web``).

/plans/<plan>/leads/                      the pipeline board by stage (?as_of=, ?mode=, ?team=)
/plans/<plan>/leads/list/                 the lead list (filters, page)
/plans/<plan>/leads/kpis/                 KPIs by mode, team and unit, with the plan's targets
/plans/<plan>/leads/new/                  record a new lead (GET, POST)
/plans/<plan>/leads/settings/             the plan's 招商 timers (coordinators; GET, POST)
/plans/<plan>/leads/<lead>/edit/          edit every field of a lead (GET, POST)
/plans/<plan>/leads/<lead>/               a lead: facts, stage dates, timeline, linked project, actions
/plans/<plan>/leads/<lead>/stage|progress|funds|project   its actions (POST)

list, kpis, new and settings are refused as lead codes (the field table says so).
"""

from django.urls import path

from shigongtu.web.views import attraction as views
from shigongtu.web.views import attraction_edit as edit

app_name = "attraction_web"

urlpatterns = [
    path("plans/<str:code>/leads/", views.board, name="board"),
    path("plans/<str:code>/leads/list/", views.lead_list, name="list"),
    path("plans/<str:code>/leads/kpis/", views.kpis, name="kpis"),
    path("plans/<str:code>/leads/new/", views.lead_new, name="new"),
    path("plans/<str:code>/leads/settings/", edit.lead_settings, name="settings"),
    path("plans/<str:code>/leads/<str:lead>/", views.lead_detail, name="detail"),
    path("plans/<str:code>/leads/<str:lead>/edit/", edit.lead_edit, name="edit"),
    path("plans/<str:code>/leads/<str:lead>/stage", views.lead_stage, name="stage"),
    path("plans/<str:code>/leads/<str:lead>/progress", views.lead_progress, name="progress"),
    path("plans/<str:code>/leads/<str:lead>/funds", views.lead_funds, name="funds"),
    path("plans/<str:code>/leads/<str:lead>/project", views.lead_project, name="project"),
]
