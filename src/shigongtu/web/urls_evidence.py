"""Evidence page URLs (namespace ``evidence_web``).

/evidence/<kind>/<id>/                        a record's files: list, upload (POST)
/evidence/files/<id>                          download (scoped; ?thumb=1 the thumbnail)
/evidence/files/<id>/watermarked.jpg          a photo exported with its watermark
/evidence/files/<id>/delete                   remove (POST)
/plans/<plan>/projects/<project>/phone/       the phone report form (手机填报)
/plans/<plan>/evidence/settings/              the plan's photo rule (coordinators)
"""

from django.urls import path

from shigongtu.web.views import evidence as views
from shigongtu.web.views import phone

app_name = "evidence_web"

urlpatterns = [
    path("evidence/<str:kind>/<int:object_id>/", views.attachment_list, name="list"),
    path("evidence/files/<int:pk>", views.download, name="download"),
    path("evidence/files/<int:pk>/watermarked.jpg", views.watermarked, name="watermarked"),
    path("evidence/files/<int:pk>/delete", views.delete, name="delete"),
    path("plans/<str:code>/projects/<str:project>/phone/", phone.phone_report, name="phone"),
    path("plans/<str:code>/evidence/settings/", views.evidence_settings, name="settings"),
]
