"""Enterprise registry page URLs (namespace ``enterprises_web``).

/plans/<plan>/enterprises/                 registry list (filters, page; ?as_of=)
/plans/<plan>/enterprises/tiers/           tiers against targets, funnel, expiring, pool by closeness
/plans/<plan>/enterprises/<credit code>/   enterprise page
"""

from django.urls import path

from shigongtu.web.views import enterprises as views

app_name = "enterprises_web"

urlpatterns = [
    path("plans/<str:code>/enterprises/", views.registry_list, name="list"),
    path("plans/<str:code>/enterprises/tiers/", views.tiers_page, name="tiers"),
    path("plans/<str:code>/enterprises/<str:credit_code>/", views.enterprise_detail, name="detail"),
]
