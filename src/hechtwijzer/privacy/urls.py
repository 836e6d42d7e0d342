from django.urls import path

from . import trail, views

app_name = "privacy"

urlpatterns = [
    path("pupils/<public_id:public_id>/export/", views.export_page, name="export"),
    path("pupils/<public_id:public_id>/export.json", views.export_json, name="export_json"),
    path(
        "pupils/<public_id:public_id>/export/approve/",
        views.approve_export,
        name="approve_export",
    ),
    path("pupils/<public_id:public_id>/audit/", trail.pupil_audit, name="audit"),
    path("admin-tools/pupils/<public_id:public_id>/erase/", views.erase, name="erase"),
]
