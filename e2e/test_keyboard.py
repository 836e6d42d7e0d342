"""Keyboard only: the quick log and the focus card with Tab, Space and Enter; every control shows
a focus outline with enough contrast; every focusable control has a label (axe checks that)."""

import pytest
from conftest import TEXT, assert_visible_focus, check_axe, log_in, tab_through, tab_to

TEACHER = "fluitekruid.groep3"
COORDINATOR = "fluitekruid.ib"


def test_quick_log_with_the_keyboard_only(page, server):
    pupil = server.pupils("Groep 3")[4]
    log_in(page, server, TEACHER)
    # From the start page: Tab to the group, Enter; Tab to the pupil, Enter.
    page.goto("/")
    tab_to(page, "el.matches('.group h3 a')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, f"el.matches('.pupil-button') && el.href.includes('{pupil['public_id']}')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/pupils/{pupil['public_id']}/observe/" in page.url

    # The skip link comes first and takes the keyboard past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.skip-link')")
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    signal = tab_to(page, "el.name === 'signals'")
    page.keyboard.press("Space")
    assert page.locator(f"#{signal['id']}").is_checked()
    # A situation: Tab into the first radio group, the arrow key chooses the next option.
    tab_to(page, "el.type === 'radio'")
    page.keyboard.press("ArrowRight")
    situation = page.evaluate("document.activeElement.id")
    assert page.locator(f"#{situation}").is_checked()
    tab_to(page, f"el.type === 'submit' && el.innerText.trim() === '{TEXT['nl']['save']}'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert TEXT["nl"]["saved"] in page.get_by_role("status").inner_text()
    check_axe(page, "keyboard-after-save-nl")


def test_focus_card_tick_with_the_keyboard_only(page, server):
    pupil = server.pupils("Groep 3")[5]
    log_in(page, server, TEACHER)
    page.goto(f"/pupils/{pupil['public_id']}/focuskaart/")
    focused = tab_to(page, "el.name && el.name.startsWith('doing_') && !el.checked")
    with page.expect_response(lambda r: r.url.endswith("/focuskaart/tick/") and r.ok):
        page.keyboard.press("Space")
    box = page.locator(f"#{focused['id']}")
    assert box.is_checked()
    # htmx swaps the row: the keyboard user keeps their place on the same checkbox.
    page.wait_for_function(f"document.activeElement.id === '{focused['id']}'")
    assert_visible_focus(tab_to(page, "true"))
    page.reload()
    assert box.is_checked(), "the tick was saved"


@pytest.mark.parametrize("who", [TEACHER, COORDINATOR])
def test_every_focus_stop_is_visible(page, server, who):
    """Tab through the main pages: each stop has an outline with 3:1 contrast around it."""
    pupil = server.pupils("Groep 3")[0]["public_id"]
    page.goto("/")
    pages = {"login": "/"}
    failures = [f"login: {s}" for s in tab_through(page) if not _visible(s)]
    log_in(page, server, who)
    if who == TEACHER:
        page.get_by_role("link", name="Groep 3", exact=True).click()
        page.wait_for_url("**/groups/*/")
        pages = {
            "home": "/",
            "group": page.url,
            "observe": f"/pupils/{pupil}/observe/",
            "pupil": f"/pupils/{pupil}/",
            "focus card": f"/pupils/{pupil}/focuskaart/",
            "knowledge search": "/knowledge/search/?q=boos",
        }
    else:
        page.get_by_role("link", name=TEXT["nl"]["school_overview"], exact=True).click()
        page.wait_for_url("**/schools/*/overview/")
        pages = {"school overview": page.url, "pupil": f"/pupils/{pupil}/"}
    for name, url in pages.items():
        page.goto(url)
        stops = tab_through(page)
        assert len(stops) > 5, f"{name}: hardly anything to tab to"
        failures += [f"{name}: {s}" for s in stops if not _visible(s)]
    assert not failures, "focus not visible enough:\n" + "\n".join(failures)


def _visible(stop: dict) -> bool:
    try:
        assert_visible_focus(stop)
    except AssertionError:
        return False
    return True
