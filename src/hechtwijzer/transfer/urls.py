from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("pupils/<public_id:public_id>/transfer/", views.transfer_page, name="page"),
    path("pupils/<public_id:public_id>/transfer/include/", views.include, name="include"),
    path("pupils/<public_id:public_id>/transfer/remove/", views.remove, name="remove"),
    path("pupils/<public_id:public_id>/transfer/parents/", views.parents, name="parents"),
    path("pupils/<public_id:public_id>/transfer.pdf", views.transfer_pdf, name="pdf"),
    path("pupils/<public_id:public_id>/transfer.json", views.transfer_json, name="json"),
    path(
        "pupils/<public_id:public_id>/transfer/received/<uuid:uid>/",
        views.received,
        name="received",
    ),
    path("schools/<int64:school_id>/transfer/import/", views.import_page, name="import"),
]
