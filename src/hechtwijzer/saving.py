"""The POST half of a form page whose change is a domain function: `save_form`.

Pages that change a record under optimistic locking (hechtwijzer.locking) answer a POST alike:
- the form does not validate, or the domain refuses a value (ValidationError, put on the form's
  fields by `DomainErrorsMixin.apply_errors`): the page is shown again with the errors and what
  was typed (the view renders it; the door records that POST as a read);
- someone changed the record since the page was shown (StaleVersion): nothing is overwritten;
  a message says so and the record is shown as it is now;
- saved: a message says so and the user moves on.
One function, so that each page states only its domain call, its two messages and where it goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hechtwijzer.locking import StaleVersion


def save_form(
    request: HttpRequest,
    form: Any,
    change: Callable[[dict], Any],
    *,
    saved: str | Callable[[Any], str],
    then: str | Callable[[Any], str],
    stale: str,
    stale_then: str | None = None,
) -> HttpResponse | None:
    """Carry out a posted form's change: a redirect to answer with, or None to show the form
    again with its errors.

    `change(cleaned_data)` calls the domain function; its result goes to `saved` (the message)
    and `then` (the URL to go to) where they are callables, for a change that makes what the
    next page shows. `stale` is the message when the record changed meanwhile, and
    `stale_then` the URL that shows the record as it is now (default: `then`, which must then
    be a URL).
    """
    if stale_then is None and callable(then):
        raise TypeError("save_form: a callable `then` needs a `stale_then` URL")
    if not form.is_valid():
        return None
    try:
        result = change(form.cleaned_data)
    except StaleVersion:
        messages.error(request, stale)
        return redirect(stale_then or then)
    except ValidationError as error:
        form.apply_errors(error)
        return None
    messages.success(request, saved(result) if callable(saved) else saved)
    return redirect(then(result) if callable(then) else then)
