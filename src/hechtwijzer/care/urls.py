from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("pupils/<public_id:public_id>/factors/", views.factors, name="factors"),
    path("pupils/<public_id:public_id>/safeguarding/", views.safeguarding, name="safeguarding"),
    path(
        "pupils/<public_id:public_id>/safeguarding/<uuid:uid>/steps/",
        views.record_step,
        name="record_step",
    ),
    path(
        "pupils/<public_id:public_id>/safeguarding/<uuid:uid>/close/",
        views.close_concern,
        name="close",
    ),
    path(
        "pupils/<public_id:public_id>/observations/<uuid:uid>/concern/",
        views.concern,
        name="concern",
    ),
]
