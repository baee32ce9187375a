"""Enterprise registry page URLs (namespace ``enterprises_web``).

/plans/<plan>/enterprises/                 registry list (filters, page; ?as_of=)
/plans/<plan>/enterprises/tiers/           tiers against targets, funnel, expiring, pool by closeness
/plans/<plan>/enterprises/<credit code>/   enterprise page
/plans/<plan>/enterprises/new/             新增企业 (managers)
/plans/<plan>/enterprises/<credit code>/edit/    修改企业信息
/plans/<plan>/enterprises/<credit code>/tier/    新增或修改梯度记录 (?tier=)
/plans/<plan>/enterprises/<credit code>/year/    录入或修改年度数据 (?year=)
"""

from django.urls import path

from shigongtu.web.views import enterprise_edit as edit
from shigongtu.web.views import enterprises as views

app_name = "enterprises_web"

urlpatterns = [
    path("plans/<str:code>/enterprises/", views.registry_list, name="list"),
    path("plans/<str:code>/enterprises/tiers/", views.tiers_page, name="tiers"),
    path("plans/<str:code>/enterprises/new/", edit.enterprise_new, name="new"),
    path("plans/<str:code>/enterprises/<str:credit_code>/", views.enterprise_detail, name="detail"),
    path("plans/<str:code>/enterprises/<str:credit_code>/edit/", edit.enterprise_edit, name="edit"),
    path("plans/<str:code>/enterprises/<str:credit_code>/tier/", edit.tier_edit, name="tier"),
    path("plans/<str:code>/enterprises/<str:credit_code>/year/", edit.year_edit, name="year"),
]
