"""A care coordinator opens the school overview and follows it to a pupil; a teacher who tries
another group's pupil gets the 404 page. Every page is checked with axe-core in both languages."""

import re

import pytest
from conftest import TABLET, TEXT, check_axe, log_in

COORDINATOR = "fluitekruid.ib"
TEACHER = "fluitekruid.groep3"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_care_coordinator_opens_the_school_overview(new_page, server, lang):
    page = new_page(TABLET)
    log_in(page, server, COORDINATOR, lang)
    check_axe(page, f"home-coordinator-{lang}")

    page.get_by_role("link", name=TEXT[lang]["school_overview"], exact=True).click()
    page.wait_for_url("**/schools/*/overview/")
    assert page.locator(".heatmap").count() >= 3, "one heat map per group"
    check_axe(page, f"school-overview-{lang}")

    page.locator(".period-choice a").first.click()
    page.wait_for_url(re.compile(r"\?weeks=\d+$"))
    assert page.locator(".period-choice a[aria-current=page]").count() == 1
    check_axe(page, f"school-overview-period-{lang}")

    # Follow the overview to the pupil with most signals: the care coordinator's pupil page.
    first = page.locator(".attention-list > li > a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/pupils/*/")
    assert page.locator("h1").inner_text() == name
    check_axe(page, f"pupil-coordinator-{lang}")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_teacher_gets_404_for_another_groups_pupil(page, server, lang):
    log_in(page, server, TEACHER, lang)
    other = server.pupils("Groep 5")[0]["public_id"]
    for path in (f"/pupils/{other}/", f"/pupils/{other}/observe/", f"/pupils/{other}/focuskaart/"):
        response = page.goto(path)
        assert response.status == 404, path
        assert page.locator("h1").inner_text() == TEXT[lang]["not_found"]
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and "Exception" not in body
        assert page.get_by_role("button", name=TEXT[lang]["log_out"]).is_visible()
    check_axe(page, f"404-{lang}")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_closed_focus_card_shows_what_the_measures_were_meant_for(new_page, server, lang):
    """The demo's evaluated card (version 1 of the pupil with the disinhibited picture): the
    snapshots of its start and evaluation, per measure, with axe-core."""
    page = new_page(TABLET)
    log_in(page, server, COORDINATOR, lang)

    # Which pupil's card was evaluated is the demo's choice: look for it (the coordinator may
    # open every card of the school; a pupil without a first version answers 404).
    def evaluated(url: str) -> bool:
        response = page.request.get(url)
        return response.ok and "evaluation-heading" in response.text()

    pupils = [p for g in server.groups if "Fluitekruid" in g["school"] for p in g["pupils"]]
    urls = [f"/pupils/{p['public_id']}/focuskaart/v1/" for p in pupils]
    closed = [url for url in urls if evaluated(url)]
    assert closed, "the demo has an evaluated focus card"
    page.goto(closed[0])
    section = page.locator(".snapshots")
    assert section.locator("table.snapshot tbody").count() >= 2, "one row group per measure"
    assert section.locator("th[scope=rowgroup]").count() == section.locator("tbody").count()
    check_axe(page, f"focus-card-closed-{lang}")
