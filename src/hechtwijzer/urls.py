from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from hechtwijzer.accounts.views import password_change_view
from hechtwijzer.admin_site import site
from hechtwijzer.web import health, school_overview, views
from hechtwijzer.web.converters import Int64Converter, PublicIdConverter

register_converter(PublicIdConverter, "public_id")
# Ids and numbers in URLs: `int64`, never `int` (web/tests/test_every_url.py checks).
register_converter(Int64Converter, "int64")

urlpatterns = [
    path("", views.home, name="home"),
    # For load balancers (web/health.py): public, no session, no audit; README "Several app
    # servers".
    path("healthz", health.healthz, name="healthz"),
    path("groups/<int64:group_id>/", views.group_page, name="group"),
    path("pupils/<public_id:public_id>/", views.pupil_detail, name="pupil"),
    path(
        "schools/<int64:school_id>/overview/",
        school_overview.school_overview,
        name="school_overview",
    ),
    path("knowledge/", include("hechtwijzer.knowledge.urls")),
    path("", include("hechtwijzer.observations.urls")),
    path("", include("hechtwijzer.plans.urls")),
    path("", include("hechtwijzer.behaviour.urls")),
    path("", include("hechtwijzer.privacy.urls")),
    path("", include("hechtwijzer.care.urls")),
    path("", include("hechtwijzer.meetings.urls")),
    path("", include("hechtwijzer.parents.urls")),
    path("", include("hechtwijzer.referrals.urls")),
    path("", include("hechtwijzer.transfer.urls")),
    path("", include("hechtwijzer.handover.urls")),
    # Read links: /l/<token>/ is public (the token is the credential; readlinks/views.py).
    path("", include("hechtwijzer.readlinks.urls")),
    path("", include("hechtwijzer.administration.urls")),
    path("accounts/login/", views.login_view, name="login"),
    path("", include("hechtwijzer.accounts.urls")),
    path("", include("hechtwijzer.reminders.urls")),
    # The REST API (/api/v1/, token only) and each user's API tokens (api/urls.py).
    path("", include("hechtwijzer.api.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", password_change_view, name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", site.urls),
]

# Django's own 400 page renders the layout with the request's user, which a request refused
# before the authentication middleware (a Host header outside ALLOWED_HOSTS) does not have.
handler400 = "hechtwijzer.web.views.bad_request"
