"""Read links: a token shown once and stored hashed, one document per link, the same 404 for
an unknown, expired or revoked token, every opening audited with the client's address, a
throttle on misses, and the staff's list with revoke buttons."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hechtwijzer.access import Perm
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.parents.tests.helpers import AGREEMENTS, conversation_for, flat, pdf_text
from hechtwijzer.plans import actions as plan_actions
from hechtwijzer.readlinks import actions, kinds
from hechtwijzer.readlinks.models import ReadLink, token_hash
from hechtwijzer.schools.models import Pupil, PupilStatus
from hechtwijzer.testing import PASSWORD, build_world


class ReadLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        cls.card = plan_actions.start_card(actor=w.anna, pupil=w.piet)
        plan_actions.set_column(
            actor=w.anna,
            pupil=w.piet,
            measure_code="sticordi_01",
            column="trying",
            value=True,
            seen=False,
        )
        cls.conversation = conversation_for(w.piet, w.anna, card=cls.card)

    def login(self, name):
        assert self.client.login(username=name, password=PASSWORD)

    def make(self, **data):
        """A link made through the page, as a teacher does; returns (response, token)."""
        form = {"recipient": "moeder en vader van Piet", "days": "14"}
        form.update(data)
        response = self.client.post(
            reverse("parents:plan_link", args=[self.w.piet.public_id]), form
        )
        found = re.search(r"/l/([A-Za-z0-9_-]{43})/", response.content.decode())
        return response, found[1] if found else None

    def open(self, token, client=None, **extra):
        return (client or self.client_class()).get(f"/l/{token}/", **extra)

    # --- making a link ----------------------------------------------------------------------

    def test_the_token_is_shown_once_and_stored_only_hashed(self):
        self.login("anna")
        response, token = self.make(agreements=str(self.conversation.uid))
        assert response.status_code == 200 and token
        link = ReadLink.objects.get()
        assert link.token_hash == token_hash(token)
        stored = " ".join(str(v) for v in ReadLink.objects.values_list().get())
        assert token not in stored
        assert link.kind == "parent_plan" and link.target == str(self.card.uid)
        assert link.options == {"agreements": str(self.conversation.uid), "lang": "nl"}
        assert datetime.timedelta(days=13, hours=23) < link.expires_at - timezone.now()
        entry = AuditEntry.objects.get(action="readlink.create")
        assert entry.details == {"link": str(link.uid), "kind": "parent_plan", "days": 14}
        assert token not in str(entry.details)
        # The list page never shows it again.
        page = self.client.get(reverse("readlinks:pupil_links", args=[self.w.piet.public_id]))
        assert token not in page.content.decode()
        assert "moeder en vader van Piet" in page.content.decode()

    def test_at_most_30_days_and_a_recipient_is_required(self):
        self.login("anna")
        self.make(days="31")
        self.make(recipient="")
        assert not ReadLink.objects.exists()
        with self.assertRaises(ValidationError):
            actions.create_link(
                actor=self.w.anna,
                pupil=self.w.piet,
                kind="parent_plan",
                target=str(self.card.uid),
                recipient="ouders",
                days=31,
            )
        other_card = plan_actions.start_card(actor=self.w.bram, pupil=self.w.mo)
        with self.assertRaises(ValidationError):  # another pupil's card
            actions.create_link(
                actor=self.w.carla,
                pupil=self.w.piet,
                kind="parent_plan",
                target=str(other_card.uid),
                recipient="ouders",
            )
        with self.assertRaises(ValidationError):
            actions.create_link(
                actor=self.w.anna, pupil=self.w.piet, kind="nothing", target="x", recipient="x"
            )
        with self.assertRaises(PermissionDenied):
            actions.create_link(
                actor=self.w.bram,
                pupil=self.w.piet,
                kind="parent_plan",
                target=str(self.card.uid),
                recipient="ouders",
            )

    # --- opening a link ---------------------------------------------------------------------

    def test_the_link_holder_gets_the_plan_with_closed_headers_and_an_audit_entry(self):
        self.login("anna")
        _response, token = self.make(agreements=str(self.conversation.uid))
        link = ReadLink.objects.get()
        response = self.open(token, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow, noarchive"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Content-Disposition"].startswith("inline;")
        text = flat(pdf_text(response.content))
        assert "Piet" in text and AGREEMENTS.split("\n\n")[0] in text
        entry = AuditEntry.objects.get(action="readlink.view")
        assert entry.details == {"link": str(link.uid), "kind": "parent_plan"}
        assert entry.remote_addr == "198.51.100.7"
        assert entry.pupil_public_id == self.w.piet.public_id
        assert entry.username == ""  # no account
        link.refresh_from_db()
        assert link.views == 1 and link.last_viewed_at is not None

    def test_unknown_expired_and_revoked_tokens_answer_the_same_404(self):
        self.login("anna")
        _response, expired = self.make()
        _response, revoked = self.make()
        ReadLink.objects.filter(token_hash=token_hash(expired)).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        revoke_url = reverse(
            "readlinks:revoke",
            args=[self.w.piet.public_id, ReadLink.objects.get(token_hash=token_hash(revoked)).uid],
        )
        assert self.client.post(revoke_url).status_code == 302
        unknown = "A" * 43
        answers = [self.open(t) for t in (unknown, expired, revoked, "short", "x" * 3000)]
        assert {a.status_code for a in answers} == {404}
        assert len({a.content for a in answers}) == 1
        for answer in answers:
            assert answer["Referrer-Policy"] == "no-referrer"
            assert "noindex" in answer["X-Robots-Tag"]
        misses = AuditEntry.objects.filter(action="readlink.miss").order_by("id")
        assert [m.details.get("why") for m in misses] == [None, "expired", "revoked", None, None]
        assert misses[1].pupil_public_id == self.w.piet.public_id
        assert not AuditEntry.objects.filter(action="readlink.view").exists()

    def test_a_link_stops_when_the_pupil_leaves_the_school(self):
        self.login("anna")
        _response, token = self.make()
        assert self.open(token).status_code == 200
        Pupil.objects.filter(pk=self.w.piet.pk).update(
            status=PupilStatus.LEFT, left_on=timezone.localdate()
        )
        assert self.open(token).status_code == 404
        miss = AuditEntry.objects.filter(action="readlink.miss").get()
        assert miss.details["why"] == "pupil_left"

    def test_many_misses_from_one_address_throttle_it(self):
        self.login("anna")
        _response, token = self.make()
        for _ in range(actions.MISS_LIMIT):
            assert self.open("B" * 43, REMOTE_ADDR="203.0.113.9").status_code == 404
        refused = self.open(token, REMOTE_ADDR="203.0.113.9")
        assert refused.status_code == 429
        assert refused["Referrer-Policy"] == "no-referrer"
        # Another address is not affected, and the throttle writes nothing more.
        assert self.open(token, REMOTE_ADDR="203.0.113.10").status_code == 200
        count = AuditEntry.objects.filter(action="readlink.miss").count()
        self.open("B" * 43, REMOTE_ADDR="203.0.113.9")
        assert AuditEntry.objects.filter(action="readlink.miss").count() == count

    def test_the_link_holder_reaches_nothing_else(self):
        self.login("anna")
        _response, token = self.make()
        holder = self.client_class()
        assert self.open(token, client=holder).status_code == 200
        pid = self.w.piet.public_id
        for url in (
            reverse("pupil", args=[pid]),
            reverse("plans:card", args=[pid]),
            reverse("plans:pdf", args=[pid]),
            reverse("parents:page", args=[pid]),
            reverse("parents:plan_pdf", args=[pid]),
            reverse("readlinks:pupil_links", args=[pid]),
        ):
            response = holder.get(url)
            assert response.status_code == 302 and "/?next=" in response["Location"], url
        assert holder.get(f"/l/{token}/other/").status_code == 404
        assert holder.post(f"/l/{token}/").status_code == 405

    # --- the list and revoking ----------------------------------------------------------------

    def test_the_list_shows_active_links_with_revoke_buttons_in_few_queries(self):
        self.login("anna")
        self.make()
        url = reverse("readlinks:pupil_links", args=[self.w.piet.public_id])
        with self.assertNumQueries(7):
            page = self.client.get(url)
        for _ in range(4):
            self.make()
        with self.assertNumQueries(7):
            page = self.client.get(url)
        body = page.content.decode()
        assert body.count("/revoke/") == 5  # one revoke button per link
        assert AuditEntry.objects.filter(action="readlink.list").count() == 2

    def test_who_may_not_share_gets_404_and_cannot_revoke(self):
        self.login("anna")
        self.make()
        link = ReadLink.objects.get()
        self.client.logout()
        for name in ("bram", "dirk", "erik"):
            self.login(name)
            pid = self.w.piet.public_id
            assert self.client.get(reverse("readlinks:pupil_links", args=[pid])).status_code == 404
            url = reverse("readlinks:revoke", args=[pid, link.uid])
            assert self.client.post(url).status_code == 404
            self.client.logout()
        link.refresh_from_db()
        assert link.revoked_at is None
        self.login("carla")  # the care coordinator may revoke a teacher's link
        url = reverse("readlinks:revoke", args=[self.w.piet.public_id, link.uid])
        assert self.client.post(url).status_code == 302
        link.refresh_from_db()
        assert link.revoked_by == self.w.carla
        assert AuditEntry.objects.get(action="readlink.revoke").details["link"] == str(link.uid)

    # --- the registry ---------------------------------------------------------------------------

    def test_another_kind_of_document_plugs_in(self):
        kind = kinds.DocumentKind(
            code="test_note",
            label=lambda: "a test note",
            permission=Perm.VIEW_FACTORS,  # e.g. only the care coordinator
            check=lambda *, pupil, target, options: {},
            render=lambda link: kinds.Document(b"hello", "text/plain", "inline"),
        )
        kinds.register(kind)
        try:
            with self.assertRaises(PermissionDenied):
                actions.create_link(
                    actor=self.w.anna,
                    pupil=self.w.piet,
                    kind="test_note",
                    target="1",
                    recipient="x",
                )
            link, token = actions.create_link(
                actor=self.w.carla, pupil=self.w.piet, kind="test_note", target="1", recipient="x"
            )
            response = self.open(token)
            assert response.status_code == 200 and response.content == b"hello"
            # The teacher's list does not show a kind she may not make.
            self.login("anna")
            page = self.client.get(reverse("readlinks:pupil_links", args=[self.w.piet.public_id]))
            assert "a test note" not in page.content.decode()
        finally:
            kinds._KINDS.pop("test_note")
        # A link of a kind no longer registered opens nothing.
        assert self.open(token).status_code == 404
        assert link.pk


class ReadLinkTrailTests(TestCase):
    """The pupil's audit trail and the access export name the link holder's readings as such."""

    @classmethod
    def setUpTestData(cls):
        w = cls.w = build_world()
        card = plan_actions.start_card(actor=w.anna, pupil=w.piet)
        cls.link, cls.token = actions.create_link(
            actor=w.anna, pupil=w.piet, kind="parent_plan", target=str(card.uid), recipient="ouders"
        )

    def test_the_trail_shows_the_openings_and_the_export_names_the_link_holder(self):
        from hechtwijzer.privacy.export import Parts, build_export

        assert self.client_class().get(f"/l/{self.token}/").status_code == 200
        actions.revoke_link(actor=self.w.anna, link=self.link)
        assert self.client_class().get(f"/l/{self.token}/").status_code == 404
        self.client.login(username="carla", password=PASSWORD)
        page = self.client.get(reverse("privacy:audit", args=[self.w.piet.public_id]))
        body = page.content.decode()
        assert "Leeslinks" in body and "geweigerd" in body
        export = build_export(self.w.piet, lang="en", parts=Parts(care=True, safeguarding=False))
        trail = export["trail"]
        holder = [row for row in trail if row["role_text"] == "someone with a read link"]
        assert [(row["name"], row["role"], row["read"], row["changed"]) for row in holder] == [
            ("", None, 1, 0)  # one opening; the refused one is not an access to the data
        ]
