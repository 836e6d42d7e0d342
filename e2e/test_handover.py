"""The warm handover (issue 17): the new teacher meets it in September. The demo holds last
school year's handover for one pupil of the Dutch school, written before the summer; this
year's teacher of that pupil opens the pupil page, finds the calm box at the top, reads the
whole handover (what works), marks it read, and the box is gone. axe-core checks every page."""

import json

from conftest import check_axe, log_in, screenshot

FIND = (
    "import json; from hechtwijzer.handover.models import Handover; "
    "from hechtwijzer.schools.models import Membership; "
    "h = Handover.objects.select_related('pupil__school').get(pupil__school__country='NL'); "
    "t = Membership.objects.filter(groups=h.pupil.group_id, role='teacher').first(); "
    "print(json.dumps({'pupil': h.pupil.public_id, 'teacher': t.user.username, "
    "'year': h.school_year}))"
)


def test_a_new_teacher_meets_the_warm_handover_in_september(page, server):
    found = json.loads(server.command("shell", "-c", FIND).strip().splitlines()[-1])
    pupil_url = f"/pupils/{found['pupil']}/"
    page.goto("/")
    log_in(page, server, found["teacher"], "nl")

    page.goto(pupil_url)
    box = page.locator(".handover-box")
    assert box.get_by_role("heading", name="Warme overdracht").is_visible()
    assert "Waarmee u begint op de eerste dag" in box.inner_text()
    assert "Begroet" in box.inner_text()
    check_axe(page, "handover-box")
    screenshot(page, "handover-box")

    # The whole handover: what to start with and what works.
    box.get_by_role("link", name="Wat werkt voor deze leerling: de hele overdracht").click()
    page.wait_for_url("**/handover/")
    main = page.locator("main").inner_text()
    assert "Wat werkt" in main and "Maatregelen die werkten" in main
    check_axe(page, "handover-page")

    # Marked read: the box no longer greets this teacher.
    page.goto(pupil_url)
    with page.expect_navigation():
        page.locator(".handover-box").get_by_role("button", name="Gelezen").click()
    assert "Gemarkeerd als gelezen" in page.locator("main").inner_text()
    assert page.locator(".handover-box").count() == 0
    page.reload()
    assert page.locator(".handover-box").count() == 0
    # The handover stays on its own page.
    page.goto(f"{pupil_url}handover/")
    assert "Begroet" in page.locator("main").inner_text()


# Before the summer, in the Flemish demo school: a new pupil of one class, with a focus card and
# this year's handover written by the class teacher, is placed in next school year's class of
# another teacher (as the new school year step does). A new pupil, so the other tests' pupils
# stay where they were.
BEFORE_SUMMER = """
import datetime, json
from hechtwijzer.administration import actions as admin
from hechtwijzer.handover import actions as handover
from hechtwijzer.plans import actions as plans
from hechtwijzer.schools.models import Membership, Pupil, School, current_school_year
year = current_school_year()
school = School.objects.get(is_demo=True, country="BE")
teachers = list(
    Membership.objects.filter(school=school, role="teacher", groups__school_year=year)
    .select_related("user").order_by("user__username").distinct()
)
writer, reader = teachers[0], teachers[1]
group = writer.groups.get(school_year=year)
pupil = admin.create_pupil(
    actor=None, school=school, group=group, first_name="Wout", last_name="Overgang",
    date_of_birth=datetime.date(2018, 5, 4),
)
today = datetime.date.today()
plans.start_card(actor=writer.user, pupil=pupil, period_start=today - datetime.timedelta(weeks=4),
                 evaluation_due=today + datetime.timedelta(weeks=2))
handover.write(actor=writer.user, pupil=pupil,
               start_with="Geef hem bij binnenkomst een vaste taak: de planten water geven.")
upcoming = admin.create_group(
    actor=None, school=school, name="Klas volgend jaar", school_year=year + 1
)
reader.groups.add(upcoming)
Pupil.objects.filter(pk=pupil.pk).update(group=upcoming, previous_group=group)
print(json.dumps({"pupil": pupil.public_id, "reader": reader.user.username}))
"""


def test_next_years_teacher_reads_the_handover_before_the_summer(phone_page, server):
    page = phone_page
    found = json.loads(server.command("shell", "-c", BEFORE_SUMMER).strip().splitlines()[-1])
    log_in(page, server, found["reader"], "nl")

    # The start page lists the pupil under next school year's handovers, in Flemish words.
    section = page.locator("section.group", has_text="Warme overdracht voor volgend schooljaar")
    assert "in uw klas" in section.inner_text()
    check_axe(page, "handover-next-year-home-375")
    screenshot(page, "handover-next-year-home-375")
    with page.expect_navigation():
        section.get_by_role("link", name="Wout Overgang").click()
    main = page.locator("main").inner_text()
    assert "vaste taak" in main and "nog niet het dossier" in main
    # The pupil's record is not theirs yet: no link to it, and the page itself is a 404.
    assert page.locator(f"main a[href='/pupils/{found['pupil']}/']").count() == 0
    check_axe(page, "handover-next-year-page-375")
    screenshot(page, "handover-next-year-page-375")
    assert page.request.get(f"/pupils/{found['pupil']}/").status == 404

    # Marked read: back on the start page, the pupil carries "gelezen".
    with page.expect_navigation():
        page.get_by_role("button", name="Gelezen").click()
    assert "Gemarkeerd als gelezen" in page.locator("main").inner_text()
    section = page.locator("section.group", has_text="Warme overdracht voor volgend schooljaar")
    assert "gelezen" in section.locator("li", has_text="Wout Overgang").inner_text()
