import datetime

from django.urls import path, register_converter

from hechtwijzer.forms import is_supported_day

from . import views


class IsoDayConverter:
    """A day as YYYY-MM-DD; an impossible date (2026-02-30) or one outside the days the app
    works with (year 1, year 9999: the week around it leaves the calendar) does not match, so
    it is a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> datetime.date:
        day = datetime.date.fromisoformat(value)  # ValueError: no match
        if not is_supported_day(day):
            raise ValueError("outside the supported days")
        return day

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(IsoDayConverter, "isoday")

app_name = "behaviour"
card = "pupils/<public_id:public_id>/behaviour-card"
programme = "pupils/<public_id:public_id>/day-programme"
urlpatterns = [
    path(f"{card}/", views.card, name="card"),
    path(f"{card}/new/", views.card_new, name="card_new"),
    path(f"{card}/edit/", views.card_edit, name="card_edit"),
    path(f"{card}/archive/", views.card_archive, name="card_archive"),
    path(f"{card}/archived/<uuid:uid>/", views.archived_card, name="archived_card"),
    path(f"{card}/days/<isoday:day>/", views.score_day, name="day"),
    path(f"{card}/days/<isoday:day>/<slug:part>/<int64:goal>/", views.score_cell, name="cell"),
    path(f"{card}/print/", views.card_print, name="card_print"),
    path(f"{programme}/", views.programme, name="programme"),
    path(f"{programme}/edit/", views.programme_edit, name="programme_edit"),
    path(f"{programme}/print/", views.programme_print, name="programme_print"),
]
