"""The care-team meeting (issue 16): the care coordinator opens the planned leerlingbespreking,
writes minutes and a decision for a pupil on the agenda (htmx, no page reload), on a laptop and
on a phone; the pupil's teacher, an attendee, opens the same meeting and reads them. Every page
is checked with axe-core."""

import datetime

from conftest import PHONE, check_axe, log_in, screenshot

COORDINATOR = "fluitekruid.ib"
MINUTES = "Besproken: een vaste begroeting bij de deur, elke ochtend."
DECISION = "Ouders uitnodigen voor een gesprek"


def _teacher_of(server, name: str) -> str:
    for group in server.groups:
        for pupil in group["pupils"]:
            if f"{pupil['first_name']} {pupil['last_name']}" == name:
                number = "".join(ch for ch in group["name"] if ch.isdigit())
                return f"fluitekruid.groep{number}"
    raise LookupError(name)


def test_the_coordinator_writes_the_minutes_and_the_teacher_reads_them(new_page, server):
    page = new_page()
    log_in(page, server, COORDINATOR)
    page.goto("/meetings/")
    check_axe(page, "meetings-list")
    with page.expect_navigation():
        page.get_by_role("link", name="Leerlingbespreking", exact=True).click()
    meeting_url = page.url
    check_axe(page, "meeting-planned")
    item = page.locator(".agenda-item").first
    name = item.locator("h3 a").inner_text()
    item.locator("textarea[name=minutes]").fill(MINUTES)
    with page.expect_response(lambda r: "/minutes/" in r.url and r.request.method == "POST"):
        item.get_by_role("button", name="Verslag opslaan", exact=True).click()
    page.wait_for_timeout(200)  # the swap follows the response
    assert item.locator("textarea[name=minutes]").input_value() == MINUTES
    assert page.url == meeting_url  # htmx: no reload
    item.locator("input[name=what]").fill(DECISION)
    due = datetime.date.today() + datetime.timedelta(days=14)
    item.locator("input[name=due_on]").fill(due.isoformat())
    with page.expect_response(lambda r: "/decisions/" in r.url and r.request.method == "POST"):
        item.get_by_role("button", name="Afspraak toevoegen", exact=True).click()
    page.wait_for_timeout(200)
    assert DECISION in item.locator(".decision-list").inner_text()
    check_axe(page, "meeting-with-minutes")
    screenshot(page, "meeting-1280")

    phone = new_page(viewport=PHONE)
    log_in(phone, server, COORDINATOR)
    phone.goto(meeting_url)
    check_axe(phone, "meeting-375")
    screenshot(phone, "meeting-375")

    teacher = new_page()
    log_in(teacher, server, _teacher_of(server, name))
    teacher.goto(meeting_url)
    main = teacher.locator("main").inner_text()
    assert name in main and MINUTES in main and DECISION in main
    assert teacher.locator("textarea[name=minutes]").count() == 0  # reads, does not write
    check_axe(teacher, "meeting-teacher")
