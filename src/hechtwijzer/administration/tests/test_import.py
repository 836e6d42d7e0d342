"""Import from a school administration system (EDEXML 2.1, NL and Flemish; CSV): counts, a
second run that changes nothing, a dry run that reports what the real run does, pupils leaving
and moving group, staff as teachers with an invitation, roles proposed and never granted, and
every bad or hostile file refused with one line and nothing changed."""

import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from hechtwijzer.administration import imports
from hechtwijzer.administration.models import Invitation, ProposalState, RoleProposal
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.interop import FileProblem
from hechtwijzer.schools.models import Group, Membership, Pupil, Role, School
from hechtwijzer.testing import build_world

from .conftest import import_file

User = get_user_model()


def snapshot():
    """Everything an import may touch, as plain values."""
    return (
        sorted(School.objects.values_list("pk", "name", "brin", "institution_number")),
        sorted(Group.objects.values_list("pk", "name", "school_year", "source_key", "year_level")),
        sorted(
            Pupil.objects.values_list(
                "pk",
                "first_name",
                "last_name",
                "date_of_birth",
                "group",
                "status",
                "left_on",
                "source_key",
            )
        ),
        sorted(Membership.objects.values_list("pk", "role", "source_key", "user__email")),
        sorted(Membership.groups.through.objects.values_list("membership", "group")),
        sorted(User.objects.values_list("pk", "username", "first_name", "last_name")),
        RoleProposal.objects.count(),
        Invitation.objects.count(),
    )


def run_cli(tmp_path, data: bytes, *args: str, name: str = "file.xml"):
    """`hechtwijzer import …` on `data`: (exit code, stdout, stderr)."""
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    kind = "csv" if name.endswith(".csv") else "edexml"
    try:
        call_command("import", kind, str(path), *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def world(db):
    w = build_world()
    School.objects.filter(pk=w.noord.pk).update(brin="99XA", dependance="00")
    School.objects.filter(pk=w.zuid.pk).update(institution_number="999902")
    w.noord.refresh_from_db()
    w.zuid.refresh_from_db()
    return w


def counts(tmp_path, data, *args, name="file.xml"):
    code, out, err = run_cli(tmp_path, data, "--json", *args, name=name)
    assert code == 0, err
    return json.loads(out)


def test_it_imports_the_dutch_file(world, tmp_path):
    summary = counts(tmp_path, import_file("nl.xml"))
    assert summary["school"] == "Noord" and summary["school_code"] == "99XA00"
    # Groep 3 and Groep 5 were typed in by hand: adopted (their key and year level set).
    assert summary["groups"] == {"created": 0, "updated": 2, "unchanged": 0}
    # Four new pupils (the fifth left before it was ever imported); Piet, Lara and Mo are not
    # in this full export: they left (Sem had left already).
    assert summary["pupils"] == {"created": 4, "updated": 0, "unchanged": 0, "left": 3}
    assert summary["staff"] == {"created": 3, "updated": 0, "unchanged": 0, "proposed_roles": 1}
    assert any("already left" in w for w in summary["warnings"])
    world.group3.refresh_from_db()
    assert (world.group3.source_key, world.group3.year_level) == ("GRP-3", "3")
    mees = Pupil.objects.get(source_key="LL-002")
    assert (mees.first_name, mees.last_name, mees.group) == ("Mees", "van Dijk", world.group3)
    world.piet.refresh_from_db()
    assert world.piet.status == "left" and world.piet.left_on is not None
    assert AuditEntry.objects.filter(action="import.apply", school_id=world.noord.pk).count() == 1
    assert AuditEntry.objects.filter(action="pupil.create", school_id=world.noord.pk).count() >= 4


def test_it_never_stores_national_numbers_or_the_eck_id(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    stored = repr(snapshot()) + repr(list(AuditEntry.objects.values_list("details", flat=True)))
    assert "999990019" not in stored and "ecksample" not in stored


def test_a_second_run_changes_nothing(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    before = snapshot()
    again = counts(tmp_path, import_file("nl.xml"))
    assert again["groups"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again["pupils"] == {"created": 0, "updated": 0, "unchanged": 4, "left": 0}
    assert again["staff"] == {"created": 0, "updated": 0, "unchanged": 3, "proposed_roles": 0}
    assert snapshot() == before


def test_a_dry_run_writes_nothing_and_reports_what_the_real_run_does(world, tmp_path):
    before, entries = snapshot(), AuditEntry.objects.count()
    dry = counts(tmp_path, import_file("nl.xml"), "--dry-run")
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries
    assert len(mail.outbox) == 0
    real = counts(tmp_path, import_file("nl.xml"))
    assert dry.pop("dry_run") is True and real.pop("dry_run") is False
    assert dry == real


NOOR_END = (
    '<jaargroep>5</jaargroep>\n      <groep key="GRP-5"/>\n    </leerling>\n'
    '    <leerling key="LL-004">'
)
FLEUR_GROUP = '<groep key="GRP-3"/>\n      <samengestelde_groepen>'


def test_a_pupil_leaves_and_a_pupil_moves_group(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    data = import_file(
        "nl.xml",
        **{
            # Noor leaves (an uitstroomdatum in the past); Fleur moves to group 5.
            NOOR_END: (
                f'<jaargroep>5</jaargroep>\n      <groep key="GRP-5"/>\n'
                f"      <uitstroomdatum>{yesterday}</uitstroomdatum>\n    </leerling>\n"
                '    <leerling key="LL-004">'
            ),
            FLEUR_GROUP: FLEUR_GROUP.replace("GRP-3", "GRP-5"),
        },
    )
    summary = counts(tmp_path, data)
    assert summary["pupils"] == {"created": 0, "updated": 1, "unchanged": 2, "left": 1}
    noor = Pupil.objects.get(source_key="LL-003")  # still there: never deleted
    assert noor.status == "left" and noor.left_on.isoformat() == yesterday
    assert Pupil.objects.get(source_key="LL-001").group == world.group5


def test_a_pupil_missing_from_a_full_export_has_left(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    start = '    <leerling key="LL-004">'
    text = import_file("nl.xml").decode()
    end = text.index("</leerling>", text.index(start)) + len("</leerling>")
    summary = counts(tmp_path, (text[: text.index(start)] + text[end:]).encode())
    assert summary["pupils"]["left"] == 1
    daan = Pupil.objects.get(source_key="LL-004")
    assert daan.status == "left" and daan.left_on == datetime.date.today()


def test_staff_become_teachers_with_an_invitation_and_roles_are_only_proposed(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    saskia = Membership.objects.get(source_key="LK-01")
    assert saskia.role == Role.TEACHER
    assert list(saskia.groups.all()) == [world.group3]
    assert not saskia.user.has_usable_password()
    assert Invitation.objects.filter(user=saskia.user).count() == 1
    assert [m.to for m in mail.outbox] == [
        ["s.lindeveld@school.example"],
        ["i.zorgvlied@school.example"],
    ]
    # The file says IB: proposed, not granted.
    ilse = Membership.objects.get(source_key="LK-03")
    assert ilse.role == Role.TEACHER
    proposal = RoleProposal.objects.get(membership=ilse)
    assert (proposal.role, proposal.state, proposal.source_codes) == (
        "care_coordinator",
        "open",
        "IB",
    )
    assert Membership.objects.get(source_key="LK-02").user.username == "j.termolen"


def test_without_the_sites_address_no_invitation_is_mailed_with_a_bare_path(
    world, tmp_path, settings
):
    settings.BASE_URL = ""
    code, _out, err = run_cli(tmp_path, import_file("nl.xml"))
    assert code == 0 and mail.outbox == []
    assert "invitation for s.lindeveld (not mailed: the link needs the site's address" in err
    failed = AuditEntry.objects.filter(action="invitation.mail_failed")
    assert {e.details["reason"] for e in failed} == {"no site address"} and failed.count() == 2
    # With --base-url the links are whole and go out.
    Invitation.objects.all().delete()
    Membership.objects.filter(source_key__startswith="LK-").delete()
    code, _out, err = run_cli(tmp_path, import_file("nl.xml"), "--base-url", "https://hw.example")
    assert code == 0 and len(mail.outbox) == 2
    assert "https://hw.example/" in mail.outbox[0].body


def test_at_a_school_without_passwords_new_staff_get_no_invitation(world, tmp_path):
    # The school logs in through its log-in service (single sign-on): a link to choose a
    # password would lead to a log-in that refuses it.
    School.objects.filter(pk=world.noord.pk).update(password_login=False)
    counts(tmp_path, import_file("nl.xml"))
    saskia = Membership.objects.get(source_key="LK-01")
    assert saskia.role == Role.TEACHER and not saskia.user.has_usable_password()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_confirming_and_declining_a_proposal(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    proposal = RoleProposal.objects.get()
    with pytest.raises(imports.PermissionDenied):
        imports.decide_proposal(actor=world.erik, proposal=proposal, confirm=True)
    imports.decide_proposal(actor=world.dirk, proposal=proposal, confirm=False)
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DECLINED
    assert proposal.membership.role == Role.TEACHER
    # Declined once: the next import does not propose it again.
    assert counts(tmp_path, import_file("nl.xml"))["staff"]["proposed_roles"] == 0
    assert AuditEntry.objects.filter(action="role.decline").count() == 1


def test_the_flemish_variant(world, tmp_path):
    summary = counts(tmp_path, import_file("vla.xml"))
    assert summary["school"] == "Zuid"
    assert summary["groups"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert summary["pupils"] == {"created": 3, "updated": 0, "unchanged": 0, "left": 1}  # Zoe
    assert summary["staff"] == {"created": 2, "updated": 0, "unchanged": 0, "proposed_roles": 1}
    assert RoleProposal.objects.get().role == "school_admin"
    group = Group.objects.get(school=world.zuid, source_key="K1A")
    assert imports.year_level_label(group.year_level, "BE") == "1e leerjaar"
    assert "99999999901" not in repr(snapshot())


MAPPING = (
    "key=Stamnummer,first_name=Voornaam,last_name=Familienaam,date_of_birth=Geboortedatum,"
    "group=Klas,year_level=Leerjaar"
)


def test_a_csv_export_with_a_mapping(world, tmp_path):
    data = import_file("leerlingen.csv")
    summary = counts(tmp_path, data, "--school", "999902", "--mapping", MAPPING, name="l.csv")
    assert summary["groups"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert summary["pupils"] == {"created": 4, "updated": 0, "unchanged": 0, "left": 1}
    assert Group.objects.get(school=world.zuid, source_key="3B").year_level == "5"
    # The page remembers a mapping per school; the command uses it when none is given.
    imports.remember_mapping(
        actor=world.gijs, school=world.zuid, columns=dict(p.split("=") for p in MAPPING.split(","))
    )
    again = counts(tmp_path, data, "--school", "999902", name="l.csv")
    assert again["pupils"] == {"created": 0, "updated": 0, "unchanged": 4, "left": 0}


def test_create_school_from_the_file(db, tmp_path):
    summary = counts(tmp_path, import_file("nl.xml"), "--create-school")
    school = School.objects.get(brin="99XA")
    assert (school.dependance, school.country, school.name) == ("00", "NL", "School 99XA00")
    assert summary["pupils"]["created"] == 4
    # Run again, the school exists: found, nothing changes.
    assert counts(tmp_path, import_file("nl.xml"), "--create-school")["pupils"]["created"] == 0
    assert School.objects.count() == 1


HOSTILE = {
    "xxe": b'<?xml version="1.0"?>\n<!DOCTYPE EDEX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<EDEX>&x;</EDEX>',
    "entity expansion": (
        b'<?xml version="1.0"?>\n<!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<EDEX>&b;</EDEX>'
    ),
    "wrong root": b"<?xml version='1.0'?>\n<leerlingen/>",
}


@pytest.mark.parametrize(
    ("case", "make", "expected"),
    [
        ("xxe", lambda: HOSTILE["xxe"], "document type declaration (DTD)"),
        (
            "entity expansion",
            lambda: HOSTILE["entity expansion"],
            "document type declaration (DTD)",
        ),
        (
            "wrong root",
            lambda: HOSTILE["wrong root"],
            "the root element is <leerlingen>, not <EDEX> (line 2)",
        ),
        ("not well-formed", lambda: import_file("nl.xml")[:-20], "not well-formed XML"),
        (
            "missing required element",
            lambda: import_file("nl.xml", **{"<geboortedatum>2017-06-11</geboortedatum>": ""}),
            "required element <geboortedatum> is missing or empty (<leerling key='LL-004'>",
        ),
        (
            "broken key reference",
            lambda: import_file(
                "nl.xml",
                **{'groep key="GRP-3"/></groepen>': 'groep key="NOPE"/></groepen>'},
            ),
            "refers to group key 'NOPE', which the file does not define "
            "(<leerkracht key='LK-01'> <groep>",
        ),
        (
            "a date of birth in the future",
            lambda: import_file("nl.xml", **{"2017-06-11": "2099-06-11"}),
            "pupil 'LL-004': De geboortedatum ligt in de toekomst. (line 55)",
        ),
        (
            "no pupils at all",
            lambda: re.sub(
                rb"<leerlingen>.*</leerlingen>", b"<leerlingen/>", import_file("nl.xml"), flags=re.S
            ),
            "the file lists no pupils; nothing is imported from an empty export",
        ),
        (
            "another school's file",
            lambda: import_file(
                "nl.xml", **{"<brincode>99XA</brincode>": "<brincode>99XB</brincode>"}
            ),
            "no school with code '99XB00'",
        ),
    ],
)
def test_a_bad_or_hostile_file_exits_2_with_one_line_and_changes_nothing(
    world, tmp_path, case, make, expected
):
    counts(tmp_path, import_file("nl.xml"))  # something to lose
    before, entries = snapshot(), AuditEntry.objects.count()
    code, out, err = run_cli(tmp_path, make(), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert expected in err
    assert snapshot() == before
    assert AuditEntry.objects.count() == entries


def test_a_file_for_another_country_is_refused(world, tmp_path):
    code, _out, err = run_cli(tmp_path, import_file("nl.xml"), "--school", "999902")
    assert code == 2
    assert "the file is for a school in NL, 'Zuid' is in BE" in err


def test_a_school_administrator_imports_only_into_their_own_school(world):
    school_file = imports.read_file("edexml", import_file("nl.xml"))
    with pytest.raises(imports.PermissionDenied):
        imports.run_import(actor=world.gijs, school_file=school_file, school=world.noord)
    with pytest.raises(imports.PermissionDenied):
        imports.run_import(actor=world.dirk, school_file=school_file, create_school=True)
    with pytest.raises(FileProblem):
        imports.run_import(actor=world.gijs, school_file=school_file, school=world.zuid)


def test_a_partial_file_marks_nobody_left_for_missing(world, tmp_path):
    summary = counts(tmp_path, import_file("nl.xml"), "--partial")
    assert summary["pupils"]["left"] == 0
    world.piet.refresh_from_db()
    assert world.piet.status == "active"


def test_a_pupil_who_left_and_is_listed_again_comes_back(world, tmp_path):
    counts(tmp_path, import_file("nl.xml"))
    world.piet.refresh_from_db()
    assert world.piet.status == "left"  # missing from the full export
    from hechtwijzer.administration import actions

    actions.update_pupil(actor=None, pupil=world.piet, source_key="LL-077")
    data = import_file(
        "nl.xml",
        **{
            "  </leerlingen>": (
                '    <leerling key="LL-077"><achternaam>Testkind</achternaam>'
                "<roepnaam>Piet</roepnaam><geboortedatum>2019-03-14</geboortedatum>"
                '<groep key="GRP-3"/></leerling>\n  </leerlingen>'
            )
        },
    )
    assert counts(tmp_path, data)["pupils"]["updated"] == 1
    world.piet.refresh_from_db()
    assert (world.piet.status, world.piet.left_on) == ("active", None)


def test_staff_typed_in_by_hand_are_adopted_by_their_address(world, tmp_path):
    type(world.anna).objects.filter(pk=world.anna.pk).update(email="s.lindeveld@school.example")
    summary = counts(tmp_path, import_file("nl.xml"))
    assert summary["staff"] == {"created": 2, "updated": 1, "unchanged": 0, "proposed_roles": 1}
    anna = Membership.objects.get(user=world.anna)
    assert (anna.source_key, anna.user.first_name) == ("LK-01", "Saskia")
    assert Membership.objects.filter(school=world.noord, source_key="LK-01").count() == 1


def test_a_bad_csv_file_exits_2_with_one_line(world, tmp_path):
    data = import_file("leerlingen.csv", **{"02/11/2018": "31/02/2018"})
    before = snapshot()
    code, _out, err = run_cli(
        tmp_path, data, "--school", "999902", "--mapping", MAPPING, name="l.csv"
    )
    assert code == 2
    assert err == "error: date of birth: '31/02/2018' is not a date (line 4)\n"
    assert snapshot() == before
