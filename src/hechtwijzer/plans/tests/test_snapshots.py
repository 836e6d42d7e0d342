"""Snapshots for an honest evaluation (plans/snapshots.py): the profile a focus-card version
starts from and the one it is evaluated on, with the catalog's version, kept by the domain
functions; the closed card shows per measure the signals it was meant to address and how they
changed. Piet (group 3) is observed by anna, his teacher, ten weeks before the card starts:
restless and chaotic on three days, impulsive on two, crossing boundaries once, which resembles
the disinhibited type. By the evaluation he was restless once."""

import datetime
import io
import json

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.catalog import get_catalog
from hechtwijzer.observations import actions as observe
from hechtwijzer.plans import actions
from hechtwijzer.plans.documents import evaluation_snapshot
from hechtwijzer.plans.models import Evaluation, FocusCard
from hechtwijzer.testing import PASSWORD, build_world

pytestmark = pytest.mark.django_db

NOTE = "Rende tijdens de kring door het lokaal"  # free text that must never reach a snapshot


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - datetime.timedelta(days=n)


@pytest.fixture
def w():
    return build_world()


def observe_piet(w):
    for back, signals in (
        (90, ["restless_chaotic"]),
        (83, ["restless_chaotic", "impulsive"]),
        (76, ["restless_chaotic", "impulsive", "boundary_crossing"]),
    ):
        observe.log_observation(
            actor=w.anna, pupil=w.piet, signals=signals, observed_on=days_ago(back), note=NOTE
        )


def start_piets_card(w, *, own=True):
    """Version 1 started 70 days ago and due 28 days ago: measure 12 answers Piet's restless
    and impulsive behaviour, measure 9 (quick anger) none of what was seen."""
    card = actions.start_card(
        actor=w.anna, pupil=w.piet, period_start=days_ago(70), evaluation_due=days_ago(28)
    )
    for code, column in (("sticordi_12", "trying"), ("sticordi_09", "doing")):
        actions.set_column(
            actor=w.anna, pupil=w.piet, measure_code=code, column=column, value=True, seen=False
        )
    if own:
        actions.add_own_measure(actor=w.anna, pupil=w.piet, text="Vaste plek naast mij")
    card.refresh_from_db()
    return card


def evaluate(w, card):
    entries, own = actions.measures_tried(card)
    outcomes = {e.measure_code: ("worked", "") for e in entries}
    outcomes.update({f"own:{m.uid}": ("partly", "") for m in own})
    return actions.evaluate(
        actor=w.anna,
        card=card,
        outcomes=outcomes,
        decision="continue",
        referrals=[],
        next_evaluation=today() + datetime.timedelta(weeks=6),
    )


def by_code(snapshot):
    return {s["code"]: (s["count"], s["days"]) for s in snapshot["signals"]}


def test_starting_a_card_keeps_the_profile_it_starts_from(w):
    observe_piet(w)
    card = start_piets_card(w)
    snapshot = card.profile_at_start
    assert snapshot["format"] == 1
    assert snapshot["as_of"] == days_ago(70).isoformat()  # the start of the period
    assert snapshot["window_weeks"] == 8
    assert snapshot["catalog"] == get_catalog().version_tag
    assert snapshot["catalog"].startswith(get_catalog().version + "+")
    assert (snapshot["observations"], snapshot["days"]) == (3, 3)
    assert snapshot["insufficient_data"] is False
    assert by_code(snapshot) == {
        "restless_chaotic": (3, 3),
        "impulsive": (2, 2),
        "boundary_crossing": (1, 1),
    }
    assert "disinhibited" in [i["code"] for i in snapshot["indications"]]
    disinhibited = next(i for i in snapshot["indications"] if i["code"] == "disinhibited")
    assert set(disinhibited["signals"]) == {"restless_chaotic", "impulsive", "boundary_crossing"}
    assert snapshot["safeguarding"] == {"level": None, "reasons": []}
    assert snapshot["measures"]["sticordi_12"] == ["restless_chaotic", "impulsive"]
    assert "sticordi_09" not in snapshot["measures"]  # quick anger was not seen
    assert "sticordi_12" in snapshot["recommended"]
    # Codes, counts and dates only: no note, no name.
    text = json.dumps(snapshot, ensure_ascii=False)
    assert NOTE not in text and "Piet" not in text
    # Ticking and saving later keep the snapshot of the start.
    actions.set_column(
        actor=w.anna,
        pupil=w.piet,
        measure_code="sticordi_07",
        column="doing",
        value=True,
        seen=False,
    )
    card.refresh_from_db()
    assert card.profile_at_start == snapshot


def test_a_direct_safety_concern_is_a_level_in_the_snapshot_never_a_count(w):
    observe.log_observation(actor=w.anna, pupil=w.piet, signals=["discloses_harm"])
    card = actions.start_card(actor=w.anna, pupil=w.piet)
    snapshot = card.profile_at_start
    assert snapshot["as_of"] == today().isoformat()
    assert snapshot["safeguarding"]["level"] == "consult_now"
    assert snapshot["safeguarding"]["reasons"]
    assert "discloses_harm" not in json.dumps(snapshot["signals"])


def test_evaluating_keeps_the_profile_of_the_day_and_starts_the_next_version_from_it(w):
    observe_piet(w)
    card = start_piets_card(w)
    observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=days_ago(5)
    )
    evaluation, following = evaluate(w, card)
    snapshot = evaluation.profile_at_evaluation
    assert snapshot["as_of"] == today().isoformat()
    assert snapshot["catalog"] == get_catalog().version_tag
    assert by_code(snapshot) == {"restless_chaotic": (1, 1)}
    assert snapshot["indications"] == []
    assert following.profile_at_start == snapshot  # the next version starts from it
    stored = Evaluation.objects.get()
    assert stored.profile_at_evaluation == snapshot
    card.refresh_from_db()
    assert by_code(card.profile_at_start)["restless_chaotic"] == (3, 3)  # the start stays


def test_the_audit_trail_is_the_same_as_without_snapshots(w):
    observe_piet(w)
    card = start_piets_card(w)
    evaluate(w, card)
    entries = [
        (e.action, e.details)
        for e in AuditEntry.objects.filter(object_type="focuscard").order_by("id")
    ]
    assert entries == [
        ("focuscard.create", {"version": 1}),
        (
            "focuscard.tick",
            {"version": 1, "measure": "sticordi_12", "column": "trying", "value": True},
        ),
        (
            "focuscard.tick",
            {"version": 1, "measure": "sticordi_09", "column": "doing", "value": True},
        ),
        ("focuscard.own_measure.add", {"version": 1}),
        ("focuscard.evaluate", {"version": 1, "decision": "continue", "next": 2}),
    ]


def closed_card_page(client, pupil, username="anna"):
    client.login(username=username, password=PASSWORD)
    response = client.get(f"/pupils/{pupil.public_id}/focuskaart/v1/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_closed_card_shows_per_measure_the_signals_it_was_meant_for(w, client):
    observe_piet(w)
    card = start_piets_card(w)
    observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=days_ago(5)
    )
    evaluate(w, card)
    page = closed_card_page(client, w.piet)
    assert "Waarvoor de maatregelen bedoeld waren" in page
    section = page.split('id="snapshots-heading"')[1].split("</section>")[0]
    measure_12 = section.split("Positief geformuleerde eisen")[1].split("</tbody>")[0]
    assert "Druk en chaotisch" in measure_12 and "Druk, impulsief en ongeconcentreerd" in measure_12
    assert "3× op 3 dagen" in measure_12 and "1× op 1 dag" in measure_12
    assert "minder" in measure_12 and "niet gezien" in measure_12  # impulsive: gone
    assert "aanbevolen" in measure_12
    assert (
        "Geen van de signalen die bij de start werden gezien, hoort bij deze maatregel." in section
    )
    assert "Een eigen maatregel: die is niet gekoppeld aan signalen in de kennisbank." in section
    assert f"Versie van de kennisbank: {get_catalog().version_tag}." in section
    assert "Ontremd type" in section  # the indication at the start
    assert "Veiligheid:" not in section  # the teacher does not keep the safeguarding record
    coordinator = closed_card_page(client, w.piet, "carla")
    assert "Veiligheid: geen bij de start, geen bij de evaluatie." in coordinator


def test_a_changed_catalog_between_start_and_evaluation_is_named(w, client):
    observe_piet(w)
    card = start_piets_card(w)
    start = {**card.profile_at_start, "catalog": "2025.9+000000000000"}
    FocusCard.objects.filter(pk=card.pk).update(profile_at_start=start)
    card.refresh_from_db()
    form = client_page(client, w, f"/pupils/{w.piet.public_id}/focuskaart/evaluate/")
    assert "De kennisbank is sinds de start gewijzigd (versie 2025.9+000000000000" in form
    evaluate(w, card)
    page = closed_card_page(client, w.piet)
    assert (
        "De kennisbank is tussen de start (versie 2025.9+000000000000) en de evaluatie "
        f"(versie {get_catalog().version_tag}) gewijzigd." in page
    )
    assert "Versie van de kennisbank:" not in page


def client_page(client, w, url, username="anna"):
    client.login(username=username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_evaluation_form_shows_what_each_measure_was_meant_for(w, client):
    observe_piet(w)
    start_piets_card(w)
    observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=days_ago(5)
    )
    form = client_page(client, w, f"/pupils/{w.piet.public_id}/focuskaart/evaluate/")
    assert (
        "Bedoeld voor: Druk en chaotisch (toen 3×, nu 1×), Druk, impulsief en ongeconcentreerd "
        "(toen 2×, nu 0×)" in form
    )
    assert "Een eigen maatregel" in form
    assert "gewijzigd" not in form


def test_cards_from_before_snapshots_say_so(w, client):
    observe_piet(w)
    card = start_piets_card(w)
    FocusCard.objects.update(profile_at_start=None)  # as the migration leaves older cards
    card.refresh_from_db()
    form = client_page(client, w, f"/pupils/{w.piet.public_id}/focuskaart/evaluate/")
    message = "Geen momentopname: deze kaart is gestart voordat momentopnamen werden bewaard."
    assert message in form and "Bedoeld voor" not in form
    evaluation, _following = evaluate(w, card)
    Evaluation.objects.update(profile_at_evaluation=None)
    page = closed_card_page(client, w.piet)
    assert message in page and "Evaluatie van" in page and "Bedoeld voor" not in page
    evaluation.refresh_from_db()
    card.refresh_from_db()
    section = evaluation_snapshot(card, evaluation, "en")
    assert section.explanation == "No snapshot: this card was started before snapshots were kept."
    assert section.rows == () and section.catalog == ""


def test_the_evaluation_report_data_carries_the_snapshots(w):
    observe_piet(w)
    card = start_piets_card(w)
    observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=days_ago(5)
    )
    evaluation, _following = evaluate(w, card)
    card.refresh_from_db()
    section = evaluation_snapshot(card, evaluation, "en")
    assert section.heading == "What the measures were meant for"
    assert section.catalog == f"Knowledge base version {get_catalog().version_tag}."
    rows = {row.measure: row for row in section.rows}
    assert rows["Positively framed requests"].signals == (
        ("Restless and chaotic", 3, 1),
        ("Restless, impulsive and unfocused", 2, 0),
    )
    assert rows["Putting feelings into words"].remark.startswith("It answers none")
    assert rows["Vaste plek naast mij"].remark.startswith("A measure of your own")


def test_the_closed_card_runs_the_same_queries_however_many_measures_were_tried(
    w, client, django_assert_num_queries
):
    observe_piet(w)
    evaluate(w, start_piets_card(w))
    client.login(username="anna", password=PASSWORD)
    url = f"/pupils/{w.piet.public_id}/focuskaart/v1/"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # Lara's card: every row ticked, five own measures, the same signals observed.
    for back, signals in ((90, ["restless_chaotic", "impulsive"]), (76, ["restless_chaotic"])):
        observe.log_observation(
            actor=w.anna, pupil=w.lara, signals=signals, observed_on=days_ago(back)
        )
    card = actions.start_card(
        actor=w.anna, pupil=w.lara, period_start=days_ago(70), evaluation_due=days_ago(28)
    )
    for row in actions.card_rows():
        actions.set_column(
            actor=w.anna,
            pupil=w.lara,
            measure_code=row.code,
            column="trying",
            value=True,
            seen=False,
        )
    for n in range(5):
        actions.add_own_measure(actor=w.anna, pupil=w.lara, text=f"Eigen maatregel {n}")
    card.refresh_from_db()
    evaluation, _following = evaluate(w, card)
    assert evaluation.outcomes.count() == len(actions.card_rows()) + 5
    url = f"/pupils/{w.lara.public_id}/focuskaart/v1/"
    with django_assert_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert page.count('scope="rowgroup"') == len(actions.card_rows()) + 5


def test_the_evaluation_pdf_prints_what_each_measure_was_meant_for(w, client):
    observe_piet(w)
    card = start_piets_card(w)
    observe.log_observation(
        actor=w.anna, pupil=w.piet, signals=["restless_chaotic"], observed_on=days_ago(5)
    )
    evaluate(w, card)
    client.login(username="anna", password=PASSWORD)
    response = client.get(f"/pupils/{w.piet.public_id}/focuskaart/v1/evaluation.pdf")
    assert response.status_code == 200
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Waarvoor de maatregelen bedoeld waren" in text, text[:600]
    # Positively framed requests: restless and chaotic 3 times up to the start, once since.
    assert "Druk en chaotisch 3 1" in text, text[:2000]
