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
from conftest import ARTIFACTS, LAPTOP, PHONE, TEXT, check_axe, log_in, screenshot

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
    return "/" + "/".join(segments) + (f"?{'&'.join(keys)}" if keys else "")


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
        kinds.setdefault(kind, []).append(url)
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
            queue.append(f"{server.base_url}{target.path}{'?' + target.query if target.query else ''}")
    assert not failures, "\n".join(failures)
    return kinds


def _walked(kinds: dict[str, list[str]], *fragments: str) -> None:
    missing = [f for f in fragments if not any(re.search(f, kind) for kind in kinds)]
    assert not missing, f"not reached by the walk: {missing}; walked: {sorted(kinds)}"


def busiest_pupil(page, server) -> str:
    """The demo pupil with the most observations on their page (both schools' pupils are
    asked with the care coordinator's session; another school's pupil answers 404)."""
    counts = {}
    for group in server.groups:
        for pupil in group["pupils"]:
            response = page.request.get(f"/pupils/{pupil['public_id']}/")
            if response.ok:
                counts[pupil["public_id"]] = response.text().count('class="observation')
    return max(counts, key=counts.get)


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
    page = new_page(NARROWEST)
    log_in(page, server, COORDINATOR)
    start = [f"{server.base_url}/", f"{server.base_url}/pupils/{busiest_pupil(page, server)}/"]
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
