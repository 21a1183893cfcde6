"""The demo's council report: the elderly challenge gets what a complete report tells — two
rounds of complexity assessment that move, and a learning its reflection room chose to share —
through the other apps' own services (registered in ReportsConfig.ready; safe to run twice).
"""

from __future__ import annotations

from typing import Any

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.complexity import services as complexity
from samskab.reflection import services as reflection

ELDERLY = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"

# (role, [(agreement, certainty) in round 1, in round 2]): after the first meetings people
# agree more on what to do and are surer of what works, so the challenge moves in the matrix.
ROUNDS: list[tuple[Role, list[tuple[int, int]]]] = [
    (Role.CITIZEN, [(2, 2), (4, 4)]),
    (Role.ASSOCIATION, [(2, 1), (5, 4)]),
    (Role.BUSINESS, [(3, 2), (4, 4)]),
    (Role.EMPLOYEE, [(2, 2), (4, 5)]),
    (Role.MANAGER, [(3, 2), (5, 4)]),
    (Role.COUNCIL_MEMBER, [(2, 2), (4, 4)]),
    (Role.MAYOR, [(3, 1), (4, 4)]),
]


def load_reports_demo(demo: Any) -> None:
    facilitator = demo.people[Role.FACILITATOR]
    found = [
        c
        for c in challenges.open_challenges(facilitator, demo.municipality, limit=200)
        if c.title == ELDERLY
    ]
    if not found:
        return
    challenge = found[0]
    # Only on a challenge no one has assessed yet: a round someone else opened (the workshop's)
    # is left as it is.
    if not complexity.assessments_for_challenge(challenge, facilitator):
        for number in (0, 1):
            round_ = complexity.open_round(challenge, facilitator)
            for role, answers in ROUNDS:
                agreement, certainty = answers[number]
                complexity.rate(
                    round_,
                    demo.people[role],
                    agreement=agreement,
                    certainty=certainty,
                    role=role.value,
                )
    rooms = reflection.rooms_for_challenge(challenge, facilitator)
    if rooms and not reflection.learnings_for_challenge(challenge, facilitator):
        reflection.create_learning(
            demo.municipality,
            facilitator,
            title="Fællesspisning virker bedst, når nogen henter dem, der ikke selv kommer",
            text=(
                "Hjemmeplejen kender dem, der sidder alene. Når en nabo eller frivillig følger "
                "med første gang, kommer de igen."
            ),
            tags=["ældre", "fællesskab", "frivillige"],
            context=f"Refleksionsrummet »{rooms[0].title}« i Roskilde",
            room=rooms[0],
        )
