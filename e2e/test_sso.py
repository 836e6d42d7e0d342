"""Single sign-on in a real browser: a school that switched passwords off, its log-in service
(a real OpenID Connect provider on a loopback port, `accounts/tests/provider.py`), landing on
the school, and the page for an identity Hechtwijzer does not know.

The school is one of its own, made through the domain functions, so the demo schools the other
e2e tests use keep their passwords.
"""

from __future__ import annotations

import json

import pytest
from conftest import PHONE, SCREENSHOTS, check_axe, log_in, switch_language
from playwright.sync_api import Page

from hechtwijzer.accounts.tests.provider import CLIENT_ID, CLIENT_SECRET, TestProvider

SETUP = """
import json
from hechtwijzer.accounts.actions import save_identity_provider
from hechtwijzer.administration.actions import create_staff_member, update_school
from hechtwijzer.schools.models import Role, School

school = School.objects.create(name="Basisschool De Regenboog (e2e)", country="NL")
staff = create_staff_member(
    actor=None, school=school, username="regenboog.ib", first_name="Ilse",
    last_name="Bakker", email="ib@regenboog.example", role=Role.CARE_COORDINATOR,
    password="%(password)s", groups=[],
)
provider = save_identity_provider(
    actor=None, school=school, name="Entree", kind="oidc", discovery_url="%(discovery)s",
    client_id="%(client_id)s", client_secret="%(client_secret)s",
    scopes="openid email profile", claim="email", staff_field="email",
)
update_school(actor=None, school=school, password_login=False)
print(json.dumps({"school": school.pk, "provider": provider.pk}))
"""
PASSWORD = "regenboog-e2e-password"  # noqa: S105 (a fictional e2e account)


@pytest.fixture(scope="module")
def idp():
    with TestProvider() as provider:
        yield provider


@pytest.fixture(scope="module")
def school(server, idp) -> dict:
    code = SETUP % {
        "password": PASSWORD,
        "discovery": idp.discovery_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    return json.loads(server.command("shell", "-c", code).strip().splitlines()[-1])


def test_sso_log_in_lands_on_the_school_and_the_password_form_is_gone(new_page, idp, school):
    page: Page = new_page(PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/accounts/login/school/{school['school']}/")
    assert page.locator("#id_password").count() == 0
    button = page.get_by_role("link", name="Inloggen via Entree")
    assert button.is_visible()
    check_axe(page, "sso-school-login")
    page.screenshot(path=SCREENSHOTS / "sso-school-login-375.png", full_page=True)

    idp.identity = {"sub": "e2e-ilse", "email": "ib@regenboog.example"}
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/#school-{school['school']}")
    assert page.locator("h1").first.inner_text() == "Mijn leerlingen"
    heading = page.locator(f"#school-{school['school']}")
    assert heading.inner_text() == "Basisschool De Regenboog (e2e)"
    assert "/authorize" in idp.requests and "/token" in idp.requests
    check_axe(page, "sso-home")


SECOND_SCHOOL = """
import json
from hechtwijzer.accounts.actions import save_identity_provider
from hechtwijzer.schools.models import School

school = School.objects.create(name="Basisschool Het Anker (e2e)", country="NL")
save_identity_provider(
    actor=None, school=school, name="Smartschool", kind="oidc", discovery_url="%(discovery)s",
    client_id="%(client_id)s", client_secret="%(client_secret)s",
    scopes="openid email profile", claim="email", staff_field="email",
)
print(json.dumps({"school": school.pk}))
"""


def test_with_several_schools_the_log_in_page_asks_for_the_school_first(
    new_page, server, idp, school
):
    """A board: two schools with a log-in service. The general page offers a choice of school,
    which leads to that school's own page with its buttons."""
    code = SECOND_SCHOOL % {
        "discovery": idp.discovery_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    json.loads(server.command("shell", "-c", code).strip().splitlines()[-1])
    page: Page = new_page(PHONE, is_mobile=True, has_touch=True)
    page.goto("/")
    assert page.get_by_role("link", name="Inloggen via Entree").count() == 0
    picker = page.get_by_role("combobox", name="Uw school")
    assert picker.is_visible()
    check_axe(page, "sso-school-pick")
    page.screenshot(path=SCREENSHOTS / "sso-school-pick-375.png", full_page=True)
    picker.select_option(label="Basisschool De Regenboog (e2e)")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/accounts/login/school/{school['school']}/")
    assert page.get_by_role("link", name="Inloggen via Entree").is_visible()


def test_a_password_for_that_school_is_refused_with_a_clear_message(page, school):
    page.goto("/")
    page.locator("#id_username").fill("regenboog.ib")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()
    assert "Uw school gebruikt geen wachtwoorden" in page.locator("main").inner_text()
    assert page.locator("#id_password").count() == 1  # still logged out
    check_axe(page, "sso-password-refused")


@pytest.mark.parametrize(
    ("lang", "heading"), [("nl", "Account niet gevonden"), ("en", "Account not found")]
)
def test_an_unknown_identity_is_refused_with_a_clear_page(page, idp, school, lang, heading):
    page.goto(f"/accounts/login/school/{school['school']}/")
    if lang != "nl":
        switch_language(page, lang)
    idp.identity = {"sub": "e2e-stranger", "email": "stranger@elders.example"}
    page.locator(f"a[href='/accounts/sso/{school['provider']}/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == heading
    assert "Basisschool De Regenboog (e2e)" in page.locator("main").inner_text()
    check_axe(page, f"sso-refused-{lang}")


@pytest.mark.parametrize(
    "path",
    ["/admin/accounts/identityprovider/", "/admin/accounts/identityprovider/add/"],
)
def test_the_administrators_log_in_service_pages_fit_a_phone(new_page, server, path):
    page: Page = new_page({"width": 320, "height": 720}, is_mobile=True, has_touch=True)
    log_in(page, server, "fluitekruid.admin")
    page.goto(path)
    assert page.locator("h1").first.is_visible()
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} is {width[0]} px wide at {width[1]} px"
    check_axe(page, "sso-admin-" + path.strip("/").replace("/", "-"))
