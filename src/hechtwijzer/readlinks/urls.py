from django.urls import path

from . import views

app_name = "readlinks"
urlpatterns = [
    path("l/<str:token>/", views.open_document, name="open"),
    path("pupils/<public_id:public_id>/links/", views.pupil_links, name="pupil_links"),
    path("pupils/<public_id:public_id>/links/<uuid:uid>/revoke/", views.revoke, name="revoke"),
]
