"""Every page on the narrowest phone (issue 15): a teacher, a care coordinator and a school
administrator each walk every page they can reach from their home page by following links, at
320 px; no page scrolls sideways (a wide table scrolls inside its own focusable box) and axe-core
finds nothing. The pages that came after the last accessibility pass (access export and erase,
audit trail, safeguarding record, two-step log-in, factors, access, card settings, evaluation)
must be among the pages walked. The header folds into a menu on a phone; screenshots at 375 and
1280 px of the pupil page, the focus card, the group page and the school overview; the busiest
pupil's page height at 375 px goes to test-artifacts/phone-layout.json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import time
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import ARTIFACTS, LAPTOP, PHONE, TEXT, check_axe, log_in, open_menu, screenshot

TEACHER = "fluitekruid.groep3"
COORDINATOR = "fluitekruid.ib"
ADMIN = "fluitekruid.admin"
NARROWEST = {"width": 320, "height": 640}
# Several of one kind of page (two pupils' pages, two knowledge items of a kind) may differ in
# what they show; more than this many of a kind add nothing but time.
PER_KIND = 2
MOST_PAGES = 160

# Links the walk does not follow: leaving the app, files that are no pages, and the invitation
# link, which is checked (and moved into the session) when it is opened.
SKIP = re.compile(r"\.(pdf|json|png|svg|css|js)$|^/(static|i18n|invitation)/|/logout/$")
PUBLIC_ID = re.compile(r"^[a-z2-7]{16}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const root = document.documentElement;
    // What sticks out on the right: the innermost elements wider than the window, for the
    // failure message (elements inside a scroll box stick out of nothing).
    const culprits = [];
    if (root.scrollWidth > width) {
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 0.5 || box.width === 0) continue;
            let inside = false;
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                const overflow = getComputedStyle(up).overflowX;
                if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
                    inside = true; break;
                }
            }
            if (inside) continue;
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            culprits.push(`${name} (right ${Math.round(box.right)})`);
        }
    }
    return {scrollWidth: root.scrollWidth, innerWidth: width, culprits: culprits.slice(-6)};
}"""

LINKS_JS = """() => [...document.querySelectorAll('a[href]')].map((a) => a.href)"""


def kind_of(url: str) -> str:
    """The kind of page a URL shows: ids, days and item codes replaced, query values dropped."""
    parts = urlsplit(url)
    segments = []
    for segment in parts.path.strip("/").split("/"):
        if PUBLIC_ID.match(segment):
            segment = "<pupil>"
        elif UUID.match(segment):
            segment = "<uid>"
        elif segment.isdigit():
            segment = "<n>"
        elif re.match(r"^\d{4}-\d{2}-\d{2}$", segment):
            segment = "<day>"
        segments.append(segment)
    if segments[:1] == ["knowledge"] and len(segments) == 3:
        segments[2] = "<code>"
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    if segments[:1] == ["admin"]:
        keys = []  # Django's sorting, filters and return addresses show the same page
    slash = "/" if parts.path.endswith("/") and segments != [""] else ""
    return "/" + "/".join(segments) + slash + (f"?{'&'.join(keys)}" if keys else "")


def walk(page, server, start: list[str], *, axe_prefix: str) -> dict[str, list[str]]:
    """Follow every same-site link from `start`, breadth first, at most PER_KIND pages of a
    kind; check each page for sideways scrolling and with axe-core. Returns kind -> URLs."""
    seen_urls: set[str] = set()
    kinds: dict[str, list[str]] = {}
    queue = deque(start)
    failures = []
    while queue and len(seen_urls) < MOST_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen_urls or SKIP.search(path):
            continue
        kind = kind_of(url)
        if len(kinds.get(kind, [])) >= PER_KIND:
            continue
        seen_urls.add(url)
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        landed = kind_of(page.url)
        if landed != kind and len(kinds.get(landed, [])) >= PER_KIND:
            continue  # redirected to a page of a kind already checked
        # A page that answered with an error counts as checked, not as reached.
        kinds.setdefault(kind, []).append(url if response.ok else f"{url} ({response.status})")
        width = page.evaluate(OVERFLOW_JS)
        if width["scrollWidth"] > width["innerWidth"]:
            failures.append(
                f"{url}: page {width['scrollWidth']} px wide at {width['innerWidth']} px; "
                f"sticking out: {', '.join(width['culprits'])}"
            )
        if len(kinds[kind]) == 1:
            name = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-") or "home"
            try:
                check_axe(page, f"{axe_prefix}-{name}"[:120])
            except pytest.fail.Exception as failed:  # go on: one list of all the problems
                failures.append(str(failed))
        for link in page.evaluate(LINKS_JS):
            target = urlsplit(link)
            if target.netloc != urlsplit(server.base_url).netloc:
                continue
            query = f"?{target.query}" if target.query else ""
            queue.append(f"{server.base_url}{target.path}{query}")
    assert not failures, "\n".join(failures)
    return kinds


def _walked(kinds: dict[str, list[str]], *fragments: str) -> None:
    reached = [kind for kind, urls in kinds.items() if any(" (" not in url for url in urls)]
    missing = [f for f in fragments if not any(re.search(f, kind) for kind in reached)]
    assert not missing, f"not reached by the walk: {missing}; walked: {sorted(kinds)}"


def busiest_pupil(new_page, server) -> tuple[str, str]:
    """The demo pupil with the largest page, and the care coordinator who sees it: each
    school's coordinator asks for every demo pupil (another school's pupil answers 404)."""
    sizes = {}
    for coordinator in (COORDINATOR, "klaproos.zoco"):
        page = new_page()
        log_in(page, server, coordinator)
        for group in server.groups:
            for pupil in group["pupils"]:
                response = page.request.get(f"/pupils/{pupil['public_id']}/")
                if response.ok:
                    sizes[(coordinator, pupil["public_id"])] = len(response.body())
    return max(sizes, key=sizes.get)


def test_a_teacher_walks_every_page_at_320_px(new_page, server):
    page = new_page(NARROWEST)
    log_in(page, server, TEACHER)
    kinds = walk(page, server, [f"{server.base_url}/"], axe_prefix="walk-teacher")
    _walked(
        kinds,
        r"^/groups/<n>/$",
        r"^/pupils/<pupil>/$",
        r"/observe/$",
        r"/focuskaart/$",
        r"/focuskaart/settings/$",
        r"/behaviour-card/$",
        r"/day-programme/$",
        r"^/knowledge/<kind>|^/knowledge/\w+/<code>/$",
        r"^/accounts/two-step/$",
    )


def test_a_care_coordinator_walks_every_page_at_320_px(new_page, server):
    coordinator, pupil = busiest_pupil(new_page, server)
    page = new_page(NARROWEST)
    log_in(page, server, COORDINATOR)
    start = [f"{server.base_url}/"]
    if coordinator == COORDINATOR:
        start.append(f"{server.base_url}/pupils/{pupil}/")
    # The evaluation form is linked only from a card that is due: open the busiest pupil's.
    start.append(f"{server.base_url}/pupils/{pupil}/focuskaart/evaluate/")
    kinds = walk(page, server, start, axe_prefix="walk-coordinator")
    _walked(
        kinds,
        r"^/schools/<n>/overview/$",
        r"/safeguarding/$",
        r"/factors/$",
        r"/access/$",
        r"/audit/$",
        r"/export/$",
        r"/focuskaart/evaluate/$",
        r"/focuskaart/v<n>/$|/focuskaart/v\d+/$",
    )


def test_a_school_admin_walks_every_page_at_320_px(new_page, server):
    page = new_page(NARROWEST)
    log_in(page, server, ADMIN)
    kinds = walk(page, server, [f"{server.base_url}/"], axe_prefix="walk-admin")
    _walked(kinds, r"^/admin/$", r"^/admin-tools/pupils/<pupil>/erase/$", r"/export/$")


def test_the_header_is_a_menu_on_a_phone(phone_page, server):
    """One line of header on a phone; the Menu button opens the menu and the language switch,
    with the keyboard too (Enter, Tab, Escape), and the skip link still comes first."""
    page = phone_page
    log_in(page, server, TEACHER)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, f"the header takes {header['height']} px on a phone"
    button = page.locator(".menu-button")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.locator("#language-select").is_hidden()
    assert page.get_by_role("button", name=TEXT["nl"]["log_out"]).is_hidden()

    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.skip-link')")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.menu-button')"):
            break
    assert page.evaluate("document.activeElement.matches('.menu-button')")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("#language-select").is_visible()
    check_axe(page, "phone-menu-open")
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.innerText"))
        if stops[-1] == "language-select":
            break
    assert TEXT["nl"]["log_out"] in stops and stops[-1] == "language-select", stops
    page.keyboard.press("Escape")  # from inside the menu: closed, the focus back on the button
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.matches('.menu-button')")
    assert page.locator("#language-select").is_hidden()


def test_without_javascript_the_menu_stays_open(new_page, server):
    page = new_page(PHONE, java_script_enabled=False)
    page.goto("/")
    assert page.locator(".menu-button").is_hidden()
    assert page.locator("#language-select").is_visible()


def test_the_header_is_unchanged_on_a_laptop(page, server):
    log_in(page, server, TEACHER)
    assert page.locator(".menu-button").is_hidden()
    assert page.get_by_role("button", name=TEXT["nl"]["log_out"]).is_visible()
    assert page.locator("#language-select").is_visible()


def test_tables_scroll_inside_a_labelled_region_with_a_cue(phone_page, server):
    """The group's heat map is wider than a phone: it scrolls in its own box, which the
    keyboard reaches, which has a name, and above which a line says that it scrolls."""
    page = phone_page
    log_in(page, server, TEACHER)
    page.get_by_role("link", name="Groep 3", exact=True).tap()
    page.wait_for_url("**/groups/*/")
    region = page.locator(".heatmap-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the heat map fits?"
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    assert "scroll-region--more-right" in region.get_attribute("class")
    hint = page.locator(".scroll-hint").first
    assert hint.is_visible()
    assert hint.evaluate("(el, r) => el.nextElementSibling === r", region.element_handle())
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_screenshots_and_the_busiest_pupils_page_height(new_page, server):
    """Screenshots at 375 and 1280 px of the pupil page (the busiest pupil's), the focus card,
    the group page and the school overview; the pupil page's height at 375 px is recorded in
    test-artifacts/phone-layout.json (the issue saw 7,800 px before this change)."""
    coordinator, pupil = busiest_pupil(new_page, server)
    measured = {"pupil": pupil, "coordinator": coordinator}
    for width, viewport, options in (
        ("375", PHONE, {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}),
        ("1280", LAPTOP, {}),
    ):
        page = new_page(viewport, **options)
        log_in(page, server, coordinator)
        page.goto(f"/pupils/{pupil}/")
        measured[f"pupil_page_height_{width}"] = page.evaluate(
            "document.documentElement.scrollHeight"
        )
        measured[f"header_height_{width}"] = page.locator(".site-header").bounding_box()["height"]
        screenshot(page, f"phone-layout-pupil-{width}")
        page.goto(f"/pupils/{pupil}/focuskaart/")
        screenshot(page, f"phone-layout-focus-card-{width}")
        page.goto("/")
        page.locator(".group h3 a").first.click()
        page.wait_for_url("**/groups/*/")
        screenshot(page, f"phone-layout-group-{width}")
        page.goto("/")
        page.locator("a[href$='/overview/']").first.click()
        page.wait_for_url("**/schools/*/overview/")
        screenshot(page, f"phone-layout-school-overview-{width}")
    (ARTIFACTS / "phone-layout.json").write_text(json.dumps(measured, indent=2))
    print(json.dumps(measured))
    assert measured["header_height_375"] <= 64


def _totp(secret: str, step: int) -> str:
    """RFC 6238 with the app's parameters (SHA-1, 30 s, 6 digits), as an authenticator app."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def test_the_two_step_pages_on_a_phone(new_page, phone_page, server):
    """Set up two-step log-in, log in again with a code (the code page is checked at 320 px
    and with axe-core), then switch it off again so other tests log in with a password."""
    user = "fluitekruid.groep7"  # no other e2e test logs in as this teacher
    page = phone_page
    log_in(page, server, user)
    page.goto("/accounts/two-step/")
    check_axe(page, "two-step-setup")
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    step = int(time.time()) // 30
    page.locator("input[name=code]").fill(_totp(secret, step))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_axe(page, "two-step-backup-codes")  # set-up answers with the backup codes
    open_menu(page)
    with page.expect_navigation():
        page.get_by_role("button", name=TEXT["nl"]["log_out"], exact=True).tap()

    narrow = new_page(NARROWEST)
    narrow.goto("/")
    narrow.locator("#id_username").fill(user)
    narrow.locator("#id_password").fill(server.passwords[user])
    with narrow.expect_navigation():
        narrow.get_by_role("button", name=TEXT["nl"]["log_in"], exact=True).click()
    assert "/accounts/login/code/" in narrow.url
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_axe(narrow, "two-step-code")
    # The next code: the one used to set up is spent (a code works once).
    narrow.locator("input[name=code]").fill(_totp(secret, step + 1))
    with narrow.expect_navigation():
        narrow.locator("main form button[type=submit]").click()
    assert narrow.locator("h1").first.inner_text() == TEXT["nl"]["my_pupils"]
    narrow.goto("/accounts/two-step/")
    check_axe(narrow, "two-step-on")
    # Switching it off asks for the password (or a current code).
    narrow.locator("input[name=confirmation]").fill(server.passwords[user])
    with narrow.expect_navigation():
        narrow.locator("main form button[value=remove]").click()
    assert narrow.locator("code.secret").count() == 1, "switched off: the set-up page again"
