"""The focus card page's weight for the demo's busiest pupil (issue 15): below 150 KB of HTML,
so it loads quickly on a phone in class. Built from the real demo (`hechtwijzer demo`), and the
busiest pupil is found by counting, not named: the one with the most signals logged."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from hechtwijzer.observations.models import ObservationSignal
from hechtwijzer.schools.models import Membership, Pupil, Role

MAX_BYTES = 150_000


def busiest_pupil() -> Pupil:
    counts = (
        ObservationSignal.objects.values("pupil").annotate(n=Count("id")).order_by("-n", "pupil")
    )
    return Pupil.objects.select_related("group").get(pk=counts[0]["pupil"])


@pytest.mark.django_db
def test_the_busiest_demo_pupils_card_is_below_150_kb():
    call_command("demo", stdout=io.StringIO())
    pupil = busiest_pupil()
    assert pupil.focus_cards.exists()  # the demo's busiest pupil has a card with ticks
    teacher = Membership.objects.filter(groups=pupil.group_id, role=Role.TEACHER).first().user
    client = Client()
    client.force_login(teacher)
    response = client.get(f"/pupils/{pupil.public_id}/focuskaart/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card-number"') >= 39  # the whole card, not an error page
    assert 'class="recommended"' in page
    assert len(response.content) < MAX_BYTES, len(response.content)
