"""The focus-card and evaluation PDFs: their extracted text holds the pupil's first name, every
measure with the state of its two columns, the own measures and the dates.

How a test reads a tick: every column cell carries the character ☑ (ticked) or ☐ (not ticked)
as its text, and a row extracts in the card's order (title, …, column 1, column 2), so the two
boxes after a title are that row's columns (`pdf.column_states`).
"""

import dataclasses
import datetime
import io
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pypdf
from django.test import TestCase
from django.utils import formats, timezone

from hechtwijzer.catalog import get_catalog
from hechtwijzer.plans import actions
from hechtwijzer.plans.pdf import (
    NOT_TICKED,
    TICKED,
    CardDocument,
    CardLabels,
    CardSection,
    EvaluationDocument,
    EvaluationLabels,
    MeasureOutcomeRow,
    MeasureRow,
    OwnMeasureRow,
    SignalCountRow,
    column_states,
    format_date,
    render_card,
    render_evaluation,
)
from hechtwijzer.testing import PASSWORD, build_world

D = datetime.date
NL = CardLabels(
    school="School",
    group="Groep",
    version="Versie",
    period="Periode",
    evaluation="Evaluatie",
    author="Opgesteld door",
    co_teachers="Samen met",
    measures_heading="Sticordimaatregelen voor %(name)s",
    columns_explained="(kolom 1 = wat ik al doe, kolom 2 = ga ik uitproberen)",
    number_column="Nr.",
    measure_column="Maatregel",
    doing_column="wat ik al doe",
    trying_column="ga ik uitproberen",
    tip="Tip",
    recommended="Voorgesteld vanwege: %(signals)s",
    recommended_plain="Voorgesteld",
    own_heading="Mijn eigen maatregelen",
    generated="Gemaakt op %(date)s",
)
OWN = (
    OwnMeasureRow("Een vaste ‘rustplek’ bij het raam waar Eline zelf naartoe mag.", trying=True),
    OwnMeasureRow("Dagplanning met pictogrammen op haar bank – één kaart per dagdeel.", doing=True),
)


def pages_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def text_of(content: bytes) -> str:
    return "\n".join(pages_of(content))


def layout_text(content: bytes) -> str:
    """The text as laid out on the page, line by line: `pdftotext -layout` (poppler) where it
    is installed, else pypdf's layout mode, which keeps lines the same way."""
    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "card.pdf"
            path.write_bytes(content)
            return subprocess.run(
                ["pdftotext", "-layout", str(path), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)


def catalog_rows() -> list[MeasureRow]:
    """The 29 card measures and 3 tips, ticked in every combination, some notes."""
    measures = get_catalog().measures
    card = [m for m in measures if m.type == "card"]
    tips = [m for m in measures if m.type == "tip"][:3]
    rows = []
    for i, m in enumerate(card + tips):
        rows.append(
            MeasureRow(
                number=m.number if m.type == "card" else None,
                title=m.label.nl,
                category="Stimuleren" if i % 2 else "Compenseren",
                doing=i % 4 in (1, 3),
                trying=i % 4 in (2, 3),
                note="Elke ochtend – even oogcontact, ’s middags ook." if i % 9 == 4 else "",
                recommended=i % 7 == 0,
                signals=("Druk en chaotisch", "Faalangst") if i % 7 == 0 else (),
            )
        )
    assert len(rows) == 32
    return rows


def card(**changes) -> CardDocument:
    document = CardDocument(
        language="nl",
        title="Focuskaart voor Eline",
        subtitle="Leerlingen met hechtingsproblemen in de klas",
        pupil_first_name="Eline",
        school_name="Basisschool De Wereldreiziger",
        group_name="Groep 5b",
        version=2,
        period_start=D(2026, 9, 7),
        period_end=D(2026, 11, 13),
        evaluation_date=D(2026, 11, 20),
        author_name="Noëlle Verbeke",
        co_teacher_names=("Jeroen Smet", "Zoë Aerts"),
        measures=tuple(catalog_rows()),
        own_measures=OWN,
        sections=(
            CardSection(
                "Wat is het probleem",
                ("Een kind dat onveilig gehecht is, heeft geen vertrouwen in anderen.",),
            ),
            CardSection("Mogelijke signalen in de klas", (), ("Druk en chaotisch.", "Faalangst.")),
        ),
        footer="Vertrouwelijk – leerlingdossier",
        generated_on=D(2026, 11, 21),
        labels=NL,
    )
    return dataclasses.replace(document, **changes)


def blank_card() -> CardDocument:
    rows = tuple(
        dataclasses.replace(r, doing=False, trying=False, note="", recommended=False, signals=())
        for r in catalog_rows()
    )
    return card(
        version=None,
        period_start=None,
        period_end=None,
        evaluation_date=None,
        author_name="",
        co_teacher_names=(),
        measures=rows,
        own_measures=(),
    )


def test_the_card_holds_the_name_every_measure_with_its_columns_own_measures_and_dates():
    document = card()
    text = text_of(render_card(document))
    assert "Focuskaart voor Eline" in text
    assert "Sticordimaatregelen voor Eline" in text
    for row in document.measures:
        assert column_states(text, row.title) == (row.doing, row.trying), row.title
    # All four combinations occur, so the columns cannot be read the wrong way round.
    assert {(r.doing, r.trying) for r in document.measures} == {
        (False, False),
        (True, False),
        (False, True),
        (True, True),
    }
    for own in OWN:
        assert column_states(text, own.text) == (own.doing, own.trying)
    flat = " ".join(text.split())
    assert "7 september 2026 – 13 november 2026" in flat  # the period
    assert "20 november 2026" in flat  # the evaluation date
    assert "Gemaakt op 21 november 2026" in flat
    assert "Noëlle Verbeke" in flat and "Jeroen Smet, Zoë Aerts" in flat
    assert "Voorgesteld vanwege: Druk en chaotisch, Faalangst" in flat
    assert "Elke ochtend – even oogcontact, ’s middags ook." in flat
    # Own measures continue the card's numbering; the empty rows up to 36 are there to write in.
    assert "30. Een vaste" in flat and "36." in flat and "37." not in flat
    assert text.count(TICKED) + text.count(NOT_TICKED) == 2 * (32 + 7)


def test_the_period_stays_on_one_line_whatever_the_names_and_months():
    # The app's own labels (the longest, "Collega-leerkrachten", makes the value columns
    # narrowest) and the longest months.
    dutch = dataclasses.replace(NL, evaluation="Evaluatiedatum", co_teachers="Collega-leerkrachten")
    document = card(
        school_name="Katholieke Basisschool De Wereldreiziger, locatie Oost-Vlaanderen",
        group_name="Groep 5b en 6a (combinatiegroep)",
        period_start=D(2026, 9, 28),
        period_end=D(2026, 12, 18),
        co_teacher_names=("Jeroen Smet-Vandenbroucke", "Zoë Aerts-Verhaegen"),
    )
    for lang, labels in (("nl", dutch), ("en", CardLabels())):
        content = render_card(dataclasses.replace(document, language=lang, labels=labels))
        lines = layout_text(content).splitlines()
        period = f"{format_date(D(2026, 9, 28), lang)} – {format_date(D(2026, 12, 18), lang)}"
        line = next(line for line in lines if line.strip().startswith(labels.period))
        assert period in line, line  # both dates on the line of the label


def test_the_card_has_the_confidential_footer_and_page_numbers_on_every_page():
    pages = pages_of(render_card(card()))
    assert len(pages) == 2
    for number, page in enumerate(pages, 1):
        assert "Vertrouwelijk – leerlingdossier" in page
        assert f"{number}/2" in page
        assert "wat ik al doe" in page  # the table's header row is repeated


def test_a_pupil_without_a_card_gets_the_blank_card_with_the_name():
    text = text_of(render_card(blank_card()))
    assert "Focuskaart voor Eline" in text
    assert "Sticordimaatregelen voor Eline" in text
    assert TICKED not in text
    assert text.count(NOT_TICKED) == 2 * (32 + 7)
    assert "Versie" not in text
    assert "september" not in text and "Noëlle" not in text
    for row in catalog_rows():
        assert column_states(text, row.title) == (False, False)


def test_the_metadata_holds_only_the_title():
    content = render_card(card())
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Focuskaart voor Eline"
    assert set(reader.metadata) <= {"/Title", "/Creator", "/Producer", "/CreationDate", "/ModDate"}
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    for private in ("Verbeke", "Wereldreiziger", "Groep 5b", "Smet"):
        assert private not in xmp
    assert "pdfaid:part" in xmp  # PDF/A-2a: archival, for the pupil file


def test_the_same_card_gives_the_same_bytes():
    assert render_card(card()) == render_card(card())


def test_text_that_looks_like_markup_prints_as_written():
    name = "Eli #strong[ne] *x* ]"
    text = text_of(render_card(card(title=f"Focuskaart voor {name}", pupil_first_name=name)))
    assert f"Focuskaart voor {name}" in text


def test_a_character_no_font_has_still_gives_a_card():
    own = (OwnMeasureRow("Sticker 😀 op de planner", doing=True),)
    text = text_of(render_card(card(own_measures=own)))
    assert column_states(text, "Sticker") == (True, False)
    assert "op de planner" in text


def test_english_dates_and_labels():
    text = " ".join(text_of(render_card(card(language="en", labels=CardLabels()))).split())
    assert "STICORDI measures for Eline" in text
    assert "7 September 2026 – 13 November 2026" in text
    assert "what I already do" in text and "Made on 21 November 2026" in text
    assert format_date(D(2027, 1, 3), "nl") == "3 januari 2027"


def test_a_200_row_card_paginates_with_the_header_on_every_page():
    rows = tuple(
        MeasureRow(
            number=n,
            title=f"Maatregel {n} – ë é ’",
            doing=n % 2 == 0,
            trying=n % 3 == 0,
            note="een lange notitie die over regels loopt " * 20 if n % 10 == 0 else "",
        )
        for n in range(1, 201)
    )
    long_own = (OwnMeasureRow("woord " * 3000, trying=True),)  # one row longer than a page
    content = render_card(card(measures=rows, own_measures=long_own))
    pages = pages_of(content)
    assert len(pages) > 8
    total = len(pages)
    for number, page in enumerate(pages, 1):
        assert f"{number}/{total}" in page and "Vertrouwelijk" in page
        assert "ga ik" in page  # the repeated header
    text = "\n".join(pages)
    for n in (1, 99, 200):
        assert column_states(text, f"Maatregel {n} – ë é ’") == (n % 2 == 0, n % 3 == 0)
    assert "201." in text and "207." in text  # own rows continue after the last number


def test_rendering_from_several_threads_at_once():
    results, errors = [], []

    def render():
        try:
            results.append(render_card(blank_card()))
        except Exception as error:  # pragma: no cover - shown by the assert below
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 3


def evaluation(**changes) -> EvaluationDocument:
    document = EvaluationDocument(
        language="nl",
        title="Evaluatie van de focuskaart van Eline",
        pupil_first_name="Eline",
        version=2,
        period_start=D(2026, 9, 7),
        period_end=D(2026, 11, 13),
        evaluation_date=D(2026, 11, 20),
        evaluator_name="Noëlle Verbeke",
        outcomes=(
            MeasureOutcomeRow("Het kind laten merken dat u het ziet", "werkte", "Rustiger."),
            MeasureOutcomeRow("Pauzes en veranderingen aankondigen", "werkte deels"),
            MeasureOutcomeRow("Een vaste ‘rustplek’", "niet uitgevoerd", "Lokaal verhuisd."),
        ),
        signal_counts=(SignalCountRow("Gedrag", 14, 8), SignalCountRow("Leren", 5, 6)),
        decision="bijstellen",
        referrals=("Bespreken met het CLB",),
        next_evaluation_date=D(2027, 1, 29),
        summary="Eline komt ’s ochtends rustiger binnen.\n\nDe rustplek opnieuw proberen.",
        footer="Vertrouwelijk – leerlingdossier",
        generated_on=D(2026, 11, 21),
        labels=EvaluationLabels(
            decision_heading="Besluit", next_evaluation="Volgende evaluatie", total="Totaal"
        ),
    )
    return dataclasses.replace(document, **changes)


def test_the_evaluation_report_holds_outcomes_counts_decision_and_next_date():
    content = render_evaluation(evaluation())
    text = " ".join(text_of(content).split())
    assert "Evaluatie van de focuskaart van Eline" in text
    assert "Het kind laten merken dat u het ziet werkte Rustiger." in text
    assert "Pauzes en veranderingen aankondigen werkte deels" in text
    assert "Een vaste ‘rustplek’ niet uitgevoerd Lokaal verhuisd." in text
    assert "Gedrag 14 8 −6" in text and "Leren 5 6 +1" in text and "Totaal 19 14 −5" in text
    assert "Besluit bijstellen" in text
    assert "Bespreken met het CLB" in text
    assert "Volgende evaluatie 29 januari 2027" in text
    assert "7 september 2026 – 13 november 2026" in text and "20 november 2026" in text
    assert "’s ochtends rustiger" in text and "1/1" in text and "Vertrouwelijk" in text
    assert pypdf.PdfReader(io.BytesIO(content)).metadata.title == evaluation().title


def test_an_evaluation_without_outcomes_referrals_or_next_date():
    document = evaluation(outcomes=(), referrals=(), next_evaluation_date=None, summary="")
    text = text_of(render_evaluation(document))
    assert "No measures were tried." in text and "No referral options chosen." in text
    assert re.search(r"Volgende evaluatie\s*\.", text)  # a dotted line to write on


# ---------------------------------------------------------------------------------------------
# Through the app: the stable URLs serve these PDFs for the pupil (plans/documents.py).
# ---------------------------------------------------------------------------------------------


class FocusCardPdfViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def setUp(self):
        self.client.login(username="anna", password=PASSWORD)
        self.url = f"/pupils/{self.w.piet.public_id}/focuskaart.pdf"

    def test_it_holds_the_name_every_measure_with_its_columns_the_own_measures_and_dates(self):
        piet, anna = self.w.piet, self.w.anna
        ticked = {
            ("sticordi_07", "trying"),
            ("sticordi_13", "doing"),
            ("sticordi_13", "trying"),
            ("sticordi_29", "doing"),
        }
        for code, column in ticked:
            actions.set_column(
                actor=anna, pupil=piet, measure_code=code, column=column, value=True, seen=False
            )
        actions.add_own_measure(actor=anna, pupil=piet, text="Samen de dag doornemen om 8.25 uur")
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert "Piet" in disposition and "Testkind" not in disposition
        text = text_of(response.content)
        assert "Focuskaart voor Piet" in text
        for measure in actions.card_rows():
            expected = ((measure.code, "doing") in ticked, (measure.code, "trying") in ticked)
            assert column_states(text, measure.label.nl) == expected, measure.code
        # A new own measure starts in column 2, "ga ik uitproberen".
        assert column_states(text, "Samen de dag doornemen om 8.25 uur") == (False, True)
        card = actions.current_card(piet)
        flat = " ".join(text.split())
        for day in (card.period_start, card.evaluation_due):
            assert formats.date_format(day, "j F Y") in flat
        assert "Vertrouwelijk" in text

    def test_it_is_like_the_paper_card_signals_how_to_lines_and_rows_1_to_36(self):
        from hechtwijzer.plans.documents import card_signals

        text = " ".join(text_of(self.client.get(self.url).content).split())
        # The paper card's section of classroom signals (seed 003 §2), from the catalog.
        signals = card_signals()
        assert len(signals) >= 17  # the paper's 17 bullets; the catalog splits a few in two
        assert "Mogelijke signalen in de klas" in text
        for signal in signals:
            assert signal.label.nl in text, signal.code
        assert "Bron: Focuskaart voor leerlingen met hechtingsproblemen in de klas" in text
        assert text.index("Mogelijke signalen") < text.index("maatregelen voor Piet")  # paper order
        # Each measure: its title, then its one line of how-to.
        for measure in actions.card_rows():
            line = " ".join(measure.how_to_line.nl.split())
            assert f"{measure.label.nl} " in text and line in text, measure.code
            assert text.index(line) > text.index(measure.label.nl), measure.code
        assert "29." in text and "30." in text and "36." in text and "37." not in text

    def test_a_pupil_without_a_card_gets_the_blank_card_with_the_name(self):
        text = text_of(self.client.get(self.url).content)
        assert "Focuskaart voor Piet" in text
        assert TICKED not in text
        assert "36." in text  # the paper card's empty rows 30–36

    def test_the_evaluation_report_holds_outcomes_decision_and_next_date(self):
        actions.set_column(
            actor=self.w.anna,
            pupil=self.w.piet,
            measure_code="sticordi_07",
            column="trying",
            value=True,
            seen=False,
        )
        card = actions.current_card(self.w.piet)
        card.evaluation_due = timezone.localdate()
        card.save()
        next_date = timezone.localdate() + datetime.timedelta(weeks=6)
        actions.evaluate(
            actor=self.w.anna,
            card=card,
            outcomes={"sticordi_07": ("worked", "hielp")},
            decision="adjust",
            referrals=[],
            next_evaluation=next_date,
        )
        response = self.client.get(f"/pupils/{self.w.piet.public_id}/focuskaart/v1/evaluation.pdf")
        text = " ".join(text_of(response.content).split())
        assert "werkte" in text and "hielp" in text and "bijstellen" in text
        assert formats.date_format(next_date, "j F Y") in text

    def test_other_groups_get_404(self):
        self.client.login(username="bram", password=PASSWORD)
        assert self.client.get(self.url).status_code == 404
