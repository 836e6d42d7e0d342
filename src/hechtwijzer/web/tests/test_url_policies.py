"""Deny by default: every URL of the project declares its access policy.

The test walks the whole URL configuration (includes and namespaces, recursively) and fails on
any view without `access_policy` (set by `hechtwijzer.door.policy` or `pupil_view`), except the
short, explained allowlist below of views the project does not own. A new view is therefore
refused until someone decides, in one line next to it, who may reach it.
"""

from types import SimpleNamespace

from django.contrib.admin.sites import AdminSite
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path
from django.views import i18n as i18n_views
from django.views import static as static_views

from hechtwijzer.access import Perm
from hechtwijzer.admin_site import HechtwijzerAdminSite, site
from hechtwijzer.door import Policy, policy

# Views we do not own, each with the reason it needs no declaration of ours.
ALLOWED_FUNCTIONS = {
    # The language switch: sets a cookie, reads nothing (Django's own view).
    i18n_views.set_language,
    # Static and media files, should a development URLconf ever serve them (WhiteNoise serves
    # the static files in the middleware, outside the URL configuration).
    static_views.serve,
}
ALLOWED_VIEW_CLASSES = {
    # Log-out: ends the caller's own session, nothing else.
    auth_views.LogoutView,
    # Changing one's own password: both views require log-in themselves (login_required in
    # their dispatch) and touch only the caller's own account.
    auth_views.PasswordChangeView,
    auth_views.PasswordChangeDoneView,
}
# Django's admin site: every page goes through HechtwijzerAdminSite.admin_view, which asks
# has_permission (school administrators of their own school only; see the admin tests and the
# admin rows of test_access_matrix). Only views the site itself wrapped are allowed; a custom
# admin view added some other way must declare its policy like any other view.


def _admin_site_of(resolver: URLResolver) -> AdminSite | None:
    """The admin site whose `urls` this resolver includes, if any."""
    if resolver.app_name != "admin":
        return None
    return site if resolver.namespace == site.name else None


def _wrapped_by(admin_site: AdminSite, callback) -> bool:
    if getattr(callback, "admin_site", None) is admin_site:  # AdminSite.get_urls' wrap()
        return True
    model_admin = getattr(callback, "model_admin", None)  # ModelAdmin.get_urls' wrap()
    if model_admin is not None and model_admin.admin_site is admin_site:
        return True
    # The two bound methods the site routes unwrapped: its log-in (which only redirects to
    # the product's log-in page) and the catch-all that answers 404.
    return getattr(callback, "__self__", None) is admin_site and callback.__name__ in {
        "login",
        "catch_all_view",
    }


def walk(patterns=None, prefix="", admin_site=None):
    """Every routed view as (route, name, callback, allowed because...)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route, admin_site or _admin_site_of(entry))
        else:
            assert isinstance(entry, URLPattern), entry
            yield SimpleNamespace(
                route=route, name=entry.name, callback=entry.callback, admin_site=admin_site
            )


def exemption(view) -> str | None:
    """Why this view needs no declaration, or None when it needs one."""
    callback = view.callback
    if callback in ALLOWED_FUNCTIONS:
        return "Django's own view"
    if getattr(callback, "view_class", None) in ALLOWED_VIEW_CLASSES:
        return "Django's auth view for the caller's own account"
    if view.admin_site is not None and _wrapped_by(view.admin_site, callback):
        return "the admin site's has_permission"
    return None


def undeclared(views) -> list[str]:
    return [
        f"{view.route} ({view.name or callback_name(view.callback)})"
        for view in views
        if not hasattr(view.callback, "access_policy") and exemption(view) is None
    ]


def callback_name(callback) -> str:
    return f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"


class URLPolicyTests(SimpleTestCase):
    def test_every_view_declares_its_access_policy(self):
        missing = undeclared(walk())
        assert not missing, "views without @policy or @pupil_view (hechtwijzer.door):\n" + (
            "\n".join(missing)
        )

    def test_the_walk_reaches_every_part_of_the_project(self):
        # Guards the walk itself: if it stopped descending into includes, it would pass on
        # nothing. These names come from every app that routes views.
        names = {
            (view.callback.__module__, view.name) for view in walk() if view.admin_site is None
        }
        found = {name for _module, name in names}
        for expected in [
            "home",
            "login",
            "pupil",
            "index",  # knowledge
            "observe",
            "school_overview",
            "card",  # plans and behaviour
            "tick",
            "programme",
            "audit",  # privacy: the pupil's audit trail
        ]:
            assert expected in found, expected
        modules = {module.rsplit(".", 1)[0] for module, _name in names}
        assert {
            "hechtwijzer.web",
            "hechtwijzer.knowledge",
            "hechtwijzer.observations",
            "hechtwijzer.plans",
            "hechtwijzer.behaviour",
            "hechtwijzer.privacy",
            "hechtwijzer.reminders",
        } <= modules
        assert isinstance(site, HechtwijzerAdminSite)
        assert any(view.admin_site is site for view in walk()), "the admin site was not walked"

    def test_every_declaration_is_well_formed(self):
        for view in walk():
            declared = getattr(view.callback, "access_policy", None)
            if declared is None:
                continue
            kind, perm = declared
            assert isinstance(kind, Policy), view.route
            assert perm is None or isinstance(perm, Perm), view.route
            if kind is Policy.PUPIL:
                # Declared and enforced in one: only pupil_view declares PUPIL, and it looks
                # the pupil up from the URL with the declared permission (its write_perm for
                # a POST).
                assert "<public_id:public_id>" in view.route, view.route
                assert perm is not None, view.route
                assert isinstance(getattr(view.callback, "write_perm", None), Perm), view.route

    def test_a_pupil_policy_cannot_be_declared_without_enforcing_it(self):
        with self.assertRaises(ValueError):
            policy(Policy.PUPIL, Perm.VIEW_PUPIL)

    def test_of_the_read_link_pages_only_the_link_itself_is_public(self):
        # Other public views (log-in, invitations) show no pupil data; a read link
        # (`/l/<token>/`) shows the one document it was made for to a holder without an
        # account; the token is the credential (readlinks/views.py, SECURITY.md "Read links").
        public = {
            view.route
            for view in walk()
            if getattr(view.callback, "access_policy", (None,))[0] is Policy.PUBLIC
        }
        readlinks = {
            view.route
            for view in walk()
            if view.callback.__module__ == "hechtwijzer.readlinks.views" and view.route in public
        }
        assert readlinks == {"l/<str:token>/"}

    def test_declared_views_require_log_in_unless_public(self):
        for view in walk():
            declared = getattr(view.callback, "access_policy", None)
            if declared is None or declared[0] is Policy.PUBLIC:
                continue
            if declared[0] is Policy.API:
                # The REST API never sends anyone to log in: no token, 401 JSON.
                assert _answers_401_without_a_token(view.callback), view.route
                continue
            # Anonymous visitors are sent to the log-in page before the view runs.
            assert _requires_login(view.callback), view.route


def _answers_401_without_a_token(callback) -> bool:
    """Whether an API operation answers 401 JSON to a request without a token (the API's
    tests show that a logged-in session does not count either)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    for method in ("get", "post", "put"):
        request = getattr(RequestFactory(), method)("/somewhere/")
        request.user = AnonymousUser()
        kwargs = {"public_id": "aaaaaaaaaaaaaaaa", "group_id": "1", "uid": "0" * 32}
        response = callback(request, **kwargs)
        if response.status_code == 405:
            continue
        if response.status_code != 401 or not response["Content-Type"].startswith(
            "application/json"
        ):
            return False
    return True


def _requires_login(callback) -> bool:
    """Whether an anonymous request is sent to log in before the view body runs (so the view's
    own URL arguments are not needed)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    for method in ("get", "post"):  # require_POST views answer 405 to a GET first
        request = getattr(RequestFactory(), method)("/somewhere/")
        request.user = AnonymousUser()
        response = callback(request)
        if response.status_code != 405:
            break
    return response.status_code == 302 and "next=" in response["Location"]


# --- the walk refuses an undeclared view: proven on a throwaway URL configuration ------------


def _undeclared_view(request):
    return HttpResponse("nobody decided who may see this")


@policy(Policy.LOGGED_IN)
def _declared_view(request):
    return HttpResponse("any logged-in user")


class ThrowawayURLconf:
    urlpatterns = [
        path("declared/", _declared_view, name="declared"),
        path("nested/", include(([path("deep/", _undeclared_view, name="deep")], "nested"))),
        path("i18n/", include("django.conf.urls.i18n")),
    ]


class ThrowawayDeclaredURLconf:
    urlpatterns = [path("declared/", _declared_view, name="declared")]


class WalkRefusesUndeclaredViewsTests(SimpleTestCase):
    @override_settings(ROOT_URLCONF=ThrowawayURLconf)
    def test_a_new_undeclared_view_fails_the_walk_even_inside_an_include(self):
        assert undeclared(walk()) == ["nested/deep/ (deep)"]
        with self.assertRaises(AssertionError):
            URLPolicyTests().test_every_view_declares_its_access_policy()

    @override_settings(ROOT_URLCONF=ThrowawayDeclaredURLconf)
    def test_a_declared_view_passes(self):
        assert undeclared(walk()) == []
