from django.urls import path

from . import import_views, views, year_views

app_name = "administration"
urlpatterns = [
    path("pupils/<public_id:public_id>/access/", views.access, name="access"),
    # The link in an invitation: checked, then moved into the session (see views.invitation).
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("invitation/", views.choose_password, name="choose_password"),
    path("notices/<int64:notice_id>/seen/", views.notice_seen, name="notice_seen"),
    path("schools/<int64:school_id>/import/", import_views.import_page, name="import"),
    path(
        "schools/<int64:school_id>/import/<str:token>/",
        import_views.import_preview,
        name="import_preview",
    ),
    path("schools/<int64:school_id>/new-year/", year_views.new_year, name="new_year"),
    path("schools/<int64:school_id>/roles/", import_views.role_proposals, name="role_proposals"),
]
