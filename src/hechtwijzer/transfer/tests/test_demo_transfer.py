"""The demo shows a transfer report being prepared at each school."""

from django.test import TestCase

from hechtwijzer.demo.schools import load
from hechtwijzer.transfer import report
from hechtwijzer.transfer.models import Transfer


class DemoTransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()

    def test_each_demo_school_prepares_one_transfer_with_the_parents_viewing(self):
        transfers = list(Transfer.objects.select_related("pupil__school"))
        assert sorted(t.pupil.school.country for t in transfers) == ["BE", "NL"]
        for transfer in transfers:
            assert transfer.parents_viewed_on is not None
            content = report.build(transfer.pupil, lang="nl")
            assert content["support"] and content["included"] == []
            assert content["receiving_school"].endswith("(fictief)")
            if transfer.pupil.school.country == "NL":
                assert content["parents"]["view"]
            else:
                assert content["parents"]["view"] == ""
