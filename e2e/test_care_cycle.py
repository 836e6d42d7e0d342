"""One full care cycle in the demo (issue 16, the first "Done when" line), in Dutch, on a laptop,
with axe-core on every page visited:

1. the teacher logs observations in the quick log, follows the focus card due for evaluation
   from the home page's work list and evaluates it: "bespreken in het zorgteam";
2. the pupil is then on the care coordinator's work list "Leerlingen om in het zorgteam te
   bespreken"; she follows the item and puts the pupil on the planned meeting's agenda;
3. in the meeting she writes the minutes and a decision for the teacher (invite the parents);
   the teacher sees the decision on her work list, records the parent conversation that
   follows from it (parents app) and marks the decision done;
4. the teacher adjusts the new version of the card (a measure ticked, a measure of her own) and
   records the parents' consent on that version;
5. the evaluation shows rates per observed school day, with enough observed days to compare
   (the demo's care-cycle pupil, demo/cycle.py, has them);
6. the care coordinator refers the pupil to the wijkteam: a named professional, the parents'
   consent, the summary sent as a read link that the professional opens without an account,
   which waits on her work list until answered, and which answers 404 once she revokes it;
7. every step is on the pupil's audit trail, in words.

The pupil is the demo's care-cycle pupil (Groep 5, second in name order), for whom no other e2e
flow writes. Each step is a helper function taking and returning a `Cycle`; each step's audit
actions are in `AUDITED`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from conftest import check_axe, log_in, screenshot

COORDINATOR = "fluitekruid.ib"
TEACHER = "fluitekruid.groep5"
GROUP = "Groep 5"

NOTE = "Liep tijdens de rekenles drie keer rond en was daarna niet meer bij de taak."
QUESTION = "De evaluatie vraagt om het zorgteam: hoe verder met de onrust in de klas?"
MINUTES = (
    "Besproken: de onrust bij het zelfstandig werken. Met de ouders afstemmen wat thuis helpt."
)
DECISION = "Ouders uitnodigen voor een gesprek over de onrust"
AT_HOME = "Thuis is hij na school moe en onrustig; een vaste volgorde helpt."
AGREED = "Een kaartje met de stappen van de taak, op school en thuis hetzelfde."
OWN_MEASURE = "Na de pauze eerst twee minuten tekenen op de rustplek."
PARENTS_VIEW = "Wij herkennen de onrust en doen thuis mee met het kaartje."
PROFESSIONAL = "mw. A. Voorbeeld (fictief)"
REFERRAL_QUESTION = "Kunt u met de ouders meekijken naar de onrust thuis en op school?"

# What each step leaves on the pupil's audit trail: action -> the Dutch words of its row.
AUDITED = {
    "observation.create": "Observaties: gewijzigd",
    "focuscard.evaluate": "Focuskaart: gewijzigd",
    "meeting.agenda_add": "Leerlingbesprekingen: gewijzigd",
    "meeting.minutes": "Leerlingbesprekingen: gewijzigd",
    "meeting.decision": "Leerlingbesprekingen: gewijzigd",
    "parents.conversation.create": "Ouders: gewijzigd",
    "meeting.decision_done": "Leerlingbesprekingen: gewijzigd",
    "focuscard.tick": "Focuskaart: gewijzigd",
    "focuscard.own_measure.add": "Focuskaart: gewijzigd",
    "parents.consent": "Ouders: gewijzigd",
    "referral.create": "Verwijzingen: gewijzigd",
    "referral.consent": "Verwijzingen: gewijzigd",
    "referral.send": "Verwijzingen: gewijzigd",
    "readlink.revoke": "Leeslinks: gewijzigd",
}


@dataclass
class Cycle:
    """What the steps share: the pupil and the pages of the two people who work on it."""

    pupil: dict
    teacher: object  # a Playwright Page, logged in as the group's teacher
    coordinator: object  # a Playwright Page, logged in as the care coordinator
    evaluated_version: int = 0
    meeting_url: str = ""
    done: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/pupils/{self.pupil['public_id']}/"

    @property
    def name(self) -> str:
        return f"{self.pupil['first_name']} {self.pupil['last_name']}"


def _full_name(server, username: str) -> str:
    """The account's name as the pages show it (the demo's JSON gives usernames only)."""
    output = server.command(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.get(username='{username}').get_full_name())",
    )
    return output.strip().splitlines()[-1]  # after the shell's own line about its imports


def _work_list_item(page, code: str, name: str):
    return page.locator(f"[data-work-list={code}] li", has=page.get_by_role("link", name=name))


def teacher_logs_and_evaluates(cycle: Cycle) -> Cycle:
    """Step 1: observations in the quick log; the card due today on the teacher's work list;
    its evaluation decides to discuss the pupil in the care team."""
    page = cycle.teacher
    for signals in (("restless_chaotic", "concentration"), ("restless_chaotic",)):
        page.goto(f"{cycle.url}observe/")
        for code in signals:
            box = page.locator(f"#sig-{code}")
            if not box.is_visible():
                page.locator(f"details:has(#sig-{code}) > summary").click()
            page.locator("label.tile", has=box).click()
            assert box.is_checked()
        page.locator("textarea[name=note]").fill(NOTE)
        check_axe(page, "cycle-quick-log")
        with page.expect_navigation():
            page.get_by_role("button", name="Opslaan", exact=True).click()
        assert page.url.endswith(cycle.url)
    assert NOTE in page.locator(".observation").first.inner_text()
    check_axe(page, "cycle-pupil-after-logging")

    page.goto("/")
    item = _work_list_item(page, "evaluations_due", cycle.name)
    assert item.count() == 1, "the card due today is on the teacher's work list"
    check_axe(page, "cycle-home-teacher")
    with page.expect_navigation():
        item.get_by_role("link", name=cycle.name).click()
    assert page.url.endswith(f"{cycle.url}focuskaart/evaluate/")
    cycle.evaluated_version = int(
        re.search(r"versie (\d+)", page.locator("h1").inner_text(), re.I)[1]
    )
    check_axe(page, "cycle-evaluate")
    rows = page.locator("fieldset.outcome")
    assert rows.count() >= 2
    for i in range(rows.count()):
        rows.nth(i).locator("input[value=partly]").check()
    page.locator("input[name=decision][value=care_team]").check()
    next_evaluation = datetime.date.today() + datetime.timedelta(weeks=6)
    page.locator("#next-evaluation").fill(next_evaluation.isoformat())
    page.locator("#summary").fill(
        "In de klas minder onrust; bij het zelfstandig werken nog lastig."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Evaluatie opslaan en de volgende versie starten").click()
    assert page.url.endswith(f"{cycle.url}focuskaart/")
    check_axe(page, "cycle-card-next-version")
    cycle.done += ["observation.create", "focuscard.evaluate"]
    return cycle


def coordinator_puts_on_agenda(cycle: Cycle) -> Cycle:
    """Step 2: the pupil is on the coordinator's list of pupils to discuss; the item leads to
    the agenda form, and the pupil goes on the planned meeting's agenda."""
    page = cycle.coordinator
    page.goto("/")
    item = _work_list_item(page, "to_discuss", cycle.name)
    assert item.count() == 1, "the evaluation's decision puts the pupil on the list"
    assert "bespreken" in item.inner_text()
    check_axe(page, "cycle-home-coordinator")
    with page.expect_navigation():
        item.get_by_role("link", name=cycle.name).click()
    assert "/care-team/?evaluation=" in page.url
    check_axe(page, "cycle-put-on-agenda")
    assert page.locator("input[name=meeting]:checked").count() == 1
    page.get_by_label("Reden of vraag").fill(QUESTION)
    with page.expect_navigation():
        page.get_by_role("button", name="Op de agenda zetten", exact=True).click()
    assert re.search(r"/meetings/[0-9a-f-]{36}/$", page.url), page.url
    cycle.meeting_url = page.url
    agenda_item = page.locator(".agenda-item", has=page.get_by_role("link", name=cycle.name))
    assert QUESTION in agenda_item.inner_text()
    page.goto("/")
    assert _work_list_item(page, "to_discuss", cycle.name).count() == 0, "taken up"
    cycle.done.append("meeting.agenda_add")
    return cycle


def meeting_minutes_decision_and_parents(cycle: Cycle, teacher_name: str) -> Cycle:
    """Step 3: minutes and a decision for the teacher in the meeting; the teacher records the
    parent conversation the decision asks for and marks the decision done."""
    page = cycle.coordinator
    page.goto(cycle.meeting_url)
    check_axe(page, "cycle-meeting")
    item = page.locator(".agenda-item", has=page.get_by_role("link", name=cycle.name))
    item.locator("textarea[name=minutes]").fill(MINUTES)
    with page.expect_response(lambda r: "/minutes/" in r.url and r.request.method == "POST"):
        item.get_by_role("button", name="Verslag opslaan", exact=True).click()
    page.wait_for_timeout(200)  # the swap follows the response
    item = page.locator(".agenda-item", has=page.get_by_role("link", name=cycle.name))
    assert item.locator("textarea[name=minutes]").input_value() == MINUTES
    item.locator("input[name=what]").fill(DECISION)
    owners = item.locator("select[name=owner] option").all_inner_texts()
    assert teacher_name in owners, (teacher_name, owners)
    item.locator("select[name=owner]").select_option(label=teacher_name)
    due = datetime.date.today() + datetime.timedelta(days=14)
    item.locator("input[name=due_on]").fill(due.isoformat())
    with page.expect_response(lambda r: "/decisions/" in r.url and r.request.method == "POST"):
        item.get_by_role("button", name="Afspraak toevoegen", exact=True).click()
    page.wait_for_timeout(200)
    decisions = item.locator(".decision-list").inner_text()
    assert DECISION in decisions and teacher_name in decisions
    check_axe(page, "cycle-meeting-with-minutes")
    screenshot(page, "cycle-meeting")

    # The teacher: the decision is on her work list; she holds the conversation and records it.
    page = cycle.teacher
    page.goto("/")
    mine = _work_list_item(page, "my_decisions", cycle.name)
    assert DECISION in mine.inner_text()
    with page.expect_navigation():
        mine.get_by_role("link", name=cycle.name).click()
    page.get_by_role("link", name="Ouders", exact=True).click()
    page.wait_for_url("**/parents/")
    check_axe(page, "cycle-parents")
    page.get_by_role("link", name="Een gesprek vastleggen").click()
    page.wait_for_url("**/conversations/new/")
    check_axe(page, "cycle-conversation-form")
    page.get_by_label("Wie er aanwezig waren").fill("moeder, vader, groepsleerkracht")
    page.get_by_label("Wat de ouders thuis zien").fill(AT_HOME)
    page.get_by_label("Wat is afgesproken").fill(AGREED)
    with page.expect_navigation():
        page.get_by_role("button", name="Gesprek opslaan").click()
    assert AGREED in page.locator("main").inner_text()
    page.goto("/")
    mine = _work_list_item(page, "my_decisions", cycle.name)
    with page.expect_navigation():
        mine.get_by_role("button", name=re.compile("^Gedaan")).click()
    assert _work_list_item(page, "my_decisions", cycle.name).count() == 0
    page.goto(cycle.meeting_url)
    assert "gedaan" in page.locator(".decision-list").first.inner_text()
    check_axe(page, "cycle-meeting-teacher")
    cycle.done += ["meeting.minutes", "meeting.decision", "parents.conversation.create"]
    cycle.done.append("meeting.decision_done")
    return cycle


def adjust_the_card(cycle: Cycle) -> Cycle:
    """Step 4: the new version gets a measure ticked and one of the teacher's own; the parents
    consent to that version."""
    page = cycle.teacher
    page.goto(f"{cycle.url}focuskaart/")
    box = page.locator(".focus-card input[name^=trying_]:not(:checked)").first
    with page.expect_response(lambda r: r.url.endswith("/focuskaart/tick/") and r.ok):
        box.click()
    page.get_by_label("Een eigen maatregel toevoegen").fill(OWN_MEASURE)
    with page.expect_navigation():
        page.get_by_role("button", name="Toevoegen", exact=True).click()
    assert OWN_MEASURE in page.locator(".own-measures").inner_text()
    check_axe(page, "cycle-card-adjusted")

    page.goto(f"{cycle.url}parents/")
    version = cycle.evaluated_version + 1
    with page.expect_navigation():
        page.get_by_role("link", name="Mening en instemming van de ouders vastleggen").first.click()
    assert page.url.endswith(f"/consent/v{version}/"), page.url
    check_axe(page, "cycle-consent-form")
    page.get_by_label("instemming gegeven", exact=True).check()
    day = page.get_by_label("Datum waarop de ouders hun antwoord gaven")
    day.fill(day.get_attribute("max"))
    page.get_by_label("De mening van de ouders, in hun woorden").fill(PARENTS_VIEW)
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    assert PARENTS_VIEW in page.locator("main").inner_text()
    check_axe(page, "cycle-card-with-consent")
    cycle.done += ["focuscard.tick", "focuscard.own_measure.add", "parents.consent"]
    return cycle


def evaluation_shows_rates(cycle: Cycle) -> Cycle:
    """Step 5: the evaluated version's page compares rates per observed school day."""
    page = cycle.coordinator
    page.goto(f"{cycle.url}focuskaart/v{cycle.evaluated_version}/")
    section = page.locator("section.evaluation")
    text = section.inner_text()
    assert "bespreken in het zorgteam" in text
    assert (
        "Signalen per geobserveerde schooldag"
        in section.locator("table.figures caption").inner_text()
    )
    assert "Te weinig geobserveerde dagen" not in text
    days = section.locator(".figures-days").inner_text()
    before, during = (int(n) for n in re.findall(r"(\d+) van \d+", days))
    assert before >= 5 and during >= 5, days
    total = section.locator("table.figures tr.total td")
    before_rate, during_rate = (
        float(total.nth(i).inner_text().split()[0].replace(",", ".")) for i in (0, 1)
    )
    assert during_rate < before_rate
    assert total.nth(2).inner_text() == "minder"
    check_axe(page, "cycle-evaluation")
    screenshot(page, "cycle-evaluation")
    return cycle


def refer_and_revoke(cycle: Cycle, new_page) -> Cycle:
    """Step 6: the care coordinator drafts a referral to the wijkteam for a named professional,
    records the parents' consent, sends it (the read link is shown once), the professional
    opens the summary without an account, and after the coordinator revokes the link it
    answers 404. Meanwhile the referral waits on her work list "without an answer"."""
    page = cycle.coordinator
    page.goto(f"{cycle.url}referrals/")
    check_axe(page, "cycle-referrals")
    with page.expect_navigation():
        page.get_by_role("link", name="Een verwijzing opstellen", exact=True).click()
    check_axe(page, "cycle-referral-form")
    page.locator("input[name=partner][value=wijkteam]").check()
    page.get_by_label("Genoemde professional").fill(PROFESSIONAL)
    page.get_by_label("Organisatie").fill("Wijkteam Noord (fictief)")
    page.get_by_label("De vraag voor de partner").fill(REFERRAL_QUESTION)
    with page.expect_navigation():
        page.get_by_role("button", name="Het concept bewaren", exact=True).click()
    referral_url = page.url
    with page.expect_navigation():
        page.get_by_role("link", name="De instemming van de ouders vastleggen").click()
    check_axe(page, "cycle-referral-consent")
    page.get_by_label("instemming gegeven", exact=True).check()
    day = page.get_by_label("Datum waarop de ouders hun antwoord gaven")
    day.fill(day.get_attribute("max"))
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    page.goto(referral_url)
    with page.expect_navigation():
        page.get_by_role("button", name="Versturen: de leeslink maken", exact=True).click()
    check_axe(page, "cycle-referral-sent")
    address = page.locator("#link-address").input_value()
    link = "/" + address.split("/", 3)[3] if address.startswith("http") else address

    # The named professional: no account, one document.
    professional = new_page()  # a browser of its own: no session, no cookies
    response = professional.request.get(link)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    page.goto("/")
    waiting = _work_list_item(page, "referrals_unanswered", cycle.name)
    assert waiting.count() == 1, "the sent referral waits on the coordinator's work list"
    page.goto(referral_url)
    with page.expect_navigation():
        page.get_by_role("button", name="De link intrekken", exact=True).click()
    assert professional.request.get(link).status == 404
    check_axe(page, "cycle-referral-revoked")
    cycle.done += ["referral.create", "referral.consent", "referral.send", "readlink.revoke"]
    return cycle


def check_the_audit_trail(cycle: Cycle) -> Cycle:
    """Step 7: every step is on the pupil's audit trail, in words (all its pages)."""
    page = cycle.coordinator
    page.goto(f"{cycle.url}audit/")
    check_axe(page, "cycle-audit")
    rows: dict[str, set[str]] = {}
    while True:
        for row in page.locator("table.audit-trail tbody tr").all():
            what = row.locator("td").nth(3)
            action = what.locator("code").inner_text()
            who = row.locator("td").nth(1).inner_text()
            rows.setdefault(action, set()).add(f"{who} {what.inner_text()}")
        older = page.get_by_role("link", name="Ouder", exact=True)
        if older.count() == 0:
            break
        with page.expect_navigation():
            older.click()
    for action in cycle.done:
        assert action in rows, f"{action} is not on the audit trail: {sorted(rows)}"
        assert any(AUDITED[action] in text for text in rows[action]), (action, rows[action])
    by = {action: " ".join(rows[action]) for action in cycle.done}
    assert TEACHER in by["focuscard.evaluate"] and TEACHER in by["parents.consent"]
    assert COORDINATOR in by["meeting.agenda_add"] and COORDINATOR in by["meeting.decision"]
    return cycle


def test_a_care_coordinator_runs_one_full_cycle(new_page, server):
    pupil = server.pupils(GROUP)[1]  # the demo's care-cycle pupil (demo/cycle.py)
    teacher = new_page()
    log_in(teacher, server, TEACHER)
    coordinator = new_page()
    log_in(coordinator, server, COORDINATOR)
    cycle = Cycle(pupil=pupil, teacher=teacher, coordinator=coordinator)

    cycle = teacher_logs_and_evaluates(cycle)
    cycle = coordinator_puts_on_agenda(cycle)
    cycle = meeting_minutes_decision_and_parents(cycle, _full_name(server, TEACHER))
    cycle = adjust_the_card(cycle)
    cycle = evaluation_shows_rates(cycle)
    cycle = refer_and_revoke(cycle, new_page)
    check_the_audit_trail(cycle)
