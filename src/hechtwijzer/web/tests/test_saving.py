"""`saving.save_form`, the POST half of the form pages: every way a posted change can end."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from hechtwijzer.forms import DomainErrorsMixin, VersionForm
from hechtwijzer.locking import StaleVersion
from hechtwijzer.saving import save_form


class NoteForm(DomainErrorsMixin, VersionForm):
    text = forms.CharField(max_length=20)


def post(data):
    request = RequestFactory().post("/x/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request, NoteForm(data)


def said(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


OPTIONS = {"saved": "Bewaard.", "then": "/done/", "stale": "Intussen gewijzigd."}


def test_saved_says_so_and_moves_on_with_the_seen_version():
    request, form = post({"text": "Hallo", "version": "3"})
    calls = []

    def change(data):
        calls.append((data["text"], form.seen_version()))
        return "made"

    response = save_form(request, form, change, **OPTIONS)
    assert (response.status_code, response["Location"]) == (302, "/done/")
    assert calls == [("Hallo", 3)]
    assert said(request) == [("success", "Bewaard.")]


def test_the_result_can_name_the_message_and_the_next_page():
    request, form = post({"text": "Hallo"})
    response = save_form(
        request,
        form,
        lambda data: 7,
        saved=lambda n: f"Nummer {n} bewaard.",
        then=lambda n: f"/items/{n}/",
        stale="Intussen gewijzigd.",
        stale_then="/items/",
    )
    assert response["Location"] == "/items/7/"
    assert said(request) == [("success", "Nummer 7 bewaard.")]


def test_an_invalid_form_is_shown_again_without_calling_the_domain():
    request, form = post({"text": "x" * 21})
    called = []
    assert save_form(request, form, called.append, **OPTIONS) is None
    assert called == [] and "text" in form.errors and said(request) == []


def test_a_refused_value_lands_on_its_field():
    request, form = post({"text": "Hallo"})

    def change(data):
        raise ValidationError({"text": "Dat mag niet."})

    assert save_form(request, form, change, **OPTIONS) is None
    assert form.errors["text"] == ["Dat mag niet."] and said(request) == []


def test_a_stale_version_saves_nothing_says_so_and_shows_the_record_as_it_is():
    request, form = post({"text": "Hallo", "version": "1"})

    def change(data):
        raise StaleVersion(current=None)

    response = save_form(request, form, change, **OPTIONS, stale_then="/record/")
    assert response["Location"] == "/record/"
    assert said(request) == [("error", "Intussen gewijzigd.")]
    request, form = post({"text": "Hallo", "version": "1"})
    assert save_form(request, form, change, **OPTIONS)["Location"] == "/done/"  # default: then


def test_a_computed_next_page_needs_a_page_for_the_stale_case():
    request, form = post({"text": "Hallo"})
    with pytest.raises(TypeError):
        save_form(request, form, lambda data: 1, saved="x", then=lambda n: "/", stale="y")
