"""The demo municipality: realistic Danish content and one demo person for every role.

Later capabilities add their own content by appending a function to `EXTENSIONS`; each gets the
municipality, movement, people and spaces and must be idempotent (safe to run twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django_scopes import scope

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
from samskab.municipalities import services
from samskab.municipalities.models import Movement, Municipality, Space, SpaceInvitation, Visibility

DEMO_CODE = "0265"  # Roskilde
DEMO_PASSWORD = "samskab-demo"  # noqa: S105 - published on purpose: demo logins
DEMO_DOMAIN = "demo.samskab.dk"

# role, display name, pseudonym
PEOPLE: list[tuple[Role, str, str]] = [
    (Role.CITIZEN, "Karen Jensen", "Karen fra Himmelev"),
    (Role.BUSINESS, "Lars Nielsen", ""),
    (Role.ASSOCIATION, "Mette Hansen", ""),
    (Role.EMPLOYEE, "Ahmed Hassan", ""),
    (Role.MANAGER, "Birgitte Larsen", ""),
    (Role.COUNCIL_MEMBER, "Jonas Kristensen", ""),
    (Role.MAYOR, "Hanne Vestergaard", ""),
    (Role.FACILITATOR, "Sofie Madsen", ""),
    (Role.MODERATOR, "Peter Holm", ""),
    (Role.ADMINISTRATOR, "Anne Dahl", ""),
]

SPACES: list[tuple[str, str, str]] = [
    (
        "Ensomhed blandt ældre",
        "Hver tiende ældre i kommunen føler sig ofte alene. Hvordan kan naboer, foreninger, "
        "butikker og hjemmeplejen sammen skabe flere gode hverdagsfællesskaber?",
        Visibility.PUBLIC,
    ),
    (
        "Klimatilpasning i byen",
        "Skybrud og højere vandstand rammer veje, kældre og fjorden. Hvor skal vandet hen – og "
        "hvordan kan grundejere, virksomheder og kommunen dele opgaven?",
        Visibility.PUBLIC,
    ),
    (
        "Unges fritid",
        "Mange unge mellem 13 og 18 år går ikke til noget i deres fritid. Hvad ville få dem med – "
        "spurgt til de unge selv?",
        Visibility.PUBLIC,
    ),
    (
        "Medarbejdernes værksted",
        "Et rum for kommunens medarbejdere og ledere: hvad lærer vi af samskabelsen, og hvad "
        "skal vi gøre anderledes?",
        Visibility.STAFF,
    ),
    (
        "Styregruppen for samskabelse",
        "Borgmester, udvalgsformand, direktion og facilitator følger bevægelsen og fjerner "
        "forhindringer.",
        Visibility.INVITE,
    ),
]


@dataclass
class Demo:
    municipality: Municipality
    movement: Movement
    people: dict[str, User]
    spaces: dict[str, Space]
    organisations: dict[str, Organisation] = field(default_factory=dict)


EXTENSIONS: list[Callable[[Demo], Any]] = []


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


def _person(role: Role, name: str, pseudonym: str) -> User:
    user = User.objects.filter(email=demo_email(role)).first()
    if user is None:
        user = User.objects.create_user(
            demo_email(role), DEMO_PASSWORD, display_name=name, pseudonym=pseudonym
        )
    # Also for demo people made before logins needed a confirmed address.
    mark_email_verified(user)
    return user


def _organisations(municipality: Municipality) -> dict[str, Organisation]:
    def org(name: str, kind: str, level: int | None = None, parent: Organisation | None = None):
        found, _ = Organisation.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={"kind": kind, "level": level, "parent": parent},
        )
        return found

    dept = OrganisationKind.DEPARTMENT
    social = org("Social, Job og Sundhed", dept, DepartmentLevel.ADMINISTRATION)
    elderly = org("Ældre og Sundhed", dept, DepartmentLevel.UNIT, social)
    homecare = org("Hjemmeplejen Nord", dept, DepartmentLevel.TEAM, elderly)
    tech = org("Teknik og Miljø", dept, DepartmentLevel.ADMINISTRATION)
    climate = org("Klima og Vand", dept, DepartmentLevel.UNIT, tech)
    children = org("Børn, Unge og Kultur", dept, DepartmentLevel.ADMINISTRATION)
    leisure = org("Fritid og Kultur", dept, DepartmentLevel.UNIT, children)
    youth = org("Ungdomsskolen", dept, DepartmentLevel.TEAM, leisure)
    return {
        "social": social,
        "elderly": elderly,
        "homecare": homecare,
        "tech": tech,
        "climate": climate,
        "children": children,
        "leisure": leisure,
        "youth": youth,
        "business": org("Fjordens Cykler ApS", OrganisationKind.BUSINESS),
        "association": org("Fælles Fodslag – frivillige for ældre", OrganisationKind.ASSOCIATION),
    }


@transaction.atomic
def load_demo() -> Demo:
    """Create (or complete) the demo municipality. Running it again changes nothing."""
    municipality = Municipality.objects.get(code=DEMO_CODE)
    with scope(municipality=municipality):
        people = {role: _person(role, name, pseudonym) for role, name, pseudonym in PEOPLE}
        for role, person in people.items():
            Membership.objects.get_or_create(municipality=municipality, person=person, role=role)
        mayor = people[Role.MAYOR]
        movement = Movement.objects.filter(municipality=municipality).first()
        if movement is None:
            movement = services.open_movement(
                municipality,
                mayor,
                title="Samskabelse i Roskilde",
                description=(
                    "Kommune betyder fællesskab. Her samler vi alt det, borgere, foreninger, "
                    "virksomheder, medarbejdere og politikere skaber sammen – så de gode idéer "
                    "ikke bliver øer, men én bevægelse."
                ),
            )
        admin = people[Role.ADMINISTRATOR]
        spaces: dict[str, Space] = {}
        for title, description, visibility in SPACES:
            space = Space.objects.filter(municipality=municipality, title=title).first()
            if space is None:
                space = services.create_space(
                    movement, admin, title=title, description=description, visibility=visibility
                )
            spaces[title] = space
        steering = spaces["Styregruppen for samskabelse"]
        for role in (Role.MAYOR, Role.COUNCIL_MEMBER, Role.MANAGER):
            SpaceInvitation.objects.get_or_create(
                municipality=municipality,
                space=steering,
                person=people[role],
                defaults={"invited_by": admin},
            )
        organisations = _organisations(municipality)
        ties = [
            (Role.EMPLOYEE, "homecare", StaffLevel.EMPLOYEE, "Social- og sundhedsassistent"),
            (Role.MANAGER, "elderly", StaffLevel.MANAGER, "Leder af Ældre og Sundhed"),
            (Role.BUSINESS, "business", None, "Indehaver"),
            (Role.ASSOCIATION, "association", None, "Formand"),
        ]
        for role, key, level, title in ties:
            Affiliation.objects.get_or_create(
                municipality=municipality,
                person=people[role],
                organisation=organisations[key],
                defaults={"staff_level": level, "title": title},
            )
        demo = Demo(municipality, movement, people, spaces, organisations)
        for extend in EXTENSIONS:
            extend(demo)
    return demo
