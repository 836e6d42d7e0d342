"""End-to-end tests: the real app (gunicorn) on a loopback port, driven by Debian's Chromium.

Not collected by the normal `pytest` run (testpaths is src/hechtwijzer); `make e2e` runs them.
Screenshots, the printed focus card and the server log go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "hechtwijzer"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0 and 2.1, levels A and AA: what Dutch public bodies must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1280, "height": 800}

# The few texts the tests look for, in both languages (Dutch is the default).
TEXT = {
    "nl": {
        "log_in": "Inloggen",
        "log_out": "Uitloggen",
        "my_pupils": "Mijn leerlingen",
        "not_found": "Pagina niet gevonden",
        "school_overview": "Schooloverzicht van signalen",
        "save": "Opslaan",
        "saved": "Opgeslagen:",
        "focus_card_for": "Focuskaart voor",
        "knowledge": "Kennisbank",
    },
    "en": {
        "log_in": "Log in",
        "log_out": "Log out",
        "my_pupils": "My pupils",
        "not_found": "Page not found",
        "school_overview": "School overview of signals",
        "save": "Save",
        "saved": "Saved:",
        "focus_card_for": "Focus card for",
        "knowledge": "Knowledge base",
    },
}
OTHER = {"nl": "en", "en": "nl"}


@dataclass(frozen=True)
class Server:
    base_url: str
    passwords: dict[str, str]
    groups: list[dict]
    env: dict[str, str] = field(default_factory=dict, repr=False)
    cli: tuple[str, ...] = ()

    def pupils(self, group: str) -> list[dict]:
        return next(g["pupils"] for g in self.groups if g["name"] == group)

    def command(self, *args: str) -> str:
        """Run a `hechtwijzer` command against the served database (for what a test cannot do
        through the pages, such as letting a day pass); returns its output."""
        return subprocess.run(  # noqa: S603
            [*self.cli, *args],
            env=self.env,
            check=True,
            timeout=120,
            capture_output=True,
            text=True,
        ).stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _compile_translations(env: dict[str, str], cli: list[str]) -> None:
    """Compile the Dutch messages when the .mo is missing or older than the .po."""
    po = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    if shutil.which("msgfmt") is None:
        pytest.exit("GNU gettext (msgfmt) is missing: run `make e2e` or install 'gettext'", 2)
    subprocess.run([*cli, "compilemessages", "-v0"], cwd=PACKAGE, env=env, check=True)  # noqa: S603


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts():
    """Start every run with empty screenshot and axe-failure folders."""
    for folder in (SCREENSHOTS, ARTIFACTS / "axe-failures"):
        shutil.rmtree(folder, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    """Migrate a fresh SQLite database, collect static files, load the demo and serve it with
    gunicorn (two workers) on a free loopback port until the session ends."""
    data_dir = tmp_path_factory.mktemp("data")
    env = {**os.environ, "HECHTWIJZER_DATA_DIR": str(data_dir), "HOST": "127.0.0.1"}
    for name in ("DATABASE_URL", "DEBUG", "HECHTWIJZER_ENV", "ALLOWED_HOSTS"):
        env.pop(name, None)  # its own SQLite file in development mode, DEBUG off
    cli = [sys.executable, "-m", "hechtwijzer"]
    _compile_translations(env, cli)
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*cli, *step], env=env, check=True, timeout=300)  # noqa: S603
    demo = json.loads(
        subprocess.run(  # noqa: S603
            [*cli, "demo", "--json"], env=env, check=True, timeout=300, capture_output=True
        ).stdout
    )
    port = _free_port()
    env["PORT"] = str(port)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / "e2e-server.log").open("w")  # a file, not a pipe nobody drains
    process = subprocess.Popen(  # noqa: S603
        [*cli, "serve", "--workers", "2"], env=env, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/", timeout=2):  # noqa: S310
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.exit(f"the server did not start; see {log.name}", 2)
                time.sleep(0.1)
        yield Server(
            base_url=base_url,
            passwords={a["username"]: a["password"] for a in demo["accounts"]},
            groups=demo["groups"],
            env=env,
            cli=tuple(cli),
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.exit(f"Chromium not found at {CHROMIUM}: run `make e2e` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server):
    """Open a page in a fresh browser context (own cookies), by default at laptop size."""
    contexts = []

    def open_page(viewport=LAPTOP, **options) -> Page:
        context = browser.new_context(viewport=viewport, base_url=server.base_url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_page) -> Page:
    return new_page(PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def log_in(page: Page, server: Server, username: str, lang: str = "nl") -> None:
    """Log in through the form, first switching the log-in page to `lang` if needed."""
    page.goto("/")
    if lang != "nl":
        switch_language(page, lang)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(server.passwords[username])
    page.get_by_role("button", name=TEXT[lang]["log_in"], exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == TEXT[lang]["my_pupils"]


def open_menu(page: Page) -> None:
    """On a phone the header's menu and language switch sit behind the Menu button: open it
    (on a wider screen the button is hidden and the menu always shown)."""
    button = page.locator(".menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
        assert button.get_attribute("aria-expanded") == "true"


def switch_language(page: Page, lang: str) -> None:
    """Use the language form in the header; the page reloads in the chosen language."""
    open_menu(page)
    page.locator("#language-select").select_option(lang)
    with page.expect_navigation():
        page.locator(".language-form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == lang


def check_axe(page: Page, name: str) -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fail on any violation with a
    readable list of rule, impact, elements and help."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe: {len(violations)} violation(s) on {name} ({page.url}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "axe-failures" / f"{name}.png", full_page=True)
    pytest.fail("\n".join(lines), pytrace=False)


def screenshot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


FOCUS_JS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => [r, g, b]
        .map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    // What is painted just outside the element on each side, where the outline is drawn.
    const rect = el.getBoundingClientRect();
    const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
    const clampX = (v) => Math.min(Math.max(v, 0), innerWidth - 1);
    const clampY = (v) => Math.min(Math.max(v, 0), innerHeight - 1);
    const midX = rect.left + rect.width / 2, midY = rect.top + rect.height / 2;
    const points = [[midX, rect.top - gap], [midX, rect.bottom + gap],
                    [rect.left - gap, midY], [rect.right + gap, midY]];
    const outline = lum(rgb(style.outlineColor));
    const sides = points.map(([x, y]) => {
        let background = [255, 255, 255];
        for (const under of document.elementsFromPoint(clampX(x), clampY(y))) {
            if (under === el || el.contains(under)) continue;
            const colour = rgb(getComputedStyle(under).backgroundColor);
            if (colour.length === 3 || colour[3] > 0.5) { background = colour.slice(0, 3); break; }
        }
        const b = lum(background);
        return (Math.max(outline, b) + 0.05) / (Math.min(outline, b) + 0.05);
    }).sort((a, b) => a - b);
    return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
            // Chromium moves focus through a date field's day, month and year; on one of them
            // the field itself is not :focus and the browser highlights the part instead.
            part: !el.matches(':focus'),
            text: (el.innerText || el.value || '').trim().slice(0, 60),
            style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            // Contrast on the second-worst side: a badge or a neighbour under one side of the
            // outline does not hide it, a dark header all around does.
            contrast: Math.round(sides[1] * 100) / 100};
}"""


def focus_outline(page: Page) -> dict:
    """The focused element, its computed outline and the outline's contrast with what is
    painted around it."""
    return page.evaluate(FOCUS_JS)


def assert_visible_focus(focused: dict) -> None:
    """WCAG 2.4.7 and 1.4.11: a focus outline that is drawn and has 3:1 contrast with what is
    around it (on at least three of its four sides)."""
    if focused["part"]:
        return
    assert focused["style"] != "none" and focused["width"] >= 2, f"no focus outline: {focused}"
    assert focused["contrast"] >= 3, f"focus outline contrast below 3:1: {focused}"


def tab_to(page: Page, predicate: str, limit: int = 300) -> dict:
    """Press Tab until `predicate` (a JavaScript expression on `el`) holds for the focused
    element; every stop on the way must show a visible focus outline."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focus_outline(page)
        assert_visible_focus(focused)
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return focused
    raise AssertionError(f"{predicate} not reached with Tab in {limit} steps on {page.url}")


def tab_through(page: Page, limit: int = 400) -> list[dict]:
    """Tab through the whole page from the top; return every stop."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focus_outline(page)
        if focused["tag"] == "body" or (stops and focused == stops[0]):
            break
        stops.append(focused)
    return stops
