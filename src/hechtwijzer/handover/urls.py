from django.urls import path

from . import views

app_name = "handover"
urlpatterns = [
    path("groups/<int64:group_id>/handovers/", views.group_handovers, name="group"),
    path("pupils/<public_id:public_id>/handover/", views.handover_page, name="page"),
    path(
        "pupils/<public_id:public_id>/handover/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
]
