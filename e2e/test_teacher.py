"""A teacher's day on a phone: log in, find the group, log an observation with the quick log,
open the pupil's profile, tick the focus card, print it, switch the language, log out. Every page
on the way is checked with axe-core, in Dutch and in English."""

import pytest
from conftest import (
    ARTIFACTS,
    OTHER,
    TEXT,
    check_axe,
    log_in,
    open_menu,
    screenshot,
    switch_language,
)

TEACHER = "fluitekruid.groep3"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_teacher_flow_on_a_phone(phone_page, server, lang):
    page = phone_page
    # Each language run logs for its own pupil, so the runs cannot see each other's work.
    pupil = server.pupils("Groep 3")[{"nl": 2, "en": 3}[lang]]
    name = f"{pupil['first_name']} {pupil['last_name']}"

    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    check_axe(page, f"login-{lang}")
    log_in(page, server, TEACHER, lang)
    check_axe(page, f"home-teacher-{lang}")

    # Find the group and the pupil.
    page.get_by_role("link", name="Groep 3", exact=True).tap()
    page.wait_for_url("**/groups/*/")
    assert page.locator("h1").inner_text().startswith("Groep 3")
    check_axe(page, f"group-{lang}")
    group_url = page.url
    page.locator(".pupil-buttons").get_by_role("link", name=name, exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/observe/**")
    check_axe(page, f"observe-{lang}")

    # Quick log: tap a signal, a situation, save (three taps and a choice).
    tile = page.locator(".signal-picker .tile").first
    signal = tile.inner_text().strip()
    tile.tap()
    assert tile.locator("input").is_checked()
    page.locator(".choice-row .chip").first.tap()
    page.get_by_role("button", name=TEXT[lang]["save"], exact=True).tap()
    page.wait_for_url(group_url)
    status = page.get_by_role("status")
    assert TEXT[lang]["saved"] in status.inner_text() and pupil["first_name"] in status.inner_text()
    check_axe(page, f"group-after-save-{lang}")

    # The pupil's profile shows the observation.
    page.goto(f"/pupils/{pupil['public_id']}/")
    assert page.locator("h1").inner_text() == name
    assert signal in page.locator(".observation").first.inner_text()
    check_axe(page, f"pupil-{lang}")

    # The focus card: tick a column with one tap (htmx), and it is still ticked after reload.
    page.locator(".plan .plan__card").tap()
    page.wait_for_url("**/focuskaart/")
    assert page.locator("h1").inner_text().startswith(TEXT[lang]["focus_card_for"])
    check_axe(page, f"focus-card-{lang}")
    box = page.locator(".focus-card input[name^=trying_]:not(:checked)").first
    box_id = box.get_attribute("id")
    with page.expect_response(lambda r: r.url.endswith("/focuskaart/tick/") and r.ok):
        box.tap()
    assert page.locator(f"#{box_id}").is_checked()
    check_axe(page, f"focus-card-ticked-{lang}")
    page.reload()
    assert page.locator(f"#{box_id}").is_checked()

    # Print it: the print style hides the site's chrome; keep the printout as an artefact.
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".page-actions").is_hidden()
    assert page.locator(f"#{box_id}").is_visible()
    page.pdf(path=ARTIFACTS / f"focus-card-printed-{lang}.pdf", format="A4")
    page.emulate_media(media="screen")
    # Switch the language on the card, then log out.
    other = OTHER[lang]
    switch_language(page, other)
    assert page.locator("h1").inner_text().startswith(TEXT[other]["focus_card_for"])
    assert page.locator(f"#{box_id}").is_checked()
    check_axe(page, f"focus-card-switched-{other}")
    open_menu(page)  # on a phone, log out sits in the header's menu
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT[other]["log_out"], exact=True).tap()
    assert page.locator("#id_username").is_visible()
    check_axe(page, f"logged-out-{other}")
    page.goto(group_url)
    assert page.locator("#id_username").is_visible(), "the group page needs a log-in again"
    if lang == "nl":
        screenshot(page, "flow-logged-out-375")


def test_focus_card_pdf_for_the_pupil_file(page, server):
    log_in(page, server, TEACHER)
    pupil = server.pupils("Groep 3")[2]["public_id"]
    page.goto(f"/pupils/{pupil}/focuskaart/")
    pdf = page.request.get(page.locator(".page-actions a[href$='.pdf']").get_attribute("href"))
    assert pdf.status == 200, f"{pdf.url} answered {pdf.status}"
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
