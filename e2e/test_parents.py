"""Working with the parents (issue 16), on a phone: a teacher records a parent conversation and
the parents' consent on the focus card, makes a read link to the plan for the parents, the
parents open it without an account, and after the teacher revokes it the link answers 404.
Every page is checked with axe-core, the link holder's pages too."""

import re

from conftest import check_axe, log_in, screenshot

TEACHER = "fluitekruid.groep3"


def assert_no_sideways_scroll(page, name):
    """At the narrowest phone the layout supports (320 px), the page does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 700})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= 320, (name, width)


def test_a_teacher_records_a_conversation_and_consent_and_shares_the_plan(
    phone_page, new_page, server
):
    pupil = server.pupils("Groep 3")[9]  # a pupil no other flow writes for
    page = phone_page
    page.goto("/")
    log_in(page, server, TEACHER, "nl")

    # A card with one measure tried, so there is a plan to share.
    page.goto(f"/pupils/{pupil['public_id']}/focuskaart/")
    box = page.locator(".focus-card input[name^=trying_]:not(:checked)").first
    with page.expect_response(lambda r: r.url.endswith("/focuskaart/tick/") and r.ok):
        box.tap()

    # The pupil page leads to the parents' page.
    page.goto(f"/pupils/{pupil['public_id']}/")
    page.get_by_role("link", name="Ouders", exact=True).tap()
    page.wait_for_url("**/parents/")
    check_axe(page, "parents-empty")

    # A parent conversation.
    page.get_by_role("link", name="Een gesprek vastleggen").tap()
    page.wait_for_url("**/conversations/new/")
    check_axe(page, "parents-conversation-form")
    assert_no_sideways_scroll(page, "conversation form")
    page.get_by_label("Wie er aanwezig waren").fill("moeder, groepsleerkracht")
    page.get_by_label("Wat de ouders thuis zien").fill("Thuis is hij 's avonds onrustig.")
    page.get_by_label("Wat is afgesproken").fill("Elke ochtend een vast begroetingsritueel.")
    with page.expect_navigation():
        page.get_by_role("button", name="Gesprek opslaan").tap()
    assert "Elke ochtend een vast begroetingsritueel." in page.locator("main").inner_text()
    check_axe(page, "parents-with-conversation")
    assert_no_sideways_scroll(page, "parents")
    screenshot(page, "parents-375")

    # The parents' consent on this version, then shown on the card.
    page.get_by_role("link", name="Mening en instemming van de ouders vastleggen").first.tap()
    page.wait_for_url("**/consent/v*/")
    check_axe(page, "parents-consent-form")
    assert_no_sideways_scroll(page, "consent form")
    page.get_by_label("instemming gegeven", exact=True).check()
    page.get_by_label("Datum waarop de ouders hun antwoord gaven").fill(
        page.get_by_label("Datum waarop de ouders hun antwoord gaven").get_attribute("max")
    )
    page.get_by_label("De mening van de ouders, in hun woorden").fill("Wij doen graag mee.")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).tap()
    assert "Wij doen graag mee." in page.locator("main").inner_text()
    check_axe(page, "focus-card-with-consent")

    # A read link for the parents, shown once.
    page.goto(f"/pupils/{pupil['public_id']}/parents/")
    page.get_by_label("Voor wie").fill("moeder en vader")
    with page.expect_navigation():
        page.get_by_role("button", name="Een leeslink maken").tap()
    check_axe(page, "parents-link-made")
    assert_no_sideways_scroll(page, "link made")
    address = page.locator("#link-address").input_value()
    assert re.fullmatch(r"http://.+/l/[A-Za-z0-9_-]{43}/", address), address

    # The parents: no account, one document.
    parents = new_page()
    answer = parents.request.get(address)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["referrer-policy"] == "no-referrer"

    # The teacher revokes it; the parents' link now answers the same 404 as any other.
    page.goto(f"/pupils/{pupil['public_id']}/links/")
    check_axe(page, "read-links")
    assert_no_sideways_scroll(page, "read links")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Intrekken")).first.tap()
    assert parents.request.get(address).status == 404
    parents.goto(address)
    check_axe(parents, "read-link-gone")
