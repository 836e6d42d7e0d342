from django.urls import path

from . import views

app_name = "observations"
urlpatterns = [
    path("pupils/<public_id:public_id>/observe/", views.observe, name="observe"),
    path(
        "pupils/<public_id:public_id>/observations/<uuid:uid>/correct/",
        views.correct,
        name="correct",
    ),
    path(
        "pupils/<public_id:public_id>/observations/<uuid:uid>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "pupils/<public_id:public_id>/observations/<uuid:uid>/restore/",
        views.restore,
        name="restore",
    ),
    path("observations/suggest/", views.suggestions, name="suggest"),
]
