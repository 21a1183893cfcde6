"""Demo: the elderly challenge's shared-meals idea carried into an initiative with three partners.

A municipal unit, an association and a business, each with its contact person; a
responsibility matrix; a signed samarbejdsaftale; two budget lines; commitments in kroner, in
volunteer hours (with their rate and valuation rule) and in premises; one actual figure, a
sign-off and a few timeline updates. Running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge, Idea, Outcome
from samskab.initiatives import services
from samskab.initiatives.models import (
    CommitmentKind,
    Initiative,
    InitiativeIdea,
    Responsibility,
    Status,
)

TITLE = "Spisefællesskaber i forsamlingshusene"
IDEA = "Spisefællesskaber i forsamlingshusene"
CHALLENGE = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"
HOURLY_RATE = Decimal("185.00")


def load_initiatives_demo(demo: Any) -> None:
    challenge = Challenge.objects.filter(space__movement=demo.movement, title=CHALLENGE).first()
    if challenge is None or Initiative.objects.filter(space=challenge.space, title=TITLE).exists():
        return
    idea = Idea.objects.filter(challenge=challenge, title=IDEA).first()
    people = demo.people
    orgs = demo.organisations
    facilitator, manager, admin = (
        people[Role.FACILITATOR],
        people[Role.MANAGER],
        people[Role.ADMINISTRATOR],
    )
    chair, owner = people[Role.ASSOCIATION], people[Role.BUSINESS]
    today = timezone.localdate()
    initiative = services.create_initiative(
        facilitator,
        space=challenge.space,
        challenge=challenge,
        title=TITLE,
        purpose=(
            "Et fast måltid hver torsdag i tre forsamlingshuse, hvor ældre, der bor alene, "
            "laver mad og spiser sammen med frivillige. Målet er, at deltagerne får faste "
            "fællesskaber, der holder, også når projektet slutter."
        ),
        target_group="Ældre over 65 år, der bor alene eller føler sig ensomme.",
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=275),
    )
    municipal, association, business = (
        services.add_partner(initiative, facilitator, organisation=orgs[key], contact=contact)
        for key, contact in (("elderly", manager), ("association", chair), ("business", owner))
    )
    r = Responsibility
    parts = (
        (
            "Fællesspisning hver torsdag",
            "Indkøb, madlavning og værter ved bordene.",
            {association: r.RESPONSIBLE, municipal: r.CONTRIBUTOR, business: r.INFORMED},
        ),
        (
            "Transport til og fra spisningen",
            "Rickshaw-ture for dem, der ikke selv kan komme frem.",
            {business: r.RESPONSIBLE, association: r.CONTRIBUTOR, municipal: r.ADVISER},
        ),
        (
            "Kontakt til ældre, der bor alene",
            "Hjemmeplejen fortæller om spisningen og følger de første gange med.",
            {municipal: r.RESPONSIBLE, association: r.CONTRIBUTOR},
        ),
    )
    for title, description, assignments in parts:
        services.set_part(
            initiative,
            facilitator,
            title=title,
            description=description,
            assignments=assignments,
        )
    agreement = services.save_agreement(
        association,
        facilitator,
        purpose="At skabe faste spisefællesskaber for ældre, der bor alene.",
        target_group="Ældre over 65 år i Roskilde Kommune.",
        tasks=(
            "Foreningen står for indkøb, madlavning og værter. Kommunen betaler råvarerne og "
            "henviser deltagere via hjemmeplejen."
        ),
        volunteer_boundary=(
            "De frivillige laver mad og er værter. Personlig pleje og medicin er altid "
            "hjemmeplejens opgave."
        ),
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=275),
        termination="Begge parter kan opsige aftalen med en måneds varsel.",
        personal_data=(
            "Foreningen noterer kun fornavn og telefonnummer på deltagerne og sletter dem, når "
            "samarbejdet slutter."
        ),
    )
    services.sign_agreement(agreement, manager, side="municipality")
    services.sign_agreement(agreement, chair, side="partner")
    food, rooms = (
        services.add_budget_line(initiative, facilitator, title=title, amount=Decimal(amount))
        for title, amount in (("Råvarer", "60000.00"), ("Lokaler og drift", "24000.00"))
    )
    for line in (food, rooms):
        services.approve_budget_line(line, admin)
    k = CommitmentKind
    # Who commits, for which partner, and what.
    commitments: tuple[tuple[Any, Any, dict[str, Any]], ...] = (
        (
            manager,
            municipal,
            {
                "kind": k.MONEY,
                "quantity": Decimal("45000.00"),
                "budget_line": food,
                "description": "Råvarer til 40 torsdage",
            },
        ),
        (
            chair,
            association,
            {
                "kind": k.HOURS,
                "quantity": Decimal("64"),
                "hour_rate": HOURLY_RATE,
                "description": "Frivillige kokke og værter: 8 timer hver torsdag de første 8 uger",
                "valuation_rule": (
                    "Frivillige timer til erstatningsværdien af tilsvarende ufaglært arbejde "
                    "(185 kr. i timen)"
                ),
            },
        ),
        (
            owner,
            business,
            {
                "kind": k.PREMISES,
                "quantity": Decimal("12000.00"),
                "budget_line": rooms,
                "description": "Baglokale til opbevaring og opladning af to rickshaws",
                "valuation_rule": (
                    "Markedsleje for tilsvarende lagerlokale: 1.000 kr. om måneden i 12 måneder"
                ),
            },
        ),
        (
            owner,
            business,
            {
                "kind": k.MONEY,
                "quantity": Decimal("10000.00"),
                "budget_line": food,
                "description": "Sponsorat til råvarer",
            },
        ),
    )
    groceries, _volunteers, _premises, bikes = (
        services.commit(initiative, speaker, partner=partner, **fields)
        for speaker, partner, fields in commitments
    )
    services.record_actual(
        groceries, manager, quantity=Decimal("15250.50"), reason="Råvarer de første tre måneder"
    )
    services.sign_off_commitment(bikes, admin)
    first = services.add_milestone(
        initiative,
        facilitator,
        title="Første fællesspisning",
        due_on=today - timedelta(days=60),
        description="I Himmelev Forsamlingshus.",
    )
    services.reach_milestone(first, facilitator, reached_on=today - timedelta(days=60))
    services.add_milestone(
        initiative,
        facilitator,
        title="Evaluering efter et halvt år",
        due_on=today + timedelta(days=90),
        description="Deltagere, frivillige og hjemmeplejen fortæller, hvad der virker.",
    )
    services.set_status(
        initiative,
        facilitator,
        status=Status.STARTED,
        note="Den første torsdag kom 23 gæster. Vi har fået plads til flere i Svogerslev.",
    )
    if idea is not None:
        # Linked after the status updates, and directly: the demo sends no mail to demo people.
        InitiativeIdea.objects.get_or_create(
            municipality_id=initiative.municipality_id, initiative=initiative, idea=idea
        )
        Idea.objects.filter(pk=idea.pk).update(
            outcome=Outcome.SELECTED, outcome_note="Idéen er blevet til et initiativ."
        )
