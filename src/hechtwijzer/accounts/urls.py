from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/login/setup/", views.login_setup, name="login_setup"),
    path("accounts/login/school/", views.school_pick, name="school_pick"),
    path("accounts/login/school/<int64:school_id>/", views.school_login, name="school_login"),
    path("accounts/sso/<int64:provider_id>/", views.sso_start, name="sso_start"),
    path("accounts/sso/<int64:provider_id>/callback/", views.sso_callback, name="sso_callback"),
    path("accounts/two-step/", views.two_step, name="two_step"),
    path("schools/<int64:school_id>/two-step/", views.staff_two_step, name="staff_two_step"),
]
