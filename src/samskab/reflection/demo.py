"""Demo: a reflection room for leaders, employees, politicians and an invited citizen, one
session after the Stacey prompts with private, shared and anonymous entries, and a learning
shared with every municipality after its authors said yes."""

from __future__ import annotations

from typing import Any

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge
from samskab.reflection import services
from samskab.reflection.models import ReflectionTemplate, Room, Visibility
from samskab.reflection.seed import seed_templates

ROOM = "Ledelse i samskabelse"
ELDERLY = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"

ENTRIES: list[tuple[Role, int, str, str]] = [
    (
        Role.MANAGER,
        0,
        "Jeg besluttede selv, hvilke foreninger vi inviterede. Jeg ville gerne have styr på "
        "mødet, fordi budgettet var stramt.",
        Visibility.PRIVATE,
    ),
    (
        Role.MANAGER,
        1,
        "Hjemmeplejens medarbejdere var ikke med i starten, selv om de kender de ældre bedst.",
        Visibility.SHARED,
    ),
    (
        Role.EMPLOYEE,
        3,
        "Det overraskede mig, hvor mange naboer der gerne ville hjælpe, når de blev spurgt "
        "direkte.",
        Visibility.SHARED,
    ),
    (
        Role.COUNCIL_MEMBER,
        2,
        "Vi politikere talte for meget på det første møde. Borgerne blev stille.",
        Visibility.SHARED,
    ),
    (
        Role.CITIZEN,
        1,
        "Jeg følte, at beslutningerne var truffet, før vi kom.",
        Visibility.ANONYMOUS,
    ),
]


def load_reflection_demo(demo: Any) -> None:
    seed_templates(ReflectionTemplate)
    if Room.objects.filter(municipality=demo.municipality, title=ROOM).exists():
        return
    people = demo.people
    facilitator = people[Role.FACILITATOR]
    room = services.create_room(
        demo.municipality,
        facilitator,
        title=ROOM,
        purpose=(
            "Et rum, hvor ledere, medarbejdere, politikere og borgere tænker over, hvad vi gjorde "
            "i samskabelsen, hvorfor – og hvad der overraskede os."
        ),
        movement=demo.movement,
        role=Role.FACILITATOR,
    )
    for role in (Role.MANAGER, Role.EMPLOYEE, Role.COUNCIL_MEMBER, Role.MAYOR, Role.CITIZEN):
        services.add_member(room, facilitator, people[role], role=role)
    template = services.get_template(demo.municipality, "stacey")
    session = services.start_session(
        room, facilitator, template=template, title="Efter det første borgermøde"
    )
    shared = []
    for role, prompt, text, visibility in ENTRIES:
        entry = services.write_entry(
            session, people[role], prompt_index=prompt, text=text, visibility=visibility
        )
        if visibility == Visibility.SHARED:
            shared.append(entry)
    learning = services.create_learning(
        demo.municipality,
        facilitator,
        title="Inviter dem, der kender borgerne bedst, fra første møde",
        text=(
            "Når medarbejdere tæt på borgerne er med fra starten, kommer naboer og frivillige "
            "hurtigere i gang. Lad politikerne lytte mere, end de taler, på første møde."
        ),
        tags=["ældre", "inddragelse", "frivillige", "første møde"],
        context=f"Refleksionsrummet »{ROOM}« i Roskilde",
        room=room,
        source_entries=shared[:2],
    )
    services.ask_consent(learning, facilitator)
    for author in learning.authors.select_related("person"):
        services.answer_consent(learning, author.person, give=True)
    services.publish_learning(learning, facilitator)
    elderly = Challenge.objects.filter(space__movement=demo.movement, title=ELDERLY).first()
    if elderly is not None:
        other = services.create_room(
            demo.municipality,
            facilitator,
            title="Refleksion: fællesskaber for ældre",
            purpose="Hvad lærer vi, mens vi arbejder med udfordringen?",
            challenge=elderly,
            role=Role.FACILITATOR,
        )
        services.add_member(other, facilitator, people[Role.EMPLOYEE], role=Role.EMPLOYEE)
        services.add_member(other, facilitator, people[Role.MANAGER], role=Role.MANAGER)
