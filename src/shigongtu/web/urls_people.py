"""People pages (namespace ``people_web``): units, people and roles, for admins of a unit and below.

/people/                      the unit tree, everyone with a role in it; add a unit, add a person (POST)
/people/units/<id>/           one unit: rename, move, deactivate; its people's roles (revoke)
/people/users/<id>/           one person: grant and revoke roles, reset the password, deactivate
"""

from django.urls import path

from shigongtu.web.views import people

app_name = "people_web"

urlpatterns = [
    path("people/", people.people_home, name="home"),
    path("people/units/<int:unit_id>/", people.unit_page, name="unit"),
    path("people/users/<int:user_id>/", people.person_page, name="person"),
]
