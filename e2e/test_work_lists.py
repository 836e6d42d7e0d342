"""The home page's work lists: a teacher and the care coordinator of the demo school each see
what needs them, with a heading and a count per list, and follow an item to where it is done.
axe-core checks the page in both languages."""

import pytest
from conftest import LAPTOP, PHONE, check_axe, log_in

COORDINATOR = "fluitekruid.ib"
TEACHER = "fluitekruid.groep3"


def counts(page) -> dict[str, int]:
    lists = page.locator("[data-work-list]")
    return {
        lists.nth(i).get_attribute("data-work-list"): int(lists.nth(i).get_attribute("data-count"))
        for i in range(lists.count())
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_teacher_follows_an_evaluation_due(new_page, server, lang):
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    log_in(page, server, TEACHER, lang)
    found = counts(page)
    assert list(found) == [
        "evaluations_due",
        "cards_without_plan",
        "observations_to_check",
        "my_decisions",
    ]
    assert found["evaluations_due"] >= 1 and found["my_decisions"] >= 1
    # One heading per list, with its count.
    section = page.locator("[data-work-list=evaluations_due]")
    assert section.locator("h4 .count").inner_text() == str(found["evaluations_due"])
    assert page.locator(".group h3 a").count() >= 1, "the groups stay under the lists"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_axe(page, f"home-teacher-work-lists-{lang}")
    page.screenshot(
        path=f"test-artifacts/screenshots/home-teacher-work-lists-{lang}.png", full_page=True
    )
    with page.expect_navigation():
        section.locator("li a").first.click()
    assert "/focuskaart/evaluate/" in page.url


def test_the_coordinator_sees_the_schools_lists(new_page, server):
    page = new_page(LAPTOP)
    log_in(page, server, COORDINATOR)
    found = counts(page)
    assert list(found) == [
        "awaiting_decision",
        "to_discuss",
        "evaluations_overdue",
        "decisions_waiting",
        "referrals_unanswered",
    ]
    assert found["awaiting_decision"] >= 1 and found["evaluations_overdue"] >= 1
    assert found["referrals_unanswered"] >= 1  # the demo's referral sent today (demo/referrals.py)
    assert page.locator(".worklist-items--urgent li").count() == found["awaiting_decision"]
    assert page.locator(".worklist").count() == 1, "the safety list, as before (test_concern.py)"
    page.screenshot(
        path="test-artifacts/screenshots/home-coordinator-work-lists.png", full_page=True
    )
    check_axe(page, "home-coordinator-work-lists-nl")
    with page.expect_navigation():
        page.locator("[data-work-list=evaluations_overdue] li a").first.click()
    assert "/focuskaart/" in page.url
