"""Demo: two rounds of complexity assessment on the climate challenge, with movement between them."""

from __future__ import annotations

from typing import Any

from samskab.accounts.models import Membership, Role, User
from samskab.challenges.models import Challenge
from samskab.complexity import services
from samskab.complexity.models import AssessmentRound
from samskab.demo.content import DEMO_DOMAIN, DEMO_PASSWORD

CHALLENGE = "Hvor skal regnvandet hen, når skybruddet kommer?"

# Extra demo participants, so that roles reach the minimum group size and their positions can be
# shown: five citizens, five employees, and the leaders and politicians together as "Andre".
EXTRA: list[tuple[str, str, Role]] = [
    ("deltager-1", "Ole Sørensen", Role.CITIZEN),
    ("deltager-2", "Fatima Ali", Role.CITIZEN),
    ("deltager-3", "Jens Mortensen", Role.EMPLOYEE),
    ("deltager-4", "Louise Berg", Role.MANAGER),
    ("deltager-5", "Niels Krogh", Role.COUNCIL_MEMBER),
    ("deltager-6", "Birgitte Holm", Role.CITIZEN),
    ("deltager-7", "Ahmad Karimi", Role.CITIZEN),
    ("deltager-8", "Sofie Lund", Role.EMPLOYEE),
    ("deltager-9", "Mads Kjær", Role.EMPLOYEE),
    ("deltager-10", "Hanne Vestergaard", Role.EMPLOYEE),
    ("deltager-11", "Peter Dam", Role.MANAGER),
]

# role → (agreement, certainty, reason) in round 1 and round 2
ANSWERS: dict[str, list[tuple[int, int, str]]] = {
    Role.CITIZEN: [
        (2, 2, "Vi er slet ikke enige om, hvem der skal betale for regnbedene."),
        (3, 2, ""),
    ],
    Role.EMPLOYEE: [(3, 2, "Vi ved for lidt om, hvordan jorden tager vandet."), (4, 3, "")],
    Role.MANAGER: [(4, 3, ""), (4, 3, "Forsøgene på villavejene har lært os meget.")],
    Role.COUNCIL_MEMBER: [(2, 4, "Det er et spørgsmål om prioritering i budgettet."), (3, 4, "")],
}


def _extra_people(municipality: Any) -> list[tuple[User, str]]:
    found = []
    for local, name, role in EXTRA:
        email = f"{local}@{DEMO_DOMAIN}"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(
                email, DEMO_PASSWORD, display_name=name, email_verified=True
            )
        Membership.objects.get_or_create(municipality=municipality, person=person, role=role)
        found.append((person, role.value))
    return found


def load_complexity_demo(demo: Any) -> None:
    challenge = Challenge.objects.filter(space__movement=demo.movement, title=CHALLENGE).first()
    if challenge is None or AssessmentRound.objects.filter(challenge=challenge).exists():
        return
    people = [
        (demo.people[role], role.value)
        for role in (Role.CITIZEN, Role.EMPLOYEE, Role.MANAGER, Role.COUNCIL_MEMBER)
    ] + _extra_people(demo.municipality)
    facilitator = demo.people[Role.FACILITATOR]
    for number in (0, 1):
        round_ = services.open_round(challenge, facilitator)
        for k, (person, role) in enumerate(people):
            a, c, reason = ANSWERS[role][number]
            # A little variation, so the spread is not zero.
            a = max(1, min(5, a + (k % 3) - 1)) if k % 2 else a
            services.rate(
                round_, person, agreement=a, certainty=c, role=role, reason=reason if k < 4 else ""
            )
    # Round 2 stays open, so demo people can answer it themselves.
