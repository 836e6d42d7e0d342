"""A fictional EDEXML 2.1 export of any size, for the import benchmark and its test.

Names come from a small fixed list and keys are numbered: no real person, no real school
(BRIN 99ZW does not exist).
"""

from __future__ import annotations

import datetime
import random
from xml.sax.saxutils import escape

FIRST = ["Fleur", "Mees", "Noor", "Daan", "Isa", "Sem", "Lotte", "Jip", "Tess", "Bram", "Saar"]
LAST = ["Appelboom", "Kastanje", "Wilgenhof", "Berkenrode", "Eikhout", "Lindeveld", "Hazelaar"]
PREFIX = ["", "", "", "van", "de", "van der", "ter"]


def edexml(pupils: int = 400, groups: int = 16, *, school_year: int = 2026, seed: int = 1) -> bytes:
    """An export with `pupils` pupils spread over `groups` groups (two per jaargroep 1-8), a
    teacher per group plus an IB, in the given school year."""
    rng = random.Random(seed)  # noqa: S311 (fictional names)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<EDEX>",
        "  <school>",
        f"    <schooljaar>{school_year}-{school_year + 1}</schooljaar>",
        "    <brincode>99ZW</brincode>",
        "    <dependancecode>00</dependancecode>",
        "    <xsdversie>2.1</xsdversie>",
        "  </school>",
        "  <groepen>",
    ]
    for g in range(groups):
        level = g % 8 + 1
        out.append(
            f'    <groep key="G{g:02d}"><naam>Groep {level}{"ab"[g // 8 % 2]}</naam>'
            f"<jaargroep>{level}</jaargroep></groep>"
        )
    out += ["  </groepen>", "  <leerlingen>"]
    for p in range(pupils):
        g = p % groups
        age = g % 8 + 4
        born = datetime.date(school_year - age, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        prefix = rng.choice(PREFIX)
        out.append(
            f'    <leerling key="L{p:05d}"><achternaam>{escape(rng.choice(LAST))}</achternaam>'
            + (f"<voorvoegsel>{prefix}</voorvoegsel>" if prefix else "")
            + f"<roepnaam>{rng.choice(FIRST)}</roepnaam><geboortedatum>{born}</geboortedatum>"
            f'<jaargroep>{g % 8 + 1}</jaargroep><groep key="G{g:02d}"/></leerling>'
        )
    out += ["  </leerlingen>", "  <leerkrachten>"]
    for g in range(groups):
        out.append(
            f'    <leerkracht key="T{g:02d}"><achternaam>{rng.choice(LAST)}</achternaam>'
            f"<roepnaam>{rng.choice(FIRST)}</roepnaam>"
            f'<groepen><groep key="G{g:02d}"/></groepen></leerkracht>'
        )
    out.append(
        '    <leerkracht key="T-IB"><achternaam>Zorgvlied</achternaam><roepnaam>Ilse</roepnaam>'
        "<rol>IB</rol></leerkracht>"
    )
    out += ["  </leerkrachten>", "</EDEX>", ""]
    return "\n".join(out).encode("utf-8")
