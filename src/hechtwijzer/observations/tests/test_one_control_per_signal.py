"""One checkbox per signal on the log and correction forms (issue 15).

A signal used to appear twice (under "Most used by you" and in its group) as two unsynchronised
checkboxes: unticking one copy in a correction reported "corrected" while the other copy kept
the signal. These tests read the page as a browser does: every checked box is sent.
"""

from html.parser import HTMLParser

from django.test import TestCase
from django.utils import timezone

from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions
from hechtwijzer.observations.models import Observation
from hechtwijzer.testing import PASSWORD, build_world


class _Checkboxes(HTMLParser):
    """The form's signal checkboxes as (id, value, checked), in page order."""

    def __init__(self):
        super().__init__()
        self.boxes = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "signals":
            self.boxes.append((attributes.get("id"), attributes["value"], "checked" in attributes))


def checkboxes(page: str):
    parser = _Checkboxes()
    parser.feed(page)
    return parser.boxes


class OneControlPerSignalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        today = timezone.localdate()
        # anna's habits: these signals become her "most used" tiles.
        for _ in range(3):
            actions.log_observation(
                actor=cls.w.anna,
                pupil=cls.w.lara,
                signals=["withdrawn", "impulsive"],
                observed_on=today,
            )

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.observe_url = f"/pupils/{self.w.piet.public_id}/observe/"

    def test_every_signal_has_exactly_one_checkbox_with_most_used_first(self):
        boxes = checkboxes(self.client.get(self.observe_url).content.decode())
        values = [value for _id, value, _checked in boxes]
        assert sorted(values) == sorted(s.code for s in get_catalog().signals)
        assert len(values) == len(set(values))
        assert values[:2] == ["impulsive", "withdrawn"]  # most used: an order, not a copy
        assert all(box_id == f"sig-{value}" for box_id, value, _checked in boxes)

    def test_unticking_a_most_used_signal_in_a_correction_removes_it(self):
        observation = actions.log_observation(
            actor=self.w.anna,
            pupil=self.w.piet,
            signals=["withdrawn", "impulsive"],
            observed_on=timezone.localdate(),
        )
        url = f"/pupils/{self.w.piet.public_id}/observations/{observation.uid}/correct/"
        page = self.client.get(url).content.decode()
        boxes = checkboxes(page)
        sent = [value for box_id, value, checked in boxes if checked and box_id != "sig-withdrawn"]
        response = self.client.post(url, {"signals": sent, "version": observation.version})
        assert response.status_code == 302
        observation.refresh_from_db()
        assert observation.signal_codes == ["impulsive"]

    def test_a_signal_sent_twice_counts_once(self):
        response = self.client.post(
            self.observe_url,
            {"signals": ["withdrawn", "withdrawn"], "observed_on": timezone.localdate()},
            follow=True,
        )
        assert "Opgeslagen: 1 signaal voor Piet." in response.content.decode()
        assert Observation.objects.filter(pupil=self.w.piet).get().signal_codes == ["withdrawn"]

    def test_a_suggested_signal_opens_its_group_and_is_marked(self):
        response = self.client.post(
            self.observe_url,
            {
                "note": "Hij sloeg een klasgenoot en was woedend",
                "suggest": "1",
                "observed_on": timezone.localdate().isoformat(),
            },
        )
        page = response.content.decode()
        group = get_catalog().get("signals", "quick_anger").group
        assert f'<details id="group-{group}" class="signal-group" open>' in page
        tile = '<label class="tile tile--suggested"><input type="checkbox" name="signals"'
        assert f'{tile} value="quick_anger"' in page
