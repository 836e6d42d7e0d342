"""A direct safety concern on a phone and at the care coordinator's desk (issue 12): a teacher
logs what a child told her, is told whom to talk to today and passes it on with one button; the
care coordinator finds the pupil at the top of her home page, opens the safeguarding record and
records a decision, after which the pupil leaves the list. Every page is checked with axe-core.
"""

import pytest
from conftest import check_axe, log_in, screenshot

TEACHER = "fluitekruid.groep3"
COORDINATOR = "fluitekruid.ib"
TEXT = {
    "nl": {
        "disclosure": "Vertelt over geweld, mishandeling of misbruik",
        "save": "Opslaan",
        "talk_today": "Bespreek dit vandaag nog met de aandachtsfunctionaris of intern begeleider",
        "pass_on": "Doorgeven aan de intern begeleider",
        "passed_on": "Doorgegeven op",
        "waiting": "Wacht op uw besluit",
    },
    "en": {
        "disclosure": "Tells of violence, maltreatment or abuse",
        "save": "Save",
        "talk_today": "Discuss this today with the aandachtsfunctionaris or intern begeleider",
        "pass_on": "Pass this on to the care coordinator",
        "passed_on": "Passed on on",
        "waiting": "Waiting for your decision",
    },
}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_teacher_passes_a_disclosure_on_and_the_coordinator_decides(
    phone_page, new_page, server, lang
):
    text = TEXT[lang]
    # A pupil of group 3 that no other flow logs for.
    pupil = server.pupils("Groep 3")[{"nl": 5, "en": 6}[lang]]
    name = f"{pupil['first_name']} {pupil['last_name']}"

    page = phone_page
    page.goto("/")
    log_in(page, server, TEACHER, lang)
    page.goto(f"/pupils/{pupil['public_id']}/observe/")
    group = page.locator(".signal-group--safety")
    assert group.get_attribute("open") is not None, "the safety group is always open"
    group.locator(".tile", has_text=text["disclosure"]).tap()
    page.locator("textarea[name=note]").fill("Vertelde in de kring dat haar oom haar slaat.")
    page.get_by_role("button", name=text["save"], exact=True).tap()
    page.wait_for_url("**/concern/")
    assert page.locator("h1").inner_text() == text["talk_today"]
    check_axe(page, f"concern-{lang}")
    if lang == "nl":
        screenshot(page, "concern-375")
    with page.expect_navigation():
        page.get_by_role("button", name=text["pass_on"], exact=True).tap()
    assert text["passed_on"] in page.locator("main").inner_text()
    check_axe(page, f"concern-passed-on-{lang}")

    desk = new_page()
    desk.goto("/")
    log_in(desk, server, COORDINATOR, lang)
    waiting = desk.locator(".worklist-items--urgent")
    assert name in waiting.inner_text()
    check_axe(desk, f"home-coordinator-worklist-{lang}")
    waiting.get_by_role("link", name=name, exact=True).click()
    desk.wait_for_url(f"**/pupils/{pupil['public_id']}/safeguarding/")
    check_axe(desk, f"safeguarding-record-{lang}")
    concern = desk.locator("article.concern").first
    concern.locator("select[name=step]").select_option("consult")
    done_on = concern.locator("input[name=done_on]")
    done_on.fill(done_on.get_attribute("max"))  # today, as the server counts it
    concern.locator("textarea[name=decision]").fill(
        "Gesprek met moeder; Veilig Thuis geraadpleegd."
    )
    with desk.expect_navigation():
        concern.locator("form").first.locator("button[type=submit]").click()
    desk.goto("/")
    assert name not in desk.locator(".worklist").inner_text()
    desk.goto(f"/pupils/{pupil['public_id']}/")
    assert desk.locator("#safeguarding-heading").is_visible()
    check_axe(desk, f"pupil-safeguarding-{lang}")
