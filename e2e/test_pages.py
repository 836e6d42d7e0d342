"""The other pages a teacher opens (knowledge base, search, an item, behaviour card, day
programme), checked with axe-core in both languages; and screenshots of the main pages at phone,
tablet and laptop width for a reviewer (test-artifacts/screenshots/)."""

import pytest
from conftest import LAPTOP, PHONE, SCREENSHOTS, TABLET, TEXT, check_axe, log_in, screenshot

TEACHER = "fluitekruid.groep3"
COORDINATOR = "fluitekruid.ib"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_knowledge_and_pupil_tools(page, server, lang):
    log_in(page, server, TEACHER, lang)
    page.get_by_role("link", name=TEXT[lang]["knowledge"], exact=True).click()
    page.wait_for_url("**/knowledge/")
    check_axe(page, f"knowledge-{lang}")

    page.goto("/knowledge/search/?q=boosheid")
    assert page.locator(".results li").count() > 0
    check_axe(page, f"knowledge-search-{lang}")
    page.locator(".results li a").first.click()
    page.wait_for_url("**/knowledge/*/*/")
    check_axe(page, f"knowledge-item-{lang}")

    pupil = server.pupils("Groep 3")[0]["public_id"]
    for name in ("behaviour-card", "day-programme"):
        response = page.goto(f"/pupils/{pupil}/{name}/")
        assert response.ok
        check_axe(page, f"{name}-{lang}")


def _main_pages(page, server) -> dict[str, str]:
    """Name -> URL of the main pages, found by clicking through as the teacher."""
    pupil = server.pupils("Groep 3")[1]["public_id"]
    page.get_by_role("link", name="Groep 3", exact=True).click()
    page.wait_for_url("**/groups/*/")
    return {
        "home": "/",
        "group": page.url,
        "observe": f"/pupils/{pupil}/observe/",
        "pupil": f"/pupils/{pupil}/",
        "focus-card": f"/pupils/{pupil}/focuskaart/",
        "knowledge": "/knowledge/",
        "knowledge-search": "/knowledge/search/?q=faalangst",
        "not-found": f"/pupils/{server.pupils('Groep 5')[0]['public_id']}/",
    }


def test_screenshots_of_the_main_pages(new_page, server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sizes = {"375": PHONE, "768": TABLET, "1280": LAPTOP}
    for width, viewport in sizes.items():
        page = new_page(viewport)
        page.goto("/")
        screenshot(page, f"login-{width}")
        log_in(page, server, TEACHER)
        for name, url in _main_pages(page, server).items():
            page.goto(url)
            screenshot(page, f"{name}-{width}")
        coordinator = new_page(viewport)
        log_in(coordinator, server, COORDINATOR)
        coordinator.get_by_role("link", name=TEXT["nl"]["school_overview"], exact=True).click()
        coordinator.wait_for_url("**/schools/*/overview/")
        screenshot(coordinator, f"school-overview-{width}")
    assert len(list(SCREENSHOTS.glob("*-375.png"))) >= 10
