"""The care partners a school refers to, by country and by the pupil's age.

A fixed list, not the knowledge base: these are the school's own partners (the Dutch
*zorgstructuur* around a school, the Flemish CLB and CGG). The knowledge base's referral items
(the GP's roles, the treatments) stay there as background: an evaluation may have chosen them
(`plans.Evaluation.referrals`), and the referral page shows them beside the partner, but the
school refers to a partner, not to a therapy (`../shared/ROUTES.md`; the GP is reached through
the parents: the school advises them to go).

Ages are whole years on the day of the referral, both bounds inclusive; None is no bound.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Partner:
    code: str
    country: str  # "NL" or "BE"
    label: Promise
    help: Promise
    min_age: int | None = None
    max_age: int | None = None
    # Advice to the parents (their own GP): the school hands the summary to the parents, not
    # to a professional of its own choosing.
    via_parents: bool = False

    def fits(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )


PARTNERS: tuple[Partner, ...] = (
    Partner(
        "parents_gp",
        "NL",
        _("the parents' own GP (advice to the parents)"),
        _("The school advises the parents to see their GP and gives them the summary to take."),
        via_parents=True,
    ),
    Partner(
        "jeugdarts",
        "NL",
        _("youth doctor or nurse (jeugdarts, GGD)"),
        _("Youth health care of the GGD: health, development and upbringing, 4 to 18 years."),
        min_age=4,
        max_age=18,
    ),
    Partner(
        "wijkteam",
        "NL",
        _("neighbourhood team (wijkteam, CJG)"),
        _("The municipality's access to youth care and parenting support, up to 18 years."),
        max_age=18,
    ),
    Partner(
        "school_social_work",
        "NL",
        _("school social work (schoolmaatschappelijk werk)"),
        _("Short support for the pupil and the parents, close to the school."),
        min_age=4,
        max_age=18,
    ),
    Partner(
        "samenwerkingsverband",
        "NL",
        _("the partnership for inclusive education (samenwerkingsverband)"),
        _("Advice and extra support in education (passend onderwijs), for pupils of 4 and up."),
        min_age=4,
    ),
    Partner(
        "clb",
        "BE",
        _("the school's CLB (Centrum voor Leerlingenbegeleiding)"),
        _("The pupil guidance centre the school works with: the first step of every referral."),
    ),
    Partner(
        "cgg",
        "BE",
        _("a CGG (Centrum voor Geestelijke Gezondheidszorg), children and youth team"),
        _("Mental health care for children and young people, usually after the CLB."),
        max_age=18,
    ),
)
BY_CODE = {p.code: p for p in PARTNERS}


def partners_for(country: str, age: int) -> list[Partner]:
    """The partners of the school's country that fit the pupil's age, in the list's order."""
    return [p for p in PARTNERS if p.country == country and p.fits(age)]


def pupil_partners(pupil, today: datetime.date) -> list[Partner]:
    return partners_for(pupil.school.country, pupil.age_on(today))


def label(code: str) -> str:
    partner = BY_CODE.get(code)
    return str(partner.label) if partner else code
