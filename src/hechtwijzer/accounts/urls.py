from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/login/setup/", views.login_setup, name="login_setup"),
    path("accounts/two-step/", views.two_step, name="two_step"),
    path("schools/<int64:school_id>/two-step/", views.staff_two_step, name="staff_two_step"),
]
