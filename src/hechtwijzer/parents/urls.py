from django.urls import path

from . import views

app_name = "parents"
urlpatterns = [
    path("pupils/<public_id:public_id>/parents/", views.parents_page, name="page"),
    path(
        "pupils/<public_id:public_id>/parents/conversations/new/",
        views.conversation_new,
        name="conversation_new",
    ),
    path(
        "pupils/<public_id:public_id>/parents/conversations/<uuid:uid>/",
        views.conversation_edit,
        name="conversation",
    ),
    path(
        "pupils/<public_id:public_id>/parents/consent/v<int64:number>/",
        views.consent,
        name="consent",
    ),
    path("pupils/<public_id:public_id>/parents/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("pupils/<public_id:public_id>/parents/plan/link/", views.plan_link, name="plan_link"),
]
