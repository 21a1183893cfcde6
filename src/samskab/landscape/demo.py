"""Demo: a landscape worth looking at. Three groups of organisations that each work on their
own challenges and have not yet met (three islands besides the rest of the demo's
activity): young people's leisure (a municipal unit, the rowing club and the scouts; the scouts
also work with the music association on nature for all, so the scouts are the broker and
their tie to the music association a bridge), climate-friendly building (a municipal unit, a
carpenter and a solar company) and local food in the canteens (the canteens, a bakery and five
citizens). Five youth-club employees support their unit's idea, so the involvement from top to
bottom has a group large enough to show. Leisure and local food share the category "Fællesskab", so the suggested tie
between those islands has a reason. Everything goes through the challenges' services; then
the landscape of the last 12 months is computed. Running the demo again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from samskab.accounts.models import (
    Affiliation,
    DepartmentLevel,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    StaffLevel,
    User,
    mark_email_verified,
)
from samskab.challenges import services as challenges
from samskab.challenges.models import Challenge
from samskab.landscape import services

MARKER = "Flere unge i foreningslivet"
DOMAIN = "demo.samskab.dk"

# key, name, kind, parent key (for a municipal unit under an existing forvaltning)
ORGANISATIONS = [
    ("clubs", "Fritidsklubberne", OrganisationKind.DEPARTMENT, "children"),
    ("buildings", "Kommunale Ejendomme", OrganisationKind.DEPARTMENT, "tech"),
    ("canteens", "Kantinerne", OrganisationKind.DEPARTMENT, "social"),
    ("rowing", "Roskilde Roklub", OrganisationKind.ASSOCIATION, None),
    ("scouts", "Himmelev Spejderne", OrganisationKind.ASSOCIATION, None),
    ("music", "Musikforeningen ved Fjorden", OrganisationKind.ASSOCIATION, None),
    ("carpenter", "Tømrer Andersen ApS", OrganisationKind.BUSINESS, None),
    ("solar", "Solcellekompagniet", OrganisationKind.BUSINESS, None),
    ("bakery", "Fjordbageriet", OrganisationKind.BUSINESS, None),
]
ROLE_OF_KIND = {
    OrganisationKind.DEPARTMENT: Role.EMPLOYEE,
    OrganisationKind.ASSOCIATION: Role.ASSOCIATION,
    OrganisationKind.BUSINESS: Role.BUSINESS,
}
# space title, challenge title, description, categories, [(organisation key, idea title)]
CHALLENGES: list[tuple[str, str, str, list[str], list[tuple[str, str]]]] = [
    (
        "Unges fritid",
        MARKER,
        "Hvordan får vi flere unge mellem 13 og 18 år med i en forening?",
        ["Fællesskab", "Unge"],
        [
            ("clubs", "Prøv-en-forening-uge i klubberne"),
            ("rowing", "Gratis ro-sommerskole for nybegyndere"),
            ("scouts", "Spejdernes natløb for hele klassen"),
        ],
    ),
    (
        "Unges fritid",
        "Natur for alle",
        "Hvordan kommer flere ud i naturen omkring fjorden – også dem, der aldrig har været det?",
        ["Natur"],
        [
            ("scouts", "Bål og musik ved shelterpladsen"),
            ("music", "Koncerter i det fri ved fjorden"),
        ],
    ),
    (
        "Klimatilpasning i byen",
        "Klimavenlige kommunale bygninger",
        "Hvordan gør vi kommunens egne bygninger klimavenlige sammen med de lokale håndværkere?",
        ["Klima"],
        [
            ("buildings", "En fælles liste over bygninger, der trænger"),
            ("carpenter", "Genbrug af træ fra nedrivninger"),
            ("solar", "Solceller på skolernes tage"),
        ],
    ),
    (
        "Ensomhed blandt ældre",
        "Lokal mad i kantinerne",
        "Hvordan kan kommunens kantiner servere lokal mad og blive et sted, hvor man mødes?",
        ["Fællesskab", "Mad"],
        [
            ("canteens", "Fællesspisning i kantinen om fredagen"),
            ("bakery", "Dagens brød fra bageriet på hjørnet"),
        ],
    ),
]
STAFF = ["Rasmus Holm", "Ida Kjær", "Omar Yilmaz", "Sara Lund", "Mikkel Berg"]
CITIZENS = ["Lone Mikkelsen", "Erik Poulsen", "Fatima Ali", "Jens Thomsen", "Maja Sørensen"]


def _person(email: str, name: str, municipality: Any, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    mark_email_verified(user)
    Membership.objects.get_or_create(municipality=municipality, person=user, role=role)
    return user


def load_landscape_demo(demo: Any) -> None:
    municipality = demo.municipality
    if Challenge.objects.filter(space__movement=demo.movement, title=MARKER).exists():
        return
    orgs: dict[str, Organisation] = {}
    people: dict[str, User] = {}
    for key, name, kind, parent in ORGANISATIONS:
        under = demo.organisations.get(parent) if parent else None
        org, _created = Organisation.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={
                "kind": kind,
                "level": DepartmentLevel.UNIT if under is not None else None,
                "parent": under,
            },
        )
        orgs[key] = org
        person = _person(
            f"landskab-{key}@{DOMAIN}", f"Kontakt, {name}", municipality, ROLE_OF_KIND[kind]
        )
        Affiliation.objects.get_or_create(
            municipality=municipality,
            person=person,
            organisation=org,
            defaults={
                "staff_level": StaffLevel.EMPLOYEE if kind == OrganisationKind.DEPARTMENT else None
            },
        )
        people[key] = person
    admin = demo.people[Role.ADMINISTRATOR]
    ideas = {}
    for space_title, title, description, categories, proposals in CHALLENGES:
        challenge = challenges.pose_challenge(
            demo.spaces[space_title],
            admin,
            title=title,
            description=description,
            categories=categories,
        )
        for key, idea_title in proposals:
            ideas[title, key] = challenges.submit_idea(
                challenge,
                people[key],
                title=idea_title,
                body=idea_title + ".",
                on_behalf_of=orgs[key],
            )
    for i, name in enumerate(CITIZENS):
        citizen = _person(f"landskab-borger{i + 1}@{DOMAIN}", name, municipality, Role.CITIZEN)
        for key in ("canteens", "bakery"):
            challenges.support(ideas["Lokal mad i kantinerne", key], citizen)
    # The youth clubs' staff take part too, so the involvement from top to bottom has figures.
    for i, name in enumerate(STAFF):
        staff = _person(f"landskab-ansat{i + 1}@{DOMAIN}", name, municipality, Role.EMPLOYEE)
        Affiliation.objects.get_or_create(
            municipality=municipality,
            person=staff,
            organisation=orgs["clubs"],
            defaults={"staff_level": StaffLevel.EMPLOYEE, "title": "Klubmedarbejder"},
        )
        challenges.support(ideas[MARKER, "clubs"], staff)
    challenges.add_comment(
        ideas["Natur for alle", "music"],
        people["scouts"],
        body="Vi kommer gerne med bål og pinde til snobrød.",
    )
    services.compute(municipality, *services.default_period(timezone.localdate()))
