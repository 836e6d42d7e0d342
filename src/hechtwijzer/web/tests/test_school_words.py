"""School words: a Flemish school reads Flemish, a Dutch school Dutch, on every page it reaches.

The walk logs in as the demo schools' own staff (a teacher and the care coordinator of each),
follows every link of the site from the home page (so a new page is walked without anyone
adding it here), and reads every HTML page and PDF: a Flemish school never sees a Dutch school
word (groep, groepsleerkracht, intern begeleider, pauze, invalleerkracht, STICORDI), a Dutch
school never a Flemish one, and no date writes its month with a capital. The message files of
the variants (`locale/nl_BE`, `locale/en_BE`) are checked against the Dutch one.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pypdf
from django.test import Client, TestCase
from django.utils import translation

from hechtwijzer import words
from hechtwijzer.catalog import get_catalog
from hechtwijzer.demo.schools import load
from hechtwijzer.schools.models import Country, School
from hechtwijzer.web.tests.test_translations import PO_FILE, message_ids

LOCALE = PO_FILE.parents[2]

# Words only a Dutch school uses for its own things ("groep 5", "de intern begeleider").
DUTCH_ONLY = re.compile(
    r"\bgroep(en|sleerkracht\w*)?\b|\bintern(e)? begeleider|\bpauzes?\b|\binvalleerkracht"
    r"|\bSTICORDI\b",
    re.IGNORECASE,
)
# "Groep" in its everyday sense, a group of people the sources counted, is Flemish too.
POPULATION = re.compile(
    r"uitzonderlijke groep|deze groep (om|jongeren)|sommige groepen|de groep onveilig gehecht"
    r"|groepen waarin|die groep"
)
# And only a Flemish school ("de zorgcoördinator", "de speeltijd").
FLEMISH_ONLY = re.compile(
    r"\bzorgco[öo]rdinator|\bklasleerkracht|\bspeeltijd|\binterimaris|\bREDICODIS\b",
    re.IGNORECASE,
)
# Dutch writes months in lower case: "28 sep", "5 oktober".
MONTHS = "Jan|Feb|Mrt|Apr|Mei|Jun|Jul|Aug|Sep|Okt|Nov|Dec"
CAPITAL_MONTH = re.compile(rf"\b\d{{1,2}} ({MONTHS})[a-z]*\b")

# Links the walk does not follow: they change state on GET or end the session.
NOT_WALKED = ("/accounts/logout/", "/i18n/", "/admin/", "/static/")
PAGE_LIMIT = 1500  # a guard against a link loop; the demo's pages are far fewer
# Public ids, database ids, uuids and days in a path: what makes one page another's twin.
SHAPE = re.compile(r"/(?:[a-z2-7]{16}|\d+|[0-9a-f-]{36}|\d{4}-\d{2}-\d{2})(?=/)")


def visible_text(page: str) -> str:
    """What a reader sees or hears: text and the attributes read aloud, not markup or URLs
    (and not the sources' population groups, see POPULATION)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    spoken = " ".join(re.findall(r'\b(?:aria-label|title|alt|placeholder|content)="([^"]*)"', page))
    return POPULATION.sub("…", html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + spoken))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return POPULATION.sub("…", " ".join(page.extract_text() for page in reader.pages))


def links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'\bhref="([^"]+)"', page)]


class SchoolWordsWalk(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()
        cls.dutch = School.objects.get(is_demo=True, country=Country.NL)
        cls.flemish = School.objects.get(is_demo=True, country=Country.BE)

    def walk(self, username: str) -> dict[str, str]:
        """Every page reachable from the home page for this demo account: url -> its text."""
        client = Client()
        client.force_login(self._user(username))
        seen: dict[str, str] = {}
        shapes: Counter[str] = Counter()
        queue = ["/"]
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            assert len(seen) < PAGE_LIMIT, "the walk does not end"
            response = client.get(url)
            seen[url] = ""
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if "pdf" in kind:
                seen[url] = pdf_text(response.content)
                continue
            if "html" not in kind:
                continue
            page = response.content.decode()
            seen[url] = visible_text(page)
            for href in links(page):
                href = urldefrag(href)[0]
                parts = urlsplit(href)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    continue
                if parts.path.startswith(NOT_WALKED) or "/search/" in parts.path:
                    continue  # searches: their links are the catalog pages, walked anyway
                # One visit per page: its query variants (weeks=8, a search) read the same words;
                # and a few pages of each shape (the same page for another pupil reads alike).
                shape = SHAPE.sub("/*/", parts.path)
                if parts.path not in seen and parts.path not in queue and shapes[shape] < 6:
                    shapes[shape] += 1
                    queue.append(parts.path)
        return seen

    def _user(self, username):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)

    def offending(self, pages: dict[str, str], pattern: re.Pattern) -> list[str]:
        found = []
        for url, text in pages.items():
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 60) : match.end() + 60]
                found.append(f"{url}: {' '.join(context.split())!r}")
        return found

    def assert_walk(self, pages, must_not, *, minimum):
        assert len(pages) >= minimum, (len(pages), sorted(pages))
        wrong = self.offending(pages, must_not)
        assert not wrong, f"{len(wrong)} wrong school words:\n" + "\n".join(wrong[:40])
        months = self.offending(pages, CAPITAL_MONTH)
        assert not months, "months with a capital:\n" + "\n".join(months[:20])

    def reached(self, pages, *fragments):
        for fragment in fragments:
            assert any(fragment in url for url in pages), (fragment, sorted(pages)[:50])

    def text_of(self, pages, fragment):
        return " ".join(text for url, text in pages.items() if fragment in url)

    def test_a_flemish_teacher_reads_flemish_school_words_on_every_page(self):
        pages = self.walk("klaproos.leerjaar2")
        self.reached(pages, "/groups/", "/pupils/", "/focuskaart/", "/knowledge/measures/")
        self.assert_walk(pages, DUTCH_ONLY, minimum=150)
        assert "REDICODIS" in self.text_of(pages, "/focuskaart/")
        assert "speeltijd" in self.text_of(pages, "/knowledge/measures/sticordi_08/")

    def test_a_flemish_care_coordinator_reads_flemish_school_words_on_every_page(self):
        pages = self.walk("klaproos.zoco")
        self.reached(pages, "/schools/", "/safeguarding/", "/factors/", "/focuskaart/")
        self.assert_walk(pages, DUTCH_ONLY, minimum=200)
        assert "zorgcoördinator" in self.text_of(pages, "/factors/")

    def test_a_dutch_teacher_and_care_coordinator_read_dutch_school_words(self):
        teacher = self.walk("fluitekruid.groep3")
        self.assert_walk(teacher, FLEMISH_ONLY, minimum=150)
        assert "STICORDI" in self.text_of(teacher, "/focuskaart/")
        coordinator = self.walk("fluitekruid.ib")
        self.reached(coordinator, "/schools/", "/safeguarding/")
        self.assert_walk(coordinator, FLEMISH_ONLY, minimum=200)
        assert "intern begeleider" in self.text_of(coordinator, "/factors/")

    def test_in_english_a_flemish_school_has_classes_and_a_dutch_school_groups(self):
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(self._user("klaproos.zoco"))
        page = client.get(f"/schools/{self.flemish.pk}/overview/").content.decode()
        assert "Signals per class" in page and "Signals per group" not in page
        client.force_login(self._user("fluitekruid.ib"))
        page = client.get(f"/schools/{self.dutch.pk}/overview/").content.decode()
        assert "Signals per group" in page and "Signals per class" not in page


class VariantFiles(TestCase):
    def test_every_variant_message_overrides_a_message_of_the_source(self):
        source = message_ids(PO_FILE.read_text())
        for variant in ("nl_BE", "en_BE"):
            po = LOCALE / variant / "LC_MESSAGES" / "django.po"
            stale = message_ids(po.read_text()) - source
            assert not stale, f"{variant}: no longer in the source: {stale}"

    def test_besides_its_own_words_the_flemish_variant_reads_exactly_as_dutch(self):
        # Django's own Dutch comes before ours in a variant's chain, so a message Django also
        # translates must be repeated in nl_BE with our wording.
        flemish = message_ids((LOCALE / "nl_BE" / "LC_MESSAGES" / "django.po").read_text())
        differs = []
        for context, msgid in message_ids(PO_FILE.read_text()) - flemish:
            texts = []
            for language in ("nl", "nl-be"):
                with translation.override(language):
                    texts.append(
                        translation.pgettext(context, msgid)
                        if context
                        else translation.gettext(msgid)
                    )
            if texts[0] != texts[1]:
                differs.append((msgid, *texts))
        assert not differs, differs

    def test_the_session_keeps_the_country_of_the_users_schools(self):
        load()
        client = Client()
        client.force_login(self._user("klaproos.leerjaar2"))
        assert client.session[words.SESSION_KEY] == "BE"
        response = client.get("/")
        assert response["Content-Language"] == "nl-be"
        assert '<html lang="nl-be">' in response.content.decode()
        client.force_login(self._user("fluitekruid.groep3"))
        assert client.get("/")["Content-Language"] == "nl"

    def _user(self, username):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username)


def test_catalog_texts_have_flemish_variants_where_they_name_dutch_school_words():
    wrong = []
    for item in get_catalog().all_items():
        for field, text in item.texts():
            if field.endswith(".nl") and DUTCH_ONLY.search(POPULATION.sub("…", text)):
                flemish = dict(item.texts()).get(field.removesuffix(".nl") + ".nl_be")
                if not flemish or DUTCH_ONLY.search(POPULATION.sub("…", flemish)):
                    wrong.append(f"{item.ref} {field}")
    assert not wrong, wrong


def test_no_template_writes_a_month_with_a_capital():
    # Django's "M" is the capitalised abbreviation ("Sep"); "b" is Dutch's lower case ("sep").
    package = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(package)}: {match}"
        for path in package.rglob("*.html")
        for match in re.findall(r'date:"[^"]*"', path.read_text())
        if "M" in match.split(":", 1)[1]
    ]
    assert not found, found
