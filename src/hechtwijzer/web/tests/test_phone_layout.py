"""The phone layout's markup (issue 15): the header's menu is a disclosure button driven by a
static script (the content security policy allows no inline script), and wide tables sit in
focusable, named regions. How it looks and behaves in a browser: e2e/test_phone_layout.py."""

import re

from django.test import TestCase

from hechtwijzer.testing import PASSWORD, build_world


class PhoneLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.w = build_world()

    def page(self, username, url):
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get(url)
        assert response.status_code == 200, url
        return response

    def test_it_puts_the_menu_and_the_language_switch_behind_a_menu_button(self):
        response = self.page("anna", "/")
        page = response.content.decode()
        button = re.search(r'<button type="button" class="menu-button"[^>]*>', page).group(0)
        assert 'aria-expanded="false"' in button and 'aria-controls="site-menu"' in button
        menu = page[page.index('<div class="site-menu" id="site-menu">') : page.index("</header>")]
        assert 'class="site-nav"' in menu
        assert 'id="language-select"' in menu and 'action="/accounts/logout/"' in menu
        # The skip link still comes first, before the header.
        assert page.index('class="skip-link"') < page.index('class="site-header"')
        # The script that folds the menu is a static file; no script or style is inline.
        assert re.search(r'<script src="/static/hechtwijzer/js/layout\.[0-9a-f.]*js', page) or (
            '<script src="/static/hechtwijzer/js/layout.js"' in page
        )
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert " style=" not in page and "<style" not in page
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]

    def test_the_group_heat_map_is_a_named_region(self):
        page = self.page("anna", f"/groups/{self.w.group3.pk}/").content.decode()
        region = re.search(r'<div class="heatmap-scroll" role="region"[^>]*>', page).group(0)
        assert 'tabindex="0"' in region
        assert re.search(r'aria-label="Signalen per leerling en soort signaal, [^"]+"', region)
        assert re.search(r"<caption>Signalen per leerling en soort signaal, .+</caption>", page)

    def test_the_audit_trail_scrolls_in_a_named_region(self):
        self.page("carla", f"/pupils/{self.w.piet.public_id}/")  # one entry at least
        page = self.page("carla", f"/pupils/{self.w.piet.public_id}/audit/").content.decode()
        assert (
            '<div class="table-scroll" role="region" aria-labelledby="audit-caption" '
            'tabindex="0">\n  <table class="audit-trail">\n    <caption id="audit-caption">'
        ) in page

    def test_the_admin_offers_a_staff_members_groups_as_checkboxes(self):
        page = self.page("dirk", "/admin/schools/membership/add/").content.decode()
        assert re.search(r'<input type="checkbox" name="groups" value="\d+"', page)
        assert "selectfilter" not in page.lower()
        assert "/static/hechtwijzer/css/admin" in page
