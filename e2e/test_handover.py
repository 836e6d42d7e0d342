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
