"""The demo shows the parents' part: one pupil per school with a parent conversation about the
newest card and the parents' consent on it, on the card page."""

import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from hechtwijzer.parents.models import Consent, ParentConversation, PlanConsent


class DemoParentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())

    def test_one_pupil_per_school_has_a_conversation_and_consent(self):
        conversations = list(ParentConversation.objects.select_related("pupil__school", "card"))
        assert sorted(c.pupil.school.country for c in conversations) == ["BE", "NL"]
        for conversation in conversations:
            assert conversation.agreements and conversation.card is not None
            consent = PlanConsent.objects.get(card=conversation.card)
            assert consent.status == Consent.GIVEN and consent.parents_view
            # The group's teacher sees it on the card page.
            teacher = conversation.recorded_by
            self.client.force_login(teacher)
            page = self.client.get(reverse("plans:card", args=[conversation.pupil.public_id]))
            assert consent.parents_view in page.content.decode()
        flemish = next(c for c in conversations if c.pupil.school.country == "BE")
        assert "klasleerkracht" in flemish.attendees
        assert "groepsleerkracht" not in flemish.attendees
