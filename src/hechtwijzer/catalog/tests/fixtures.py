"""A tiny but complete, valid catalog to break one piece at a time in the validation tests.

Kept independent of the real data files, so a test fails because of what it breaks and not
because the real catalog changed. Every kind and every optional field appears at least once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .. import CatalogError, load_catalog

SEED = "000_test.txt"

CATALOG = """\
version = "test.1"

[[seed]]
file = "000_test.txt"
title = "Testbron"
author = "T. Tester"
year = ""

[vocabularies.signal_groups]
behaviour = { nl = "Gedrag", en = "Behaviour" }
learning = { nl = "Leren", en = "Learning" }

[vocabularies.levels]
child = { nl = "Kind", en = "Child" }
parent = { nl = "Ouder", en = "Parent" }
environment = { nl = "Omgeving", en = "Environment" }

[vocabularies.sticordi]
stimuleren = { nl = "Stimuleren", en = "Stimulating" }
compenseren = { nl = "Compenseren", en = "Compensating" }

[vocabularies.redicodis]
compenseren = { nl = "Compenseren", en = "Compensating" }

[vocabularies.themes]
attachment = { nl = "Wat is hechting?", en = "What is attachment?" }

[vocabularies.stages]
baby = { nl = "Baby", en = "Baby" }
"""

# One source line reused below; tests that change a source edit a specific item's copy.
SRC = '{ seed = "000_test.txt", section = "1. Kop" }'

KIND_FILES = {
    "signals": f"""\
kind = "signals"

[[item]]
code = "restless_chaotic"
label = {{ nl = "Druk en chaotisch", en = "Restless and chaotic" }}
description.nl = "Beweegt veel."
description.en = "Moves a lot."
sources = [{SRC}]
group = "behaviour"
patterns = [{{ code = "avoidant", source = {SRC}, why = "Listed there." }}]
synonyms = {{ nl = ["druk"], en = ["restless"] }}

[[item]]
code = "math_difficulties"
label = {{ nl = "Rekenproblemen", en = "Difficulties with arithmetic" }}
description = {{ nl = "Rekenen gaat moeizaam.", en = "Arithmetic is hard." }}
sources = [{SRC}]
group = "learning"
patterns = []
""",
    "patterns": f"""\
kind = "patterns"

[[item]]
code = "avoidant"
label = {{ nl = "Vermijdend", en = "Avoidant" }}
description = {{ nl = "Vermijdt contact.", en = "Avoids contact." }}
sources = [{{ ref = "Ainsworth, M. (1978). Patterns of attachment. Hillsdale: Erlbaum." }}]
type = "pattern"
also_called = {{ nl = ["afwerend"] }}
child_behaviour = {{ nl = "Speelt door.", en = "Keeps playing." }}

[[item.prevalence]]
value = "15 %"
population = {{ nl = "Kinderen", en = "Children" }}
source = {SRC}

[[item.cautions]]
code = "rule_out_autism"
text = {{ nl = "Sluit ASS uit.", en = "Rule out ASD." }}
source = {SRC}
""",
    "disorders": f"""\
kind = "disorders"

[[item]]
code = "rad"
label = {{ nl = "Reactieve hechtingsstoornis", en = "Reactive attachment disorder" }}
description = {{ nl = "Zeldzaam.", en = "Rare." }}
sources = [{SRC}]
classification = "dsm5tr"
features = [{{ nl = "Zoekt weinig troost.", en = "Seeks little comfort." }}]
patterns = [{{ code = "avoidant", source = {SRC}, why = "Test link." }}]
note = {{ nl = "Noot.", en = "Note." }}
""",
    "risk_factors": f"""\
kind = "risk_factors"

[[item]]
code = "adoption"
label = {{ nl = "Adoptie", en = "Adoption" }}
description = {{ nl = "Geadopteerd.", en = "Adopted." }}
sources = [{SRC}]
level = "child"
safeguarding = false
synonyms = {{ en = ["adopted"] }}
""",
    "protective_factors": f"""\
kind = "protective_factors"

[[item]]
code = "wanted_child"
label = {{ nl = "Gewenst kind", en = "Wanted child" }}
description = {{ nl = "Gewenst.", en = "Wanted." }}
sources = [{SRC}]
level = "parent"
""",
    "rules": f"""\
kind = "rules"

[[item]]
code = "parent_risk_heaviest"
label = {{ nl = "Ouderrisico weegt zwaarst", en = "Parent risk weighs most" }}
description = {{ nl = "Zwaarst.", en = "Heaviest." }}
sources = [{SRC}]
effect = "heaviest"
risk_level = "parent"
protective_level = "child"
condition = {{ nl = "Altijd.", en = "Always." }}
""",
    "measures": f"""\
kind = "measures"

[[item]]
code = "sticordi_01"
label = {{ nl = "Band opbouwen", en = "Build a bond" }}
description = {{ nl = "Neem de tijd.", en = "Take time." }}
sources = [{SRC}]
type = "card"
number = 1
category = "stimuleren"
redicodis = "compenseren"
category_why = "It encourages."
addresses = [{{ code = "restless_chaotic", source = {SRC}, why = "Calms." }}]

[[item]]
code = "tip_01"
label = {{ nl = "Tip een", en = "Tip one" }}
description = {{ nl = "Een tip.", en = "A tip." }}
sources = [{SRC}]
type = "tip"
number = 1
matches = {{ code = "sticordi_01", source = {SRC}, why = "Same advice." }}

[[item]]
code = "attitude_warm"
label = {{ nl = "Warm maar neutraal", en = "Warm but neutral" }}
description = {{ nl = "Blijf rustig.", en = "Stay calm." }}
sources = [{SRC}]
type = "attitude"
see_also = ["measures/sticordi_01"]
""",
    "referrals": f"""\
kind = "referrals"

[[item]]
code = "emdr"
label = {{ nl = "EMDR", en = "EMDR" }}
description = {{ nl = "Therapie.", en = "Therapy." }}
sources = [{SRC}]
type = "treatment"
min_age = 4
max_age = 18
provider = {{ nl = "Therapeut", en = "Therapist" }}

[[item]]
code = "early_signs_baby"
label = {{ nl = "Baby", en = "Baby" }}
description = {{ nl = "Vroege signalen.", en = "Early signs." }}
sources = [{SRC}]
type = "early_signs"
stage = "baby"
signs = [{{ nl = "Huilt veel.", en = "Cries a lot." }}]
""",
    "topics": f"""\
kind = "topics"

[[item]]
code = "circle_of_security"
label = {{ nl = "Circle of Security", en = "Circle of Security" }}
description = {{ nl = "Vier fasen.", en = "Four phases." }}
sources = [{SRC}]
theme = "attachment"
see_also = ["patterns/avoidant", "signals/restless_chaotic"]
sections = [
  {{ heading = {{ nl = "Fase", en = "Phase" }}, body = {{ nl = "Tekst.", en = "Text." }} }},
]
figures = [{{ value = "4", text = {{ nl = "fasen", en = "phases" }}, source = {SRC} }}]
""",
}


def edit(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once, so a fixture never silently stays valid."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def write_data(directory: Path, **files: str | None) -> Path:
    """Write the fixture catalog into `directory`; a keyword replaces that file's whole text
    (`catalog` for catalog.toml, a kind for its file) and None leaves the file out."""
    contents: dict[str, str | None] = {"catalog": CATALOG, **KIND_FILES}
    contents.update(files)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        if text is not None:
            (directory / f"{name}.toml").write_text(text, encoding="utf-8")
    return directory


def problems_in(directory: Path) -> list[str]:
    """The problems loading `directory` reports; any other exception fails the test."""
    with pytest.raises(CatalogError) as caught:
        load_catalog(directory)
    return caught.value.problems
