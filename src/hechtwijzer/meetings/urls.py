from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("schools/<int64:school_id>/meetings/new/", views.meeting_new, name="new"),
    path("meetings/<uuid:uid>/", views.meeting_page, name="meeting"),
    path("meetings/<uuid:uid>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("meetings/<uuid:uid>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<uuid:uid>/held/", views.meeting_held, name="held"),
    path("meetings/<uuid:uid>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/items/<uuid:uid>/remove/", views.agenda_remove, name="agenda_remove"),
    path("meetings/items/<uuid:uid>/minutes/", views.write_minutes, name="minutes"),
    path("meetings/items/<uuid:uid>/decisions/", views.add_decision, name="decision"),
    path("meetings/decisions/<uuid:uid>/done/", views.decision_done, name="decision_done"),
    path("pupils/<public_id:public_id>/care-team/", views.put_on_agenda, name="put_on_agenda"),
]
