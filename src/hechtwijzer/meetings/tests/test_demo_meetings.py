"""The demo shows the care-team meeting: per school one planned meeting with two pupils on the
agenda, and one held meeting with minutes and a decision for the pupil's teacher."""

import pytest

from hechtwijzer.demo.schools import load
from hechtwijzer.meetings.models import Meeting, MeetingStatus
from hechtwijzer.meetings.queries import open_decisions
from hechtwijzer.schools.models import School


@pytest.mark.django_db
def test_the_demo_has_a_planned_and_a_held_meeting_per_school():
    load()
    for school in School.objects.filter(is_demo=True):
        meetings = Meeting.objects.filter(school=school)
        planned = meetings.get(status=MeetingStatus.PLANNED)
        held = meetings.get(status=MeetingStatus.HELD)
        assert planned.items.count() == 2
        assert planned.title == ("MDO" if school.country == "BE" else "Leerlingbespreking")
        (item,) = held.items.all()
        assert item.minutes.startswith("In de klas gaat het beter")
        (decision,) = open_decisions(school=school)
        assert decision.item == item
        assert decision.owner in held.attendees.all()
        assert decision.owner != held.created_by  # the teacher does it
