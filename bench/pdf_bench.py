"""Benchmark: how long the focus-card PDF takes to make. A plain script, not a test.

Timings on shared machines are noisy, so they never decide whether the suite passes; this script
only measures and prints. Run from the repository root:

    .venv/bin/python bench/pdf_bench.py [N]

It renders a realistic card N times (default 100): the 29 card measures and 3 tips from the
catalog, ticks in both columns, notes, recommendations, 2 own measures and the empty rows up to
36, the card's explanatory sections; two A4 pages. Every run has fresh data (another name and
note), as in real use, where typst can reuse only what did not change. It also renders the
evaluation report. It prints JSON: median and p95 in ms, pages per second, the first (cold)
render, and the machine. docs/pdf.md has the result on the project's machine.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from hechtwijzer.catalog import get_catalog
from hechtwijzer.plans import pdf

D = datetime.date
SECTIONS = (
    pdf.CardSection(
        "Wat is het probleem",
        (
            "Bij een goede hechting ontwikkelt het kind basisvertrouwen en basisveiligheid. Een "
            "kind dat onveilig gehecht is, heeft geen vertrouwen in anderen en zichzelf. Dit heeft "
            "gevolgen voor het aangaan en in stand houden van relaties, en voor het leren.",
        ),
    ),
    pdf.CardSection(
        "Mogelijke signalen in de klas",
        (),
        ("Druk en chaotisch.", "Teruggetrokken en oppervlakkig contact.", "Faalangst."),
    ),
    pdf.CardSection(
        "Zo gebruikt u deze kaart",
        (
            "Kolom 1: wat ik al doe. Kolom 2: ga ik uitproberen. Kies enkele maatregelen, probeer "
            "ze ongeveer zes weken uit en evalueer ze op de evaluatiedatum met het zorgteam.",
        ),
    ),
)


def card(n: int) -> pdf.CardDocument:
    measures = get_catalog().measures
    chosen = [m for m in measures if m.type == "card"] + [m for m in measures if m.type == "tip"][
        :3
    ]
    rows = tuple(
        pdf.MeasureRow(
            number=m.number if m.type == "card" else None,
            title=m.label.nl,
            category="Differentiëren" if i % 2 else "Stimuleren",
            doing=i % 3 == 0,
            trying=i % 4 == 1,
            note=f"Elke ochtend bij de deur – ’s middags ook ({n})." if i % 8 == 3 else "",
            recommended=i % 7 == 0,
            signals=("Druk en chaotisch", "Concentratieproblemen") if i % 7 == 0 else (),
        )
        for i, m in enumerate(chosen)
    )
    name = f"Eline{n}"
    return pdf.CardDocument(
        language="nl",
        title=f"Focuskaart voor {name}",
        subtitle="Leerlingen met hechtingsproblemen in de klas",
        pupil_first_name=name,
        school_name="Basisschool De Wereldreiziger",
        group_name="Groep 5b",
        version=2,
        period_start=D(2026, 9, 7),
        period_end=D(2026, 11, 13),
        evaluation_date=D(2026, 11, 13),
        author_name="Noëlle Verbeke",
        co_teacher_names=("Jeroen Smet", "Zoë Aerts"),
        measures=rows,
        own_measures=(
            pdf.OwnMeasureRow("Een vaste ‘rustplek’ bij het raam.", trying=True),
            pdf.OwnMeasureRow("Dagplanning met pictogrammen – één kaart per dagdeel.", doing=True),
        ),
        sections=SECTIONS,
        footer="Vertrouwelijk – leerlingdossier",
        generated_on=D(2026, 11, 21),
    )


def evaluation(n: int) -> pdf.EvaluationDocument:
    return pdf.EvaluationDocument(
        language="nl",
        title=f"Evaluatie van de focuskaart voor Eline{n}",
        pupil_first_name=f"Eline{n}",
        version=2,
        period_start=D(2026, 9, 7),
        period_end=D(2026, 11, 13),
        evaluation_date=D(2026, 11, 13),
        evaluator_name="Noëlle Verbeke",
        outcomes=tuple(
            pdf.MeasureOutcomeRow(f"Maatregel {i}", "werkte deels", "Rustiger na de pauze.")
            for i in range(8)
        ),
        signal_counts=tuple(pdf.SignalCountRow(f"Groep {i}", 10 + i, 8 + n % 5) for i in range(6)),
        decision="bijstellen",
        referrals=("Bespreken met het CLB",),
        next_evaluation_date=D(2027, 1, 29),
        summary="Eline komt ’s ochtends rustiger binnen.",
        footer="Vertrouwelijk – leerlingdossier",
        generated_on=D(2026, 11, 21),
    )


def measure(render, make, runs: int) -> dict:
    start = time.perf_counter()
    first = render(make(-1))  # cold: the thread's typst compiler, fonts and template load
    cold = (time.perf_counter() - start) * 1000
    times = []
    for n in range(runs):
        document = make(n)  # built outside the timing, as the view builds it from the database
        start = time.perf_counter()
        render(document)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    median = statistics.median(times)
    pages = _pages(first)
    return {
        "runs": runs,
        "pages": pages,
        "bytes": len(first),
        "first_ms": round(cold, 1),
        "median_ms": round(median, 1),
        "p95_ms": round(times[min(runs - 1, round(0.95 * (runs - 1)))], 1),
        "renders_per_s": round(1000 / median, 1),
        "pages_per_s": round(pages * 1000 / median, 1),
    }


def _pages(content: bytes) -> int:
    try:
        import pypdf
    except ImportError:  # pypdf is a dev dependency; count page objects without it
        return content.count(b"/Type /Page\n") or content.count(b"/Type /Page ")
    return len(pypdf.PdfReader(io.BytesIO(content)).pages)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(runs: int) -> None:
    import typst

    result = {
        "benchmark": "PDF generation (plans/pdf.py, typst)",
        "card": measure(pdf.render_card, card, runs),
        "evaluation": measure(pdf.render_evaluation, evaluation, max(10, runs // 4)),
        "machine": {
            "cpu": _cpu(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "typst": getattr(typst, "__version__", "?"),
            "system": f"{platform.system()} {platform.machine()}",
        },
        "date": datetime.date.today().isoformat(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
