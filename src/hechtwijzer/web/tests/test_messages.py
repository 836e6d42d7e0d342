"""Messages waiting in the session are bounded (web/messages.py): a client that posts again and
again without loading a page cannot make every request carry a growing pile of them, and a
warning is never pushed out by confirmations."""

import datetime

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.test import TestCase
from django.utils import timezone

from hechtwijzer.testing import PASSWORD, build_world
from hechtwijzer.web.messages import KEEP, KEEP_WARNINGS, bounded


def test_the_newest_confirmations_and_every_recent_warning_are_kept_in_order():
    messages = [Message(constants.SUCCESS, f"saved {n}") for n in range(10)]
    messages.insert(2, Message(constants.WARNING, "a concern to pass on"))
    messages.append(Message(constants.ERROR, "not saved"))
    kept = bounded(messages)
    assert [m.message for m in kept] == [
        "a concern to pass on",
        *(f"saved {n}" for n in range(10 - KEEP, 10)),
        "not saved",
    ]


def test_warnings_are_bounded_too():
    messages = [Message(constants.WARNING, f"w {n}") for n in range(KEEP_WARNINGS + 7)]
    assert [m.message for m in bounded(messages)] == [
        f"w {n}" for n in range(7, KEEP_WARNINGS + 7)
    ]


def test_few_messages_are_all_kept():
    messages = [Message(constants.SUCCESS, "saved"), Message(constants.INFO, "note")]
    assert bounded(messages) == messages


class QuickLogsWithoutAPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_twelve_quick_logs_in_a_row_leave_the_newest_five_confirmations(self):
        self.client.login(username="anna", password=PASSWORD)
        url = f"/pupils/{self.w.piet.public_id}/observe/"
        for n in range(12):
            day = timezone.localdate() - datetime.timedelta(days=n)
            response = self.client.post(
                url, {"signals": ["concentration"], "observed_on": day.isoformat()}
            )
            assert response.status_code == 302
        page = self.client.get("/").content.decode()
        # The newest five of the twelve waited; the older seven were dropped.
        assert page.count("Opgeslagen: 1 signaal voor Piet.") == KEEP
        # Shown once: the next page has none of them.
        assert "Opgeslagen" not in self.client.get("/").content.decode()
