"""The test world for the reminders: the personas of `hechtwijzer.testing` with e-mail
addresses, and focus cards made through the domain functions."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.testing import build_world

TODAY = datetime.date(2026, 12, 9)  # a Wednesday
SECRET_NOTE = "Zegt thuis geslagen te worden"  # must never reach a mail


def world():
    w = build_world()
    users = get_user_model().objects
    for persona in ("anna", "bram", "carla", "dirk", "hugo", "erik", "fien"):
        users.filter(username=persona).update(email=f"{persona}@school.example")
        getattr(w, persona).refresh_from_db()
    return w


def card(pupil, teacher, due: datetime.date, *, co_teachers=()):
    start = due - datetime.timedelta(weeks=6)
    made = plan_actions.start_card(
        actor=teacher, pupil=pupil, period_start=start, evaluation_due=due
    )
    if co_teachers:
        made.co_teachers.set(co_teachers)
    return made


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def outbox_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


class FailingBackend(EmailBackend):
    """The locmem backend, except that the mail server refuses anna's mails."""

    def send_messages(self, messages):
        for message in messages:
            if "anna@school.example" in message.to:
                raise ConnectionRefusedError("mail server refused the connection")
        return super().send_messages(messages)
