"""`hechtwijzer generate`: the synthetic benchmark dataset (issue 8)."""

import io
import json
import statistics
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.care.models import ROUTE_STEPS, SafeguardingConcern
from hechtwijzer.catalog import get_catalog
from hechtwijzer.demo import synthetic
from hechtwijzer.observations.models import Observation, ObservationSignal
from hechtwijzer.plans.actions import signal_figures
from hechtwijzer.plans.models import Evaluation, FocusCard
from hechtwijzer.schools.models import Group, Membership, Pupil, School

SMALL = ("--pupils-per-school", "32", "--observations-per-pupil", "10")


def generate(*args):
    out = io.StringIO()
    call_command("generate", *args, stdout=out)
    return out.getvalue()


def manifest(scale=2, seed=7):
    return json.loads(generate("--scale", str(scale), "--seed", str(seed), *SMALL, "--json"))


def everything() -> dict[str, int]:
    return synthetic.table_counts()


def shape_of_school(name: str) -> list:
    """Per pupil (in creation order): name, birth date, status, and its observation days."""
    school = School.objects.get(name=name)
    return [
        (
            p.first_name,
            p.last_name,
            p.date_of_birth,
            p.status,
            sorted(p.observations.values_list("observed_on", flat=True)),
        )
        for p in Pupil.objects.filter(school=school).order_by("pk")
    ]


@pytest.mark.django_db
def test_it_fills_plausible_counts_with_a_skewed_spread():
    data = manifest()
    counts = data["counts"]
    assert counts["schools"] == 2 and counts["pupils"] == 64 and counts["groups"] == 32
    assert sorted(School.objects.values_list("country", flat=True)) == ["BE", "NL"]
    assert all(s.is_demo and "(synthetisch)" in s.name for s in School.objects.all())
    assert counts["observations"] == 2 * 32 * 10
    assert counts["observations"] <= counts["observation_signals"] <= 3 * counts["observations"]
    assert counts["focus_cards"] >= 2 * 2  # at least the card pupil's two versions per school
    assert counts["safeguarding_concerns"] >= 2
    # One observation.create per observation, about one read per two observations.
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    assert actions["observation.create"] == counts["observations"]
    assert abs(actions["pupil.view"] - counts["observations"] / 2) <= 2
    for school in data["schools"]:
        per_pupil = [p.observations.count() for p in Pupil.objects.filter(school_id=school["id"])]
        assert sum(per_pupil) == 32 * 10
        assert per_pupil.count(0) >= len(per_pupil) // 5  # many pupils have nothing
        assert max(per_pupil) >= 4 * statistics.median(per_pupil)
        assert max(per_pupil) == school["target"]["heavy_pupil_observations"]
        roles = Counter(
            Membership.objects.filter(school_id=school["id"]).values_list("role", flat=True)
        )
        assert roles["care_coordinator"] == 1 and roles["school_admin"] == 1
        assert roles["teacher"] >= 16 + 1  # a teacher per group (some duos) and the gym teacher


@pytest.mark.django_db
def test_signal_rows_copy_their_observation_and_the_catalog_group():
    manifest()
    groups = {s.code: s.group for s in get_catalog().signals}
    rows = list(ObservationSignal.objects.select_related("observation"))
    assert rows
    for row in rows:
        observation = row.observation
        assert row.pupil_id == observation.pupil_id
        assert row.observed_on == observation.observed_on
        assert row.informant == observation.informant
        assert row.withdrawn == (observation.withdrawn_at is not None)
        assert row.signal_group == groups[row.code]
    per_observation = Counter(row.observation_id for row in rows)
    assert set(per_observation.values()) <= {1, 2, 3}
    assert len(per_observation) == Observation.objects.count()


@pytest.mark.django_db
def test_observations_are_dated_on_their_day_and_notes_are_encrypted():
    manifest()
    observations = list(Observation.objects.all())
    today = timezone.localdate()
    for observation in observations:
        assert observation.observed_on <= today and observation.observed_on.weekday() < 5
        assert timezone.localdate(observation.created_at) == observation.observed_on
    noted = [o for o in observations if o.note]
    assert noted and all(o.note in synthetic.NOTES for o in noted)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM observations_observation WHERE note <> ''")
        stored = [value for (value,) in cursor.fetchall()]
    assert stored and not any(value in synthetic.NOTES for value in stored)
    withdrawn = [o for o in observations if o.withdrawn_at]
    assert all(o.withdrawn_by_id == o.author_id for o in withdrawn)
    # The timestamps went in as given, and the fields are back to normal afterwards.
    assert Observation._meta.get_field("created_at").auto_now_add


@pytest.mark.django_db
def test_evaluations_hold_the_figures_the_app_would_have_computed():
    manifest()
    evaluations = list(Evaluation.objects.select_related("card__pupil"))
    assert evaluations
    for evaluation in evaluations:
        card = evaluation.card
        assert card.closed_at is not None
        expected = signal_figures(card.pupil, card.period_start, evaluation.evaluated_on)
        assert evaluation.figures == expected
        following = FocusCard.objects.get(pupil=card.pupil, number=card.number + 1)
        assert following.period_start == evaluation.evaluated_on
        assert following.evaluation_due == evaluation.next_evaluation
    for concern in SafeguardingConcern.objects.prefetch_related("steps", "observations"):
        assert 1 <= concern.observations.count() <= 3
        codes = [step.step for step in concern.steps.all()]
        assert codes == list(ROUTE_STEPS[concern.route][: len(codes)])


@pytest.mark.django_db
def test_school_one_has_the_same_shape_at_every_scale():
    class Rollback(Exception):
        pass

    shapes = []
    targets = []
    for scale in (1, 2):
        try:
            with transaction.atomic():
                data = manifest(scale=scale, seed=3)
                shapes.append(shape_of_school(data["schools"][0]["name"]))
                target = dict(data["schools"][0]["target"])
                targets.append(target["heavy_pupil_observations"])
                raise Rollback
        except Rollback:
            pass
    assert School.objects.count() == 0
    assert shapes[0] == shapes[1]
    assert targets[0] == targets[1]
    assert sum(len(days) for *_rest, days in shapes[0]) == 32 * 10


@pytest.mark.django_db
def test_the_manifest_accounts_log_in_and_its_pages_answer():
    data = manifest()
    assert len(data["password"]) >= 12
    for school in data["schools"]:
        target = school["target"]
        group = Group.objects.get(pk=target["group_id"])
        heavy = Pupil.objects.get(public_id=target["heavy_pupil"])
        card_pupil = Pupil.objects.get(public_id=target["card_pupil"])
        assert heavy.group == group and card_pupil.group == group
        assert Membership.objects.filter(user__username=target["teacher"], groups=group).exists()
        open_card = FocusCard.objects.get(pupil=card_pupil, closed_at__isnull=True)
        assert open_card.number >= 2
        assert Evaluation.objects.filter(card__pupil=card_pupil).exists()
        assert all(Pupil.objects.get(public_id=p).group == group for p in target["quiet_pupils"])

        client = Client()
        assert client.login(username=target["teacher"], password=data["password"])
        assert client.get(f"/groups/{group.pk}/").status_code == 200
        assert client.get(f"/pupils/{heavy.public_id}/").status_code == 200
        assert client.get(f"/pupils/{card_pupil.public_id}/focuskaart/").status_code == 200
        for username in (school["coordinator"], school["admin"]):
            assert Client().login(username=username, password=data["password"])
        assert not Client().login(username=target["teacher"], password="wrong")


@pytest.mark.django_db
def test_it_prints_a_summary_by_default():
    text = generate("--scale", "1", *SMALL)
    assert "Generated 1 schools" in text and "observations" in text


@pytest.mark.django_db
def test_it_refuses_a_database_that_is_not_empty():
    School.objects.create(name="Echte school", country="NL")
    with pytest.raises(CommandError, match=r"not empty \(1 schools, 0 users\)"):
        generate("--scale", "1", *SMALL)
    assert School.objects.count() == 1 and Pupil.objects.count() == 0

    School.objects.all().delete()
    get_user_model().objects.create_user("someone", password="x")
    with pytest.raises(CommandError, match="not empty"):
        generate("--scale", "1", *SMALL)
    assert everything()["schools"] == 0 and everything()["users"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scale", "0"), "--scale must be at least 1"),
        (("--scale", "1", "--pupils-per-school", "15"), "--pupils-per-school must be at least 16"),
        (("--scale", "1", "--observations-per-pupil", "-1"), "--observations-per-pupil must be 0"),
    ],
)
def test_it_refuses_bad_options(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        generate(*args)
    assert "\n" not in str(raised.value)
    assert not any(everything().values())


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    real = synthetic._SchoolBuilder._cards

    def failing(self):
        if self.index == 2:
            raise RuntimeError("disk full")
        real(self)

    monkeypatch.setattr(synthetic._SchoolBuilder, "_cards", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        generate("--scale", "2", *SMALL)
    assert not any(everything().values())
    assert Observation._meta.get_field("created_at").auto_now_add  # restored after a failure


@pytest.mark.django_db
def test_zero_observations_still_gives_every_school_its_targets():
    data = json.loads(
        generate(
            "--scale", "1", "--pupils-per-school", "16", "--observations-per-pupil", "0", "--json"
        )
    )
    assert data["counts"]["observations"] == 0
    target = data["schools"][0]["target"]
    assert FocusCard.objects.filter(pupil__public_id=target["card_pupil"]).count() >= 2
