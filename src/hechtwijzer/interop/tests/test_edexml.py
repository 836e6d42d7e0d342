"""The EDEXML and CSV readers, without Django or a database: the plain data model from the
fictional test files, and one precise line for every malformed or hostile file."""

import datetime
from pathlib import Path

import pytest

from hechtwijzer.interop import FileProblem, csvfile, edexml

FILES = Path(__file__).resolve().parents[2] / "administration" / "tests" / "files"


def nl() -> bytes:
    return (FILES / "nl.xml").read_bytes()


def test_it_reads_the_dutch_file():
    parsed = edexml.parse(nl())
    assert parsed.school.country == "NL"
    assert parsed.school.code == "99XA00"
    assert parsed.school.school_year == 2026
    assert [(g.key, g.name, g.year_level) for g in parsed.groups] == [
        ("GRP-3", "Groep 3", "3"),
        ("GRP-5", "Groep 5", "5"),
    ]
    mees = parsed.pupils[1]
    assert (mees.key, mees.first_name, mees.last_name) == ("LL-002", "Mees", "van Dijk")
    assert mees.date_of_birth == datetime.date(2019, 9, 17)
    assert parsed.pupils[4].left_on == datetime.date(2026, 9, 30)
    ilse = parsed.staff[2]
    assert ilse.role_codes == ("IB",) and ilse.proposed_roles == ("care_coordinator",)
    assert parsed.staff[1].group_keys == ("GRP-5",)
    assert "composite" in parsed.warnings[0]


def test_it_never_reads_national_numbers_or_the_eck_id():
    parsed = edexml.parse(nl())
    text = repr(parsed)
    assert "999990019" not in text and "ecksample" not in text


def test_it_reads_the_flemish_variant():
    parsed = edexml.parse((FILES / "vla.xml").read_bytes())
    assert parsed.school.country == "BE"
    assert parsed.school.code == "999902"
    assert "99999999901" not in repr(parsed)
    assert parsed.staff[1].proposed_roles == ("school_admin",)


def test_it_accepts_a_later_school_year_and_warns_on_unknown_codes():
    data = (
        nl()
        .replace(b"2026-2027", b"2031-2032")
        .replace(
            b"<jaargroep>3</jaargroep>\n    </groep>", b"<jaargroep>Q</jaargroep>\n    </groep>"
        )
    )
    parsed = edexml.parse(data)
    assert parsed.school.school_year == 2031
    assert parsed.groups[0].year_level == ""
    assert any("unknown jaargroep 'Q'" in w for w in parsed.warnings)


HOSTILE = {
    "xxe": (
        b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<EDEX><school>&x;</school></EDEX>",
        "document type declaration (DTD), which is refused: it can declare entities "
        "(entity expansion, external entities) (<!DOCTYPE>, line 2)",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        b"<EDEX>&lol2;</EDEX>",
        "document type declaration (DTD)",
    ),
    "undefined entity": (
        b"<EDEX>\n<school>&ent;</school></EDEX>",
        "not well-formed XML: undefined entity (line 2)",
    ),
    "not xml": (b"Stamnummer;Naam\n1;x\n", "not well-formed XML"),
    "wrong root": (
        b"<?xml version='1.0'?>\n<html><body/></html>",
        "the root element is <html>, not <EDEX> (line 2)",
    ),
    "deep": (b"<EDEX>" + b"<a>" * 50 + b"</a>" * 50 + b"</EDEX>", "nests deeper than 12 elements"),
    "no school year": (
        nl().replace(b"<schooljaar>2026-2027</schooljaar>", b""),
        "required element <schooljaar> is missing or empty (<school>, line 4)",
    ),
    "bad school year": (
        nl().replace(b"2026-2027", b"2026-2028"),
        "schooljaar '2026-2028' is not a school year like 2026-2027 (<schooljaar>, line 5)",
    ),
    "no surname": (
        nl().replace(b"<achternaam>Kastanje</achternaam>", b""),
        "required element <achternaam> is missing or empty (<leerling key='LL-003'>, line 48)",
    ),
    "broken group reference": (
        nl().replace(
            b'<groep key="GRP-5"/>\n    </leerling>\n    <leerling key="LL-004">',
            b'<groep key="GRP-9"/>\n    </leerling>\n    <leerling key="LL-004">',
        ),
        "refers to group key 'GRP-9', which the file does not define "
        "(<leerling key='LL-003'> <groep>, line 53)",
    ),
    "broken staff reference": (
        nl().replace(
            b'<groepen><groep key="GRP-3"/></groepen>', b'<groepen><groep key="GRP-X"/></groepen>'
        ),
        "refers to group key 'GRP-X'",
    ),
    "duplicate key": (
        nl().replace(b'key="LL-002"', b'key="LL-001"'),
        "pupil key 'LL-001' occurs twice (<leerling>, line 39)",
    ),
    "bad date": (
        nl().replace(b"2019-09-17", b"2019-02-31"),
        "geboortedatum: '2019-02-31' is not a date",
    ),
    "no code": (
        nl().replace(b"<brincode>99XA</brincode>", b""),
        "the school has no <brincode>, <instellingsnummer> or <schoolkey>",
    ),
    "empty": (b"  \n", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_bad_or_hostile_file_is_one_precise_line(case):
    data, expected = HOSTILE[case]
    with pytest.raises(FileProblem) as caught:
        edexml.parse(data)
    text = str(caught.value)
    assert expected in text
    assert "\n" not in text


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(FileProblem, match="larger than 1 MB"):
        edexml.parse(b"<EDEX>" + b" " * (1024 * 1024) + b"</EDEX>", max_bytes=1024 * 1024)


MAPPING = {
    "key": "Stamnummer",
    "first_name": "Voornaam",
    "last_name": "Familienaam",
    "date_of_birth": "Geboortedatum",
    "group": "Klas",
    "year_level": "Leerjaar",
}


def test_it_reads_a_csv_export_with_a_mapping():
    parsed = csvfile.parse(
        (FILES / "leerlingen.csv").read_bytes(), mapping=MAPPING, country="BE", school_year=2026
    )
    assert [(g.key, g.name, g.year_level) for g in parsed.groups] == [
        ("1A", "1A", "3"),
        ("3B", "3B", "5"),
    ]
    assert parsed.pupils[0].date_of_birth == datetime.date(2020, 2, 14)
    assert parsed.pupils[3].last_name == "Janssens-Fictief"
    assert csvfile.parse_mapping("key=Stamnummer, group=Klas") == {
        "key": "Stamnummer",
        "group": "Klas",
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"Stamnummer;Voornaam\n1;x\n",
            "column 'Familienaam' (for last_name) is not in the header line (line 1)",
        ),
        (
            (FILES / "leerlingen.csv").read_bytes().replace(b"02/11/2018", b"31/02/2018"),
            "date of birth: '31/02/2018' is not a date (line 4)",
        ),
        (
            (FILES / "leerlingen.csv").read_bytes().replace(b"ST-104", b"ST-101"),
            "pupil key 'ST-101' occurs twice (line 5)",
        ),
        (
            (FILES / "leerlingen.csv").read_bytes().replace(b"ST-102;Warre", b";Warre"),
            "column 'Stamnummer' (key) is empty (line 3)",
        ),
        (b"\x00\x01binary", "not a text (CSV) file"),
    ],
)
def test_a_bad_csv_file_is_one_precise_line(data, expected):
    with pytest.raises(FileProblem) as caught:
        csvfile.parse(data, mapping=MAPPING, country="BE", school_year=2026)
    assert expected in str(caught.value)


def test_the_benchmarks_sample_export_reads():
    from hechtwijzer.interop import sample

    parsed = edexml.parse(sample.edexml(40, 8))
    assert (len(parsed.pupils), len(parsed.groups), len(parsed.staff)) == (40, 8, 9)
    assert parsed.staff[-1].proposed_roles == ("care_coordinator",)
