"""Response headers and small things of the web layer: the Permissions-Policy on every response,
messages kept in the session (not in a cookie), and a favicon."""

from __future__ import annotations

import time

from django.test import Client, TestCase
from django.utils import timezone

from hechtwijzer.accounts.middleware import LAST_ACTIVITY_KEY
from hechtwijzer.testing import PASSWORD, build_world

OFF = ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort")


def features(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


class PermissionsPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_every_kind_of_response_switches_the_unused_features_off(self):
        self.client.raise_request_exception = False
        self.client.login(username="anna", password=PASSWORD)
        responses = {
            "page": self.client.get(f"/pupils/{self.w.piet.public_id}/"),
            "pdf": self.client.get(f"/pupils/{self.w.piet.public_id}/focuskaart.pdf"),
            "not found": self.client.get("/no-such-page/"),
            "bad host": self.client.get("/", HTTP_HOST="evil.example"),
            # Served by WhiteNoise, before the app's own middleware, like the static files.
            "favicon": self.client.get("/favicon.ico"),
            "log-in page": Client().get("/"),
        }
        statuses = {name: r.status_code for name, r in responses.items()}
        assert statuses == {
            "page": 200,
            "pdf": 200,
            "not found": 404,
            "bad host": 400,
            "favicon": 200,
            "log-in page": 200,
        }
        for name, response in responses.items():
            policy = features(response["Permissions-Policy"])
            for feature in OFF:
                assert policy[feature] == "()", (name, feature)
            assert set(policy.values()) == {"()"}, name  # nothing is allowed to anyone


class MessagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def test_a_message_naming_a_pupil_stays_on_the_server(self):
        # Before: Django's default storage put it in a signed cookie, readable by anyone who
        # sees the cookie (signed is not encrypted): "Opgeslagen: 1 signaal voor Piet".
        self.client.login(username="anna", password=PASSWORD)
        response = self.client.post(
            f"/pupils/{self.w.piet.public_id}/observe/",
            {"signals": ["quick_anger"], "observed_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 302
        assert "messages" not in response.cookies
        assert all("Piet" not in c.value for c in self.client.cookies.values())
        page = self.client.get(response["Location"])
        self.assertContains(page, "voor Piet")
        self.assertNotContains(self.client.get(response["Location"]), "voor Piet")  # shown once

    def test_the_idle_log_out_message_survives_the_flushed_session(self):
        # The log-out flushes the session; the message is stored when the response is made,
        # into the new (anonymous) session, so the log-in page still tells why.
        client = Client()
        assert client.login(username="anna", password=PASSWORD)
        session = client.session
        session[LAST_ACTIVITY_KEY] = int(time.time()) - 31 * 60
        session.save()
        response = client.get(f"/pupils/{self.w.piet.public_id}/", follow=True)
        assert not response.wsgi_request.user.is_authenticated
        self.assertContains(response, "U bent uitgelogd omdat Hechtwijzer een tijd niet is")
        assert "messages" not in client.cookies


class FaviconTests(TestCase):
    def test_the_browser_finds_a_favicon_at_the_root(self):
        # Browsers ask for /favicon.ico on every page (the PDF and JSON views included); a
        # 404 there is an error in every browser console.
        response = Client().get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        body = b"".join(response.streaming_content)
        assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
        self.assertContains(Client().get("/"), '<link rel="icon" href="/favicon.ico">')
