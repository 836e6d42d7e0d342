from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("pupils/<public_id:public_id>/access/", views.access, name="access"),
]
