"""The demo shows referrals: per school one sent with a working link for the professional (the
wijkteam at the Dutch school, the CLB at the Flemish one) and one answered, on the care
coordinator's open list until answered."""

import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from hechtwijzer.referrals.models import Referral, Status
from hechtwijzer.referrals.queries import open_referrals


class DemoReferralsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())

    def test_each_school_has_a_sent_and_an_answered_referral(self):
        referrals = list(Referral.objects.select_related("pupil__school", "link"))
        by_country = {(r.pupil.school.country, r.status): r.partner for r in referrals}
        assert by_country == {
            ("NL", Status.SENT): "wijkteam",
            ("NL", Status.ANSWERED): "jeugdarts",
            ("BE", Status.SENT): "clb",
            ("BE", Status.ANSWERED): "clb",
        }
        for referral in referrals:
            assert referral.link.is_active() and referral.observations.exists()
            assert not referral.include_safeguarding
        assert sorted(r.pupil.school.country for r in open_referrals()) == ["BE", "NL"]

    def test_the_coordinator_opens_the_referral_and_its_summary(self):
        referral = Referral.objects.filter(status=Status.ANSWERED).select_related("pupil").first()
        self.client.force_login(referral.sent_by)
        pid = referral.pupil.public_id
        page = self.client.get(reverse("referrals:detail", args=[pid, referral.uid]))
        assert page.status_code == 200 and referral.answer in page.content.decode()
        pdf = self.client.get(reverse("referrals:summary_pdf", args=[pid, referral.uid]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
