from django.urls import path

from . import views

app_name = "administration"
urlpatterns = [
    path("pupils/<public_id:public_id>/access/", views.access, name="access"),
    # The link in an invitation: checked, then moved into the session (see views.invitation).
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/", views.choose_password, name="choose_password"),
    path("notices/<int64:notice_id>/seen/", views.notice_seen, name="notice_seen"),
]
