"""The quick log on a phone: one control per signal (issue 15).

The note helper's suggestion ticks the signal's one checkbox; a correction that unticks a
signal really removes it from the observation.
"""

from conftest import TEXT, check_axe, log_in

TEACHER = "fluitekruid.groep3"
NOTE = "Hij sloeg een klasgenoot en was woedend"


def tap_tile(page, code):
    """Tap a signal's tile, opening its group first when it is closed."""
    box = page.locator(f"#sig-{code}")
    if not box.is_visible():
        page.locator(f"details:has(#sig-{code}) > summary").tap()
    page.locator("label.tile", has=box).tap()


def test_the_note_helper_ticks_the_one_checkbox_and_a_correction_unticks_it(phone_page, server):
    page = phone_page
    pupil = server.pupils("Groep 3")[-1]  # no other e2e test logs for this pupil
    page.goto("/")
    log_in(page, server, TEACHER, "nl")
    page.goto(f"/pupils/{pupil['public_id']}/observe/")

    # Each signal has exactly one checkbox, most-used first included.
    values = page.locator("input[name=signals]").evaluate_all("(boxes) => boxes.map(b => b.value)")
    assert len(values) == len(set(values))

    # Typing a note suggests signals; the suggestion ticks the checkbox itself.
    with page.expect_response(lambda r: r.url.endswith("/observations/suggest/") and r.ok):
        page.locator("textarea[name=note]").fill(NOTE)
    suggestion = page.locator("[data-ticks='sig-quick_anger']")
    suggestion.wait_for()
    assert suggestion.get_attribute("aria-pressed") == "false"
    suggestion.tap()
    assert page.locator("#sig-quick_anger").is_checked()
    assert suggestion.get_attribute("aria-pressed") == "true"
    assert page.locator("#sig-quick_anger").is_visible()  # its group opened
    check_axe(page, "observe-suggestion-ticked-nl")
    tap_tile(page, "withdrawn")
    page.get_by_role("button", name=TEXT["nl"]["save"], exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")

    # Correct it: untick the suggested signal; the observation keeps only the other one.
    entry = page.locator(".observation").first
    assert "boos" in entry.inner_text().lower()
    entry.get_by_role("link", name="Corrigeren").tap()
    page.wait_for_url("**/correct/")
    assert page.locator("#sig-quick_anger").is_checked()
    tap_tile(page, "quick_anger")
    assert not page.locator("#sig-quick_anger").is_checked()
    page.get_by_role("button", name=TEXT["nl"]["save"], exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")
    entry = page.locator(".observation").first
    assert "boos" not in entry.inner_text().lower()
    assert "teruggetrokken" in entry.inner_text().lower()


def test_withdraw_asks_why_and_can_be_undone_the_same_day(phone_page, server):
    page = phone_page
    pupil = server.pupils("Groep 3")[-2]
    page.goto("/")
    log_in(page, server, TEACHER, "nl")
    page.goto(f"/pupils/{pupil['public_id']}/observe/")
    tap_tile(page, "tense_nervous")
    page.get_by_role("button", name=TEXT["nl"]["save"], exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")

    # The saved message offers undo: a page that asks why, with "saved by mistake" chosen.
    page.get_by_role("status").get_by_role("link", name="Ongedaan maken").tap()
    page.wait_for_url("**/withdraw/?reason=mistake")
    assert page.get_by_label("per ongeluk opgeslagen").is_checked()
    check_axe(page, "withdraw-nl")
    page.get_by_role("button", name="Intrekken", exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")
    entry = page.locator(".observation").first
    assert "ingetrokken" in entry.inner_text()

    # Restore it: it counts again.
    with page.expect_navigation():
        entry.get_by_role("button", name="Herstellen").tap()
    assert "telt weer mee" in page.get_by_role("status").inner_text()
    assert "ingetrokken" not in page.locator(".observation").first.inner_text()
    check_axe(page, "pupil-after-restore-nl")


def test_yesterdays_observation_can_be_corrected_on_a_phone(phone_page, server):
    page = phone_page
    pupil = server.pupils("Groep 5")[-1]  # no other e2e test logs for this pupil
    teacher = "fluitekruid.groep5"
    page.goto("/")
    log_in(page, server, teacher, "nl")
    page.goto(f"/pupils/{pupil['public_id']}/observe/")
    tap_tile(page, "impulsive")
    tap_tile(page, "withdrawn")
    page.get_by_role("button", name=TEXT["nl"]["save"], exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")
    correct_url = page.locator(".observation").first.get_by_role("link", name="Corrigeren")
    uid = correct_url.get_attribute("href").split("/observations/")[1].split("/")[0]

    # A day passes: the observation was logged yesterday.
    server.command(
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; "
        "from hechtwijzer.observations.models import Observation; "
        f"Observation.objects.filter(uid='{uid}').update("
        "created_at=timezone.now() - datetime.timedelta(days=1))",
    )
    page.reload()
    entry = page.locator(".observation").first
    entry.get_by_role("link", name="Corrigeren").tap()
    page.wait_for_url("**/correct/")
    check_axe(page, "correct-yesterday-nl")
    tap_tile(page, "impulsive")  # untick it
    page.get_by_role("button", name=TEXT["nl"]["save"], exact=True).tap()
    page.wait_for_url(f"**/pupils/{pupil['public_id']}/")
    assert "gecorrigeerd" in page.get_by_role("status").inner_text()
    text = page.locator(".observation").first.inner_text().lower()
    assert "teruggetrokken" in text and "impulsief" not in text
