from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("pupils/<public_id:public_id>/audit/", views.pupil_audit, name="pupil"),
]
