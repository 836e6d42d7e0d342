from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    # Stable URLs (../shared/DESIGN.md): the current card and its PDF.
    path("pupils/<public_id:public_id>/focuskaart/", views.focus_card, name="card"),
    path("pupils/<public_id:public_id>/focuskaart.pdf", views.card_pdf, name="pdf"),
    path("pupils/<public_id:public_id>/focuskaart/tick/", views.tick, name="tick"),
    path("pupils/<public_id:public_id>/focuskaart/note/", views.note, name="note"),
    path("pupils/<public_id:public_id>/focuskaart/settings/", views.card_settings, name="settings"),
    path("pupils/<public_id:public_id>/focuskaart/own/", views.add_own, name="add_own"),
    path(
        "pupils/<public_id:public_id>/focuskaart/own/remove/", views.remove_own, name="remove_own"
    ),
    path("pupils/<public_id:public_id>/focuskaart/evaluate/", views.evaluate, name="evaluate"),
    path("pupils/<public_id:public_id>/focuskaart/voice/", views.voice_add, name="voice_add"),
    path(
        "pupils/<public_id:public_id>/focuskaart/voice/<uuid:uid>/",
        views.voice_edit,
        name="voice_edit",
    ),
    path(
        "pupils/<public_id:public_id>/focuskaart/v<int64:number>/",
        views.card_version,
        name="version",
    ),
    path(
        "pupils/<public_id:public_id>/focuskaart/v<int64:number>/evaluation.pdf",
        views.evaluation_pdf,
        name="evaluation_pdf",
    ),
]
