"""Single sign-on through a school's identity provider, against a real provider on a loopback
port (`provider.py`: discovery, JWKS, RS256 ID tokens, PKCE, userinfo)."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, TestCase

from hechtwijzer import words
from hechtwijzer.accounts import actions
from hechtwijzer.accounts.models import IdentityProvider, SSOIdentity
from hechtwijzer.accounts.twofactor import TWO_FACTOR_SESSION_KEY
from hechtwijzer.administration.actions import update_school
from hechtwijzer.administration.models import Invitation
from hechtwijzer.audit.models import AuditEntry
from hechtwijzer.schools.models import Membership
from hechtwijzer.testing import PASSWORD, admin_state, build_world

from .provider import CLIENT_ID, CLIENT_SECRET, TestProvider, follow_to_callback, path_and_query

LOGIN = "/accounts/login/"


def oidc_provider(provider, school, **values):
    options = {
        "name": "Entree",
        "kind": "oidc",
        "discovery_url": provider.discovery_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile",
        "claim": "email",
        "staff_field": "email",
    } | values
    return actions.save_identity_provider(actor=None, school=school, **options)


class SSOTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        # Started first: setUpTestData stores its address in the provider rows.
        cls.idp = TestProvider()
        cls.idp.start()
        cls.addClassCleanup(cls.idp.stop)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()
        for user, email in [
            (cls.w.anna, "anna@noord.example"),
            (cls.w.carla, "carla@noord.example"),
            (cls.w.erik, "erik@zuid.example"),
            (cls.w.hugo, "hugo@noord.example"),
        ]:
            user.email = email
            user.save(update_fields=["email"])
        cls.entree = oidc_provider(cls.idp, cls.w.noord)

    def setUp(self):
        self.idp.identity = {"sub": "subject-anna", "email": "anna@noord.example"}
        self.idp.id_token_overrides = {}
        self.idp.sign_with_other_key = False

    def sso_login(self, client, provider):
        start = client.get(f"/accounts/sso/{provider.pk}/")
        assert start.status_code == 302, start
        assert start["Location"].startswith(self.idp.issuer + "/authorize?")
        return client.get(path_and_query(follow_to_callback(start["Location"])))

    def refusals(self):
        return AuditEntry.objects.filter(action="auth.sso_refused").order_by("pk")


class LoginTests(SSOTestCase):
    def test_it_logs_in_through_the_provider_and_lands_on_the_staff_members_school(self):
        client = Client()
        response = self.sso_login(client, self.entree)
        assert response.status_code == 302
        assert response["Location"] == f"/#school-{self.w.noord.pk}"
        assert int(client.session[SESSION_KEY]) == self.w.anna.pk
        home = client.get("/")
        self.assertContains(home, f'id="school-{self.w.noord.pk}"')
        # The flow was the real one: discovery, authorization, token, keys.
        for path in ("/.well-known/openid-configuration", "/authorize", "/token", "/jwks"):
            assert path in self.idp.requests
        link = SSOIdentity.objects.get(provider=self.entree)
        assert (link.subject, link.user) == ("subject-anna", self.w.anna)
        actions_seen = list(
            AuditEntry.objects.filter(username="anna").values_list("action", flat=True)
        )
        assert {"auth.sso_linked", "auth.sso_login", "auth.login"} <= set(actions_seen)

    def test_a_flemish_school_reads_its_own_words_after_sso(self):
        smartschool = oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        self.idp.identity = {"sub": "subject-erik", "email": "erik@zuid.example"}
        client = Client()
        response = self.sso_login(client, smartschool)
        assert response["Location"] == f"/#school-{self.w.zuid.pk}"
        assert client.session[words.SESSION_KEY] == "BE"
        assert client.get("/")["Content-Language"] == "nl-be"

    def test_later_log_ins_use_the_linked_subject_not_the_address(self):
        self.sso_login(Client(), self.entree)
        # The address changes at the provider (or is given to someone else later): the
        # stable subject still names anna.
        self.idp.identity = {"sub": "subject-anna", "email": "a.nieuw@noord.example"}
        client = Client()
        assert self.sso_login(client, self.entree).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.anna.pk
        assert SSOIdentity.objects.count() == 1

    def test_links_by_username(self):
        provider = oidc_provider(
            self.idp,
            self.w.noord,
            name="Entra ID",
            claim="preferred_username",
            staff_field="username",
        )
        self.idp.identity = {"sub": "entra-bram", "preferred_username": "bram"}
        client = Client()
        assert self.sso_login(client, provider).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.bram.pk

    def test_links_by_the_key_in_the_administration_system(self):
        Membership.objects.filter(user=self.w.bram).update(source_key="LK-042")
        provider = oidc_provider(
            self.idp, self.w.noord, name="Entree uid", claim="uid", staff_field="source_key"
        )
        self.idp.identity = {"sub": "entree-x", "uid": ["LK-042"]}
        client = Client()
        assert self.sso_login(client, provider).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.bram.pk

    def test_links_by_a_claim_only_the_userinfo_endpoint_gives(self):
        provider = oidc_provider(self.idp, self.w.noord, name="Google", claim="hd_email")
        self.idp.identity = {"sub": "google-anna", "hd_email": "anna@noord.example"}
        self.idp.id_token_overrides = {"hd_email": None}
        client = Client()
        assert self.sso_login(client, provider).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.anna.pk

    def test_plain_oauth2_with_a_userinfo_url_smartschool(self):
        smartschool = actions.save_identity_provider(
            actor=None,
            school=self.w.zuid,
            name="Smartschool",
            kind="oauth2",
            authorization_url=f"{self.idp.issuer}/authorize",
            token_url=f"{self.idp.issuer}/token",
            userinfo_url=f"{self.idp.issuer}/userinfo",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            scopes="userinfo",
            claim="username",
            staff_field="username",
        )
        self.idp.identity = {"userID": "ss-77", "username": "erik", "platform": "zuid"}
        client = Client()
        assert self.sso_login(client, smartschool).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.erik.pk
        assert SSOIdentity.objects.get(provider=smartschool).subject == "ss-77"

    def test_sso_skips_our_second_step_the_provider_does_mfa(self):
        update_school(actor=None, school=self.w.noord, require_two_factor=True)
        self.idp.identity = {"sub": "subject-carla", "email": "carla@noord.example"}
        client = Client()
        response = self.sso_login(client, self.entree)
        assert response["Location"] == f"/#school-{self.w.noord.pk}"
        assert client.session[TWO_FACTOR_SESSION_KEY] is True
        # The session limits middleware lets the session go on (no "set up two-step log-in").
        page = client.get("/")
        assert page.status_code == 200
        assert int(client.session[SESSION_KEY]) == self.w.carla.pk

    def test_the_password_throttle_keeps_working_and_does_not_block_sso(self):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            last = client.post(LOGIN, {"username": "anna", "password": "wrong password"})
        assert last.status_code == 429
        # The right password is paused too; the school's service still lets anna in.
        assert client.post(LOGIN, {"username": "anna", "password": PASSWORD}).status_code == 429
        assert self.sso_login(client, self.entree).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.anna.pk

    def test_a_password_log_in_beside_sso_still_asks_for_the_second_step(self):
        update_school(actor=None, school=self.w.noord, require_two_factor=True)
        client = Client()
        response = client.post(LOGIN, {"username": "carla", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/setup/"
        assert SESSION_KEY not in client.session


class RefusalTests(SSOTestCase):
    def assert_refused(self, response, reason, status=403):
        assert response.status_code == status
        assert SESSION_KEY not in response.client.session
        assert self.refusals().last().details["reason"] == reason

    def test_an_unknown_identity_is_refused_with_a_page_that_says_whom_to_ask(self):
        self.idp.identity = {"sub": "subject-x", "email": "nobody@noord.example"}
        response = self.sso_login(Client(), self.entree)
        self.assert_refused(response, "unknown_identity")
        self.assertContains(response, "Account niet gevonden", status_code=403)
        self.assertContains(response, "schoolbeheerder van Noord", status_code=403)
        entry = self.refusals().last()
        assert entry.school_id == self.w.noord.pk
        assert "nobody" not in str(entry.details)  # no address, only a digest of the subject
        assert len(entry.details["subject_digest"]) == 32
        assert not SSOIdentity.objects.exists()

    def test_the_refusal_page_reads_in_english_too(self):
        self.idp.identity = {"sub": "subject-x", "email": "nobody@noord.example"}
        client = Client()
        client.cookies["django_language"] = "en"
        response = self.sso_login(client, self.entree)
        self.assertContains(response, "Account not found", status_code=403)
        self.assertContains(response, "school administrator of Noord", status_code=403)

    def test_staff_of_another_school_are_not_found_through_this_schools_provider(self):
        self.idp.identity = {"sub": "subject-erik", "email": "erik@zuid.example"}
        self.assert_refused(self.sso_login(Client(), self.entree), "unknown_identity")

    def test_an_inactive_account_is_refused(self):
        self.idp.identity = {"sub": "subject-hugo", "email": "hugo@noord.example"}
        self.assert_refused(self.sso_login(Client(), self.entree), "unknown_identity")

    def test_an_unverified_address_is_refused(self):
        self.idp.identity = {
            "sub": "subject-anna",
            "email": "anna@noord.example",
            "email_verified": False,
        }
        self.assert_refused(self.sso_login(Client(), self.entree), "email_not_verified")

    def test_a_missing_claim_is_refused(self):
        self.idp.identity = {"sub": "subject-anna"}
        provider = oidc_provider(self.idp, self.w.noord, name="No info", claim="eckId")
        self.assert_refused(self.sso_login(Client(), provider), "claim_missing")

    def test_a_second_identity_with_the_same_address_cannot_take_over_a_linked_account(self):
        self.sso_login(Client(), self.entree)
        self.idp.identity = {"sub": "subject-impostor", "email": "anna@noord.example"}
        self.assert_refused(
            self.sso_login(Client(), self.entree), "account_linked_to_another_identity"
        )

    def test_a_state_from_another_session_is_refused(self):
        start = Client().get(f"/accounts/sso/{self.entree.pk}/")
        callback = follow_to_callback(start["Location"])
        other = Client()
        response = other.get(path_and_query(callback))
        self.assert_refused(response, "mismatching_state", status=400)
        self.assertContains(response, "niet gelukt", status_code=400)

    def test_a_changed_state_is_refused(self):
        client = Client()
        start = client.get(f"/accounts/sso/{self.entree.pk}/")
        callback = follow_to_callback(start["Location"]).replace("state=", "state=x")
        self.assert_refused(client.get(path_and_query(callback)), "mismatching_state", 400)

    def test_a_wrong_nonce_is_refused(self):
        self.idp.id_token_overrides = {"nonce": "not-the-one-we-sent"}
        self.assert_refused(self.sso_login(Client(), self.entree), "invalid_claim", status=400)

    def test_an_expired_id_token_is_refused(self):
        now = int(time.time())
        self.idp.id_token_overrides = {"iat": now - 3600, "exp": now - 1800}
        self.assert_refused(self.sso_login(Client(), self.entree), "expired_token", status=400)

    def test_an_id_token_for_another_client_is_refused(self):
        self.idp.id_token_overrides = {"aud": "someone-else"}
        response = self.sso_login(Client(), self.entree)
        assert response.status_code == 400
        assert SESSION_KEY not in response.client.session
        assert self.refusals().last().details["reason"] in ("invalid_claim", "missing_claim")

    def test_an_id_token_signed_with_another_key_is_refused(self):
        self.idp.sign_with_other_key = True
        response = self.sso_login(Client(), self.entree)
        assert response.status_code == 400
        assert SESSION_KEY not in response.client.session

    def test_a_disabled_provider_neither_starts_nor_finishes(self):
        client = Client()
        start = client.get(f"/accounts/sso/{self.entree.pk}/")
        callback = follow_to_callback(start["Location"])
        actions.save_identity_provider(
            actor=None, school=self.w.noord, provider=self.entree, enabled=False
        )
        self.assert_refused(client.get(path_and_query(callback)), "provider_disabled", 400)
        again = client.get(f"/accounts/sso/{self.entree.pk}/")
        self.assert_refused(again, "provider_disabled", 400)
        self.assertNotContains(client.get(LOGIN), f"/accounts/sso/{self.entree.pk}/")

    def test_an_unreachable_provider_gives_the_failure_page_not_a_500(self):
        provider = oidc_provider(
            self.idp, self.w.noord, discovery_url="http://127.0.0.1:9/.well-known/x"
        )
        response = Client().get(f"/accounts/sso/{provider.pk}/")
        self.assert_refused(response, "provider_unreachable", status=400)


class PasswordSwitchedOffTests(SSOTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        update_school(actor=None, school=cls.w.noord, password_login=False)

    def test_the_schools_log_in_page_has_no_password_form_only_its_services(self):
        response = Client().get(f"/accounts/login/school/{self.w.noord.pk}/")
        assert response.status_code == 200
        self.assertNotContains(response, 'name="password"')
        self.assertContains(response, "Inloggen via Entree")
        self.assertContains(response, f'href="/accounts/sso/{self.entree.pk}/"')

    def test_a_school_that_allows_passwords_keeps_the_form_on_its_page(self):
        response = Client().get(f"/accounts/login/school/{self.w.zuid.pk}/")
        self.assertContains(response, 'name="password"')
        self.assertNotContains(response, "Inloggen via Entree")

    def test_a_password_posted_to_the_schools_page_is_not_looked_at(self):
        url = f"/accounts/login/school/{self.w.noord.pk}/"
        response = Client().post(url, {"username": "anna", "password": PASSWORD})
        assert response.status_code == 302
        assert SESSION_KEY not in response.client.session

    def test_a_staff_member_trying_a_password_is_refused_with_a_clear_message(self):
        client = Client()
        response = client.post(LOGIN, {"username": "anna", "password": PASSWORD})
        assert response.status_code == 200
        assert SESSION_KEY not in client.session
        self.assertContains(response, "Uw school gebruikt geen wachtwoorden")
        assert AuditEntry.objects.filter(action="auth.password_refused", username="anna").exists()

    def test_a_wrong_password_says_nothing_about_the_school(self):
        response = Client().post(LOGIN, {"username": "anna", "password": "wrong password"})
        self.assertNotContains(response, "Uw school gebruikt geen wachtwoorden")

    def test_other_schools_staff_still_log_in_with_a_password(self):
        client = Client()
        response = client.post(LOGIN, {"username": "erik", "password": PASSWORD})
        assert response.status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.erik.pk

    def test_sso_still_works(self):
        client = Client()
        assert self.sso_login(client, self.entree).status_code == 302
        assert int(client.session[SESSION_KEY]) == self.w.anna.pk


class ConfigurationTests(SSOTestCase):
    def test_the_client_secret_is_encrypted_at_rest(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT client_secret FROM accounts_identityprovider WHERE id = %s",
                [self.entree.pk],
            )
            stored = cursor.fetchone()[0]
        assert CLIENT_SECRET not in stored
        assert IdentityProvider.objects.get(pk=self.entree.pk).client_secret == CLIENT_SECRET

    def test_an_empty_secret_on_a_change_keeps_the_stored_one(self):
        actions.save_identity_provider(
            actor=self.w.dirk,
            school=self.w.noord,
            provider=self.entree,
            client_secret="",
            name="Entree Federatie",
        )
        provider = IdentityProvider.objects.get(pk=self.entree.pk)
        assert (provider.name, provider.client_secret) == ("Entree Federatie", CLIENT_SECRET)
        entry = AuditEntry.objects.filter(action="sso.provider_change").last()
        assert entry.details == {"fields": ["name"]}
        assert entry.username == "dirk"

    def test_only_the_schools_administrator_configures_it(self):
        with self.assertRaises(PermissionDenied):
            actions.save_identity_provider(
                actor=self.w.carla, school=self.w.noord, name="x", client_id="y"
            )
        with self.assertRaises(PermissionDenied):
            actions.save_identity_provider(
                actor=self.w.gijs, school=self.w.noord, provider=self.entree, name="x"
            )

    def test_openid_connect_needs_the_openid_scope_and_a_discovery_url(self):
        with self.assertRaises(ValidationError) as raised:
            oidc_provider(self.idp, self.w.noord, scopes="email", discovery_url="")
        assert set(raised.exception.message_dict) == {"scopes", "discovery_url"}
        assert IdentityProvider.objects.count() == 1

    def test_the_log_in_page_lists_the_services_in_a_fixed_number_of_queries(self):
        def queries():
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                response = Client().get(LOGIN)
            assert response.status_code == 200
            return len(captured)

        few = queries()
        for n in range(3):
            oidc_provider(self.idp, self.w.zuid, name=f"Dienst {n}")
        assert queries() == few
        # Two schools now: the general page offers a choice of school, the school's own page
        # its buttons.
        self.assertContains(Client().get(LOGIN), f'<option value="{self.w.zuid.pk}">Zuid</option>')
        self.assertContains(
            Client().get(f"/accounts/login/school/{self.w.zuid.pk}/"), "Inloggen via Dienst 2"
        )


class SchoolPickTests(SSOTestCase):
    """One school with a log-in service: its buttons on the general page. Several (a board):
    the general page asks for the school first and sends the visitor to its own page."""

    def test_one_school_shows_its_buttons_on_the_general_page(self):
        response = Client().get(LOGIN)
        self.assertContains(response, "Inloggen via Entree (Noord)")
        self.assertNotContains(response, 'name="school"')

    def test_several_schools_get_a_picker_instead_of_every_button(self):
        oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        response = Client().get(LOGIN)
        self.assertNotContains(response, "Inloggen via")
        self.assertContains(response, '<label for="id_sso_school">Uw school:</label>', html=True)
        options = [
            f'<option value="{self.w.noord.pk}">Noord</option>',
            f'<option value="{self.w.zuid.pk}">Zuid</option>',
        ]
        for option in options:
            self.assertContains(response, option, html=True)
        # A school whose only service is switched off is not offered: one school is left.
        IdentityProvider.objects.filter(school=self.w.zuid).update(enabled=False)
        self.assertContains(Client().get(LOGIN), "Inloggen via Entree (Noord)")

    def test_the_choice_leads_to_the_schools_own_page_with_the_page_asked_for(self):
        oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        response = Client().get(
            "/accounts/login/school/", {"school": self.w.zuid.pk, "next": "/knowledge/"}
        )
        self.assertRedirects(
            response,
            f"/accounts/login/school/{self.w.zuid.pk}/?next=%2Fknowledge%2F",
            fetch_redirect_response=False,
        )
        page = Client().get(response["Location"])
        self.assertContains(page, "Inloggen via Smartschool")
        self.assertContains(page, 'name="next" value="/knowledge/"')

    def test_a_next_page_elsewhere_is_dropped(self):
        oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        response = Client().get(
            "/accounts/login/school/", {"school": self.w.zuid.pk, "next": "https://evil.example/"}
        )
        assert response["Location"] == f"/accounts/login/school/{self.w.zuid.pk}/"

    def test_no_choice_or_a_school_without_a_service_is_named_not_followed(self):
        oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        other = IdentityProvider.objects.get(name="Smartschool").school
        IdentityProvider.objects.filter(school=other).update(enabled=False)
        for value in ["", "abc", str(other.pk), "99999999999999999999999"]:
            client = Client()
            response = client.get("/accounts/login/school/", {"school": value})
            self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
            self.assertContains(client.get(LOGIN), "Kies uw school uit de lijst.")

    def test_the_picker_reads_in_english(self):
        oidc_provider(self.idp, self.w.zuid, name="Smartschool")
        client = Client()
        client.cookies["django_language"] = "en"
        response = client.get(LOGIN)
        self.assertContains(response, "Or log in through your school")
        self.assertContains(response, "Choose your school")
        self.assertContains(response, "Continue")


class AdminTests(SSOTestCase):
    """The school administrator configures the school's log-in services in the admin."""

    def setUp(self):
        super().setUp()
        self.client.login(username="dirk", password=PASSWORD)

    def form(self, **values):
        return {
            "name": "Microsoft",
            "kind": "oidc",
            "enabled": "on",
            "discovery_url": self.idp.discovery_url,
            "authorization_url": "",
            "token_url": "",
            "userinfo_url": "",
            "client_id": "entra-client",
            "client_secret": "entra-secret-value",
            "scopes": "openid email profile",
            "claim": "preferred_username",
            "staff_field": "username",
        } | values

    def test_it_adds_a_service_through_the_domain_function_and_never_shows_the_secret(self):
        response = self.client.post(
            "/admin/accounts/identityprovider/add/", self.form(school=self.w.noord.pk)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        provider = IdentityProvider.objects.get(name="Microsoft")
        assert provider.school == self.w.noord
        assert provider.client_secret == "entra-secret-value"
        entry = AuditEntry.objects.get(action="sso.provider_create", username="dirk")
        assert "entra-secret-value" not in str(entry.details)
        page = self.client.get(f"/admin/accounts/identityprovider/{provider.pk}/change/")
        self.assertNotContains(page, "entra-secret-value")
        self.assertContains(page, f"/accounts/sso/{provider.pk}/callback/")

    def test_a_change_with_an_empty_secret_keeps_it_and_bad_input_is_named(self):
        url = f"/admin/accounts/identityprovider/{self.entree.pk}/change/"
        state = {"seen_state": admin_state(self.entree)}
        bad = self.client.post(url, self.form(client_secret="", scopes="email") | state)
        assert bad.status_code == 200
        self.assertContains(bad, "OpenID Connect heeft de scope openid nodig.")
        good = self.client.post(url, self.form(client_secret="") | state)
        assert good.status_code == 302
        provider = IdentityProvider.objects.get(pk=self.entree.pk)
        assert (provider.name, provider.client_secret) == ("Microsoft", CLIENT_SECRET)

    def test_another_schools_administrator_does_not_see_it(self):
        self.client.login(username="gijs", password=PASSWORD)
        url = f"/admin/accounts/identityprovider/{self.entree.pk}/change/"
        assert self.client.get(url).status_code in (302, 404)
        listing = self.client.get("/admin/accounts/identityprovider/")
        self.assertNotContains(listing, "Entree")


class LockOutGuardTests(SSOTestCase):
    """Passwords off and no log-in service in use would lock the whole school out."""

    def test_passwords_cannot_be_switched_off_without_a_service_in_use(self):
        with self.assertRaises(ValidationError) as raised:
            update_school(actor=None, school=self.w.zuid, password_login=False)
        assert "password_login" in raised.exception.message_dict
        self.w.zuid.refresh_from_db()
        assert self.w.zuid.password_login

    def test_the_last_service_cannot_be_switched_off_while_passwords_are_off(self):
        update_school(actor=None, school=self.w.noord, password_login=False)
        with self.assertRaises(ValidationError) as raised:
            actions.save_identity_provider(
                actor=None, school=self.w.noord, provider=self.entree, enabled=False
            )
        assert "enabled" in raised.exception.message_dict
        assert IdentityProvider.objects.get(pk=self.entree.pk).enabled
        # With a second service in use, the first may go.
        oidc_provider(self.idp, self.w.noord, name="Microsoft")
        actions.save_identity_provider(
            actor=None, school=self.w.noord, provider=self.entree, enabled=False
        )
        assert not IdentityProvider.objects.get(pk=self.entree.pk).enabled

    def test_the_school_admin_page_names_the_problem(self):
        self.client.login(username="dirk", password=PASSWORD)
        session = self.client.session
        session["hechtwijzer_two_factor"] = True
        session.save()
        url = f"/admin/schools/school/{self.w.noord.pk}/change/"
        IdentityProvider.objects.filter(pk=self.entree.pk).update(enabled=False)
        response = self.client.post(
            url,
            {
                "former_teacher_weeks": "0",
                "seen_state": admin_state(self.w.noord),
            },
        )
        assert response.status_code == 200
        self.assertContains(response, "Stel eerst een inlogdienst")
        self.w.noord.refresh_from_db()
        assert self.w.noord.password_login


class LinkAdminTests(SSOTestCase):
    """The stored links: the school's administrator sees them (never the subject) and removes
    a wrong one."""

    def setUp(self):
        super().setUp()
        self.client.login(username="dirk", password=PASSWORD)

    def test_the_administrator_removes_a_wrong_link_and_the_next_log_in_links_again(self):
        self.sso_login(Client(), self.entree)
        link = SSOIdentity.objects.get(provider=self.entree)
        listing = self.client.get("/admin/accounts/ssoidentity/")
        self.assertContains(listing, "anna")
        self.assertNotContains(listing, "subject-anna")  # the subject is never shown
        url = f"/admin/accounts/ssoidentity/{link.pk}/delete/"
        assert self.client.post(url, {"post": "yes"}).status_code == 302
        assert not SSOIdentity.objects.exists()
        entry = AuditEntry.objects.get(action="auth.sso_unlinked")
        assert (entry.username, entry.details["username"]) == ("dirk", "anna")
        client = Client()
        assert self.sso_login(client, self.entree).status_code == 302
        assert SSOIdentity.objects.get(provider=self.entree).user == self.w.anna

    def test_another_schools_administrator_cannot_remove_a_link(self):
        self.sso_login(Client(), self.entree)
        link = SSOIdentity.objects.get(provider=self.entree)
        self.client.login(username="gijs", password=PASSWORD)
        self.client.post(f"/admin/accounts/ssoidentity/{link.pk}/delete/", {"post": "yes"})
        assert SSOIdentity.objects.filter(pk=link.pk).exists()
        with self.assertRaises(PermissionDenied):
            actions.unlink_identity(actor=self.w.gijs, identity=link)


class StaffAtAPasswordlessSchoolTests(SSOTestCase):
    """No invitation links to choose a password the log-in would refuse."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        update_school(actor=None, school=cls.w.noord, password_login=False)

    def setUp(self):
        super().setUp()
        self.client.login(username="dirk", password=PASSWORD)
        session = self.client.session
        session["hechtwijzer_two_factor"] = True
        session.save()

    def test_a_new_staff_member_gets_no_invitation_and_logs_in_through_sso(self):
        data = {
            "school": self.w.noord.pk,
            "username": "nina",
            "first_name": "Nina",
            "last_name": "Nieuw",
            "email": "nina@noord.example",
            "role": "teacher",
            "groups": [self.w.group5.pk],
        }
        response = self.client.post("/admin/schools/membership/add/", data, follow=True)
        self.assertContains(response, "geen uitnodigingslink nodig")
        assert not Invitation.objects.filter(user__username="nina").exists()
        self.idp.identity = {"sub": "subject-nina", "email": "nina@noord.example"}
        client = Client()
        assert self.sso_login(client, self.entree).status_code == 302
        assert client.session[SESSION_KEY] == str(
            Membership.objects.get(user__username="nina").user_id
        )

    def test_no_new_invitation_link_is_sent(self):
        membership = self.w.anna.memberships.get()
        response = self.client.post(
            f"/admin/schools/membership/{membership.pk}/change/",
            {
                "first_name": "Anna",
                "last_name": "Test",
                "email": "anna@noord.example",
                "role": "teacher",
                "groups": [self.w.group3.pk],
                "is_active": "on",
                "send_invitation": "on",
                "seen_state": admin_state(membership),
            },
        )
        assert response.status_code == 200
        self.assertContains(response, "Deze school gebruikt geen wachtwoorden")
        assert not Invitation.objects.filter(user=self.w.anna).exists()
