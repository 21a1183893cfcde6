"""Demo content for the opinion map: a conversation about loneliness among the elderly.

Sixty synthetic participants (not people who can log in: participants without a person, like
imported Pol.is ones) vote from three points of view, so the map shows groups and the roles
differ. Running it again changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from samskab.accounts.models import Role
from samskab.opinions import services
from samskab.opinions.models import ModerationMode, Participant, Vote, VoteEvent

SPACE = "Ensomhed blandt ældre"
TITLE = "Hvordan bryder vi ensomheden blandt ældre?"
QUESTION = (
    "Tag stilling til udsagnene: enig, uenig eller spring over. Skriv gerne dit eget udsagn. "
    "Meningskortet viser bagefter, hvor vi er enige, og hvor vi ser forskelligt på det."
)

# text, stance of the three points of view (A: fællesskab og frivillige, B: velfærd og faglighed,
# C: økonomi og eget ansvar): +1 agree, -1 disagree, 0 divided.
STATEMENTS: list[tuple[str, tuple[int, int, int]]] = [
    ("Ensomhed blandt ældre er et fælles ansvar – ikke kun kommunens.", (1, 1, 1)),
    (
        "Hjemmeplejen skal have tid til en kop kaffe og en snak, ikke kun til opgaverne.",
        (1, 1, -1),
    ),
    ("Frivillige foreninger gør mere mod ensomhed, end kommunen kan.", (1, -1, 0)),
    (
        "Kommunen bør betale for en fast besøgsven til alle over 80, der ønsker det.",
        (0, 1, -1),
    ),
    ("Biblioteker og butikker kan blive mødesteder, fx med fællesspisning.", (1, 1, 1)),
    ("Ældre må selv sige til, hvis de føler sig ensomme.", (-1, -1, 1)),
    ("Naboer bør holde øje med hinanden, fx med en nabokaffe hver måned.", (1, 0, 1)),
    ("Videoopkald kan aldrig erstatte et rigtigt besøg.", (1, 1, 0)),
    ("Pengene gør mere gavn i hjemmeplejen end i nye projekter.", (-1, 1, 1)),
    ("Unge og ældre bør mødes mere, fx gennem skoler og klubber.", (1, 1, 0)),
    ("Kommunen skal måle ensomhed hvert år, så vi kan se, om indsatsen virker.", (-1, 1, 1)),
    ("De ensomme er svære at finde – de kommer ikke selv til arrangementer.", (1, 1, 1)),
]

# point of view, declared role, how many
PARTICIPANTS: list[tuple[int, str, int]] = [
    (0, Role.CITIZEN, 14),
    (0, Role.ASSOCIATION, 6),
    (1, Role.EMPLOYEE, 12),
    (1, Role.CITIZEN, 4),
    (1, Role.MANAGER, 2),
    (2, Role.COUNCIL_MEMBER, 7),
    (2, Role.CITIZEN, 10),
    (2, Role.MANAGER, 3),
    (0, Role.COUNCIL_MEMBER, 2),
]


def _value(rng: random.Random, stance: int) -> int:
    roll = rng.random()
    if stance == 0:
        return 1 if roll < 0.4 else (-1 if roll < 0.8 else 0)
    if roll < 0.8:
        return stance
    return -stance if roll < 0.92 else 0


def load_opinions_demo(demo: Any) -> None:
    """The demo extension (registered in OpinionsConfig.ready)."""
    space = demo.spaces.get(SPACE)
    if space is None or space.conversations.filter(title=TITLE).exists():
        return
    facilitator = demo.people.get(Role.FACILITATOR)
    conversation = services.create_conversation(
        space,
        facilitator,
        title=TITLE,
        question=QUESTION,
        moderation_mode=ModerationMode.POST,
        statements=[text for text, _stance in STATEMENTS],
    )
    statements = list(conversation.statements.order_by("id"))
    rng = random.Random(2026)  # noqa: S311 - synthetic demo data, reproducible
    municipality_id = conversation.municipality_id
    participants: list[tuple[Participant, int]] = []
    n = 0
    for view, role, count in PARTICIPANTS:
        for _ in range(count):
            n += 1
            participants.append(
                (
                    Participant(
                        municipality_id=municipality_id,
                        conversation=conversation,
                        external_id=f"demo-{n}",
                        role=role,
                    ),
                    view,
                )
            )
    created = Participant.objects.bulk_create([p for p, _view in participants])
    start = timezone.now() - timedelta(days=6)
    votes: list[Vote] = []
    events: list[VoteEvent] = []
    for participant, (_p, view) in zip(created, participants, strict=True):
        chosen = rng.sample(range(len(statements)), k=rng.randint(8, len(statements)))
        for j in sorted(chosen):
            when = start + timedelta(minutes=rng.randint(0, 6 * 24 * 60))
            value = _value(rng, STATEMENTS[j][1][view])
            fields = {
                "municipality_id": municipality_id,
                "conversation": conversation,
                "statement": statements[j],
                "participant": participant,
                "value": value,
                "role": participant.role,
                "created_at": when,
            }
            votes.append(Vote(**fields))
            events.append(VoteEvent(**fields))
    Vote.objects.bulk_create(votes)
    VoteEvent.objects.bulk_create(events)
    services.recompute(conversation)
