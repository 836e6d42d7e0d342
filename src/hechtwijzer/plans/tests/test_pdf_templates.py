"""The PDFs' typst templates: files shipped with the package, and data that never becomes markup.

The layout lives in plans/typst/*.typ; plans/pdf.py passes the data as JSON in `sys.inputs`.
Text full of typst syntax, in every place a user's or a translator's text reaches the PDF, must
print exactly as written: no markup, no maths, no function call, no file read.
"""

import fnmatch
import io
import re
import tomllib
from pathlib import Path

import pypdf

from hechtwijzer.plans import pdf
from hechtwijzer.plans.pdf import (
    CardSection,
    MeasureOutcomeRow,
    OwnMeasureRow,
    column_states,
    render_card,
    render_evaluation,
)
from hechtwijzer.plans.tests.test_pdf import card, catalog_rows, evaluation, text_of

# Every kind of typst syntax: code (#), maths ($), strong, emphasis, raw, a line break (\),
# content blocks, a label, a reference, comments, a heading, a list and an enumeration marker,
# escapes, smart quotes, shorthands (~ -- ...), and calls that would read a file or evaluate.
HOSTILE = (
    r"#set text(fill: red) $x^2$ *vet* _schuin_ `raw` a\b \ [inhoud] ]) } <lbl> @ref "
    r'// geen commentaar /* ook niet */ = kop - lijst + telling \#x ~ -- ... "q" '
    r'#read("page.typ") #eval("1+1") #sys.inputs.data'
)


def squeezed(text: str) -> str:
    """The text without any whitespace: a long text wraps in a table cell, and the line breaks
    typst chooses are not what this test is about."""
    return "".join(text.split())


def test_the_templates_are_files_in_the_package_and_pdf_py_holds_no_markup():
    names = sorted(p.name for p in pdf.TEMPLATES.glob("*.typ"))
    assert names == ["card.typ", "evaluation.typ", "page.typ"]
    source = Path(pdf.__file__).read_text(encoding="utf-8")
    for markup in ("#let ", "#set ", "#show", "#import", "#table", "sys.inputs.data"):
        assert markup not in source, markup


def test_the_templates_are_listed_as_package_data():
    # An installed (non-editable) package has only what package-data lists. In an installed
    # package there is no pyproject.toml next to src/: the check belongs to the source tree.
    pyproject = Path(pdf.__file__).resolve().parents[3] / "pyproject.toml"
    if not pyproject.exists():  # pragma: no cover - only in an installed package
        return
    patterns = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["hechtwijzer"]
    package = Path(pdf.__file__).resolve().parents[1]
    for template in pdf.TEMPLATES.glob("*.typ"):
        relative = template.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_the_templates_read_their_data_only_from_sys_inputs():
    for template in pdf.TEMPLATES.glob("*.typ"):
        code = template.read_text(encoding="utf-8")
        # No way to turn a data string into markup or code, and no other file than page.typ.
        assert not re.search(r"\beval\s*\(", code), template.name
        assert not re.search(r"\bread\s*\(", code), template.name
        assert set(re.findall(r'#import\s+"([^"]+)"', code)) <= {"page.typ"}, template.name


def test_hostile_text_prints_literally_on_the_card():
    rows = catalog_rows()
    rows[0] = pdf.MeasureRow(
        number=rows[0].number,
        title=rows[0].title,
        category=HOSTILE,
        doing=True,
        note=HOSTILE,
        recommended=True,
        signals=(HOSTILE,),
    )
    document = card(
        title=f"Focuskaart voor {HOSTILE}",
        pupil_first_name=HOSTILE,
        school_name=HOSTILE,
        group_name=HOSTILE,
        author_name=HOSTILE,
        co_teacher_names=(HOSTILE,),
        measures=tuple(rows),
        own_measures=(OwnMeasureRow(HOSTILE, trying=True),),
        sections=(CardSection(HOSTILE, (HOSTILE,), (HOSTILE,)),),
        footer=HOSTILE,
    )
    content = render_card(document)
    text = text_of(content)
    flat = squeezed(text)
    # the title, the measures' heading (the name), school, group, author, co-teacher,
    # category, note, signal, own measure, section heading, paragraph, bullet, and the footer
    # on both pages
    assert flat.count(squeezed(HOSTILE)) == 15
    assert "Sticordimaatregelen voor " + HOSTILE in " ".join(text.split())
    assert pypdf.PdfReader(io.BytesIO(content)).metadata.title == f"Focuskaart voor {HOSTILE}"
    assert column_states(text, rows[0].title) == (True, False)
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 2  # nothing swallowed or added


def test_hostile_text_prints_literally_in_the_evaluation():
    document = evaluation(
        title=HOSTILE,
        evaluator_name=HOSTILE,
        school_name=HOSTILE,
        outcomes=(MeasureOutcomeRow(HOSTILE, HOSTILE, HOSTILE),),
        decision=HOSTILE,
        referrals=(HOSTILE,),
        summary=f"{HOSTILE}\n\n{HOSTILE}",
        footer=HOSTILE,
    )
    content = render_evaluation(document)
    flat = squeezed(text_of(content))
    # title, school, evaluator, the outcome's three cells, decision, referral, two summary
    # paragraphs and the footer
    assert flat.count(squeezed(HOSTILE)) == 11
    assert pypdf.PdfReader(io.BytesIO(content)).metadata.title == HOSTILE
