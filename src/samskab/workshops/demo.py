"""Demo: an open workshop on the elderly challenge, with all four activities, that anyone can
join at /deltag/ with the code `AEKDR7` (DEMO_CODE) and run as facilitator@demo.samskab.dk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge, Phase
from samskab.opinions.models import Conversation
from samskab.reflection import services as reflection_services
from samskab.workshops import services
from samskab.workshops.models import ActivityKind, LiveSession

# Only letters and digits of the unambiguous alphabet (models.CODE_ALPHABET).
DEMO_CODE = "AEKDR7"
CHALLENGE = "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?"
CONVERSATION = "Hvordan bryder vi ensomheden blandt ældre?"
ROOM = "Refleksion: fællesskaber for ældre"


def load_workshop_demo(demo: Any) -> None:
    found = LiveSession.objects.filter(municipality=demo.municipality, code=DEMO_CODE).first()
    if found is not None:
        # Running the demo again keeps the workshop open for another year.
        LiveSession.objects.filter(pk=found.pk).update(
            expires_at=timezone.now() + timedelta(days=365)
        )
        return
    challenge = Challenge.objects.filter(space__movement=demo.movement, title=CHALLENGE).first()
    if challenge is None:
        return
    facilitator = demo.people[Role.FACILITATOR]
    kinds = [ActivityKind.STACEY.value]
    conversation = Conversation.objects.filter(
        municipality=demo.municipality, title=CONVERSATION, is_open=True
    ).first()
    if conversation is not None:
        kinds.append(ActivityKind.STATEMENTS.value)
    if challenge.phase == Phase.PRIORITISATION:
        kinds.append(ActivityKind.PAIRWISE.value)
    reflection = reflection_services.workshop_session_for(challenge, facilitator)
    if reflection is None:
        rooms = reflection_services.rooms_for_challenge(challenge, facilitator)
        room = next((r for r in rooms if r.title == ROOM), None)
        template = reflection_services.get_template(demo.municipality, "stacey")
        if room is not None and template is not None:
            reflection = reflection_services.start_session(
                room, facilitator, template=template, title="Workshop i Medborgerhuset"
            )
            reflection.room = room
    if reflection is not None:
        kinds.append(ActivityKind.REFLECTION.value)
    session = services.create_session(
        challenge,
        facilitator,
        title="Workshop: fællesskaber for ældre",
        kinds=kinds,
        allow_anonymous=True,
        conversation=conversation,
        reflection_session=reflection,
        code=DEMO_CODE,
    )
    LiveSession.objects.filter(pk=session.pk).update(
        expires_at=timezone.now() + timedelta(days=365)
    )
