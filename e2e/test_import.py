"""The school administrator imports the administration system's export: uploads it, sees the
preview (nothing stored yet), applies it; then decides on the role the demo's last import
proposed. Checked with axe-core.

The file is made from the demo school's own pupils (so the shared server's other tests keep
their pupils) plus one new pupil, without a group: applying it creates exactly that pupil.
"""

import re

import pytest
from conftest import LAPTOP, check_axe, log_in

ADMIN = "fluitekruid.admin"

# Prints the demo school's pupils and groups as an EDEXML 2.1 export (run with `shell -c`).
EXPORT = """
from xml.sax.saxutils import escape, quoteattr
from hechtwijzer.schools.models import School, current_school_year
s = School.objects.get(brin="99ZZ")
y = current_school_year()
out = ["<EDEX><school><schooljaar>%d-%d</schooljaar><brincode>99ZZ</brincode>" % (y, y + 1),
       "<dependancecode>00</dependancecode></school><groepen>"]
for g in s.groups.filter(school_year=y):
    out.append("<groep key=%s><naam>%s</naam><jaargroep>%s</jaargroep></groep>"
               % (quoteattr(g.source_key), escape(g.name), g.year_level))
out.append("</groepen><leerlingen>")
for p in s.pupils.filter(status="active").select_related("group"):
    ref = "<groep key=%s/>" % quoteattr(p.group.source_key) if p.group_id else ""
    out.append("<leerling key=%s><achternaam>%s</achternaam><roepnaam>%s</roepnaam>"
               "<geboortedatum>%s</geboortedatum>%s</leerling>"
               % (quoteattr(p.source_key), escape(p.last_name), escape(p.first_name),
                  p.date_of_birth.isoformat(), ref))
out.append("<leerling key='E2E-NEW'><achternaam>Nieuwkomer</achternaam>"
           "<roepnaam>Vera</roepnaam><geboortedatum>2018-05-04</geboortedatum></leerling>")
out.append("</leerlingen></EDEX>")
print("".join(out))
"""


@pytest.mark.parametrize("lang", ["nl"])
def test_the_administrator_uploads_previews_and_applies_an_export(new_page, server, tmp_path, lang):
    export = tmp_path / "export.xml"
    export.write_text(server.command("shell", "-v", "0", "-c", EXPORT), encoding="utf-8")
    page = new_page(LAPTOP)
    log_in(page, server, ADMIN, lang)
    page.get_by_role("link", name="Importeren uit het administratiepakket").click()
    page.wait_for_url("**/schools/*/import/")
    check_axe(page, f"import-{lang}")

    page.locator("#id_file").set_input_files(str(export))
    page.get_by_role("button", name="Uploaden en bekijken").click()
    page.wait_for_url(re.compile(r"/schools/\d+/import/[0-9a-f]{32}/$"))
    body = page.locator("main").inner_text()
    assert "Vera Nieuwkomer" in body
    assert "Leerlingen die van school zijn vertrokken" not in body  # nobody leaves
    check_axe(page, f"import-preview-{lang}")

    page.get_by_role("button", name="Deze wijzigingen toepassen").click()
    page.wait_for_load_state()
    assert "klaar" in page.locator("h1").inner_text()
    check_axe(page, f"import-done-{lang}")

    # The demo's earlier import proposed a teacher as second care coordinator: decline it.
    page.goto("/")
    page.get_by_role("link", name=re.compile("voorgestelde rol")).click()
    page.wait_for_url("**/schools/*/roles/")
    check_axe(page, f"role-proposals-{lang}")
    page.get_by_role("button", name=re.compile("^Afwijzen voor")).click()
    page.wait_for_url("**/schools/*/roles/")
    assert "Er wachten geen rollen op een besluit." in page.locator("main").inner_text()
