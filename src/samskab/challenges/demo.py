"""Demo content for challenges: real-sounding ideas, support, threads and pairwise votes."""

from __future__ import annotations

import random

from samskab.accounts.models import Role
from samskab.challenges import services
from samskab.challenges.models import Challenge, Comment, Comparison, Idea, Support
from samskab.challenges.phases import Phase
from samskab.challenges.ranking import compute_ranking

ELDERLY_IDEAS = [
    (
        "Spisefællesskaber i forsamlingshusene",
        "Et fast måltid hver uge, hvor ældre og frivillige laver mad og spiser sammen. Kommunen kunne betale råvarerne det første år.",
        Role.ASSOCIATION,
    ),
    (
        "Gå-makkere fra nabolaget",
        "Naboer melder sig som gå-makker og tager en ældre med på en tur én gang om ugen. Hjemmeplejen kan hjælpe med at skabe kontakten.",
        Role.CITIZEN,
    ),
    (
        "Cykling uden alder fra plejecentrene",
        "Frivillige kører ældre ture i rickshaw. Vi har allerede to cykler, men mangler piloter og et sted at parkere dem.",
        Role.BUSINESS,
    ),
    (
        "Besøgsvenner fra gymnasiet",
        "Elever på gymnasiet kunne få en besøgsven som en del af et valgfag – begge parter lærer noget.",
        Role.EMPLOYEE,
    ),
    (
        "Telefonkæde om morgenen",
        "Ældre, der bor alene, ringer til hinanden hver morgen. Det er billigt og giver tryghed.",
        Role.CITIZEN,
    ),
    (
        "Åbne værksteder på biblioteket",
        "Biblioteket åbner værksteder for reparation, strik og it-hjælp, hvor unge og ældre mødes om noget konkret.",
        Role.MANAGER,
    ),
    (
        "Hjemmeplejen spotter ensomhed",
        "Medarbejderne i hjemmeplejen får et kort forløb i at spotte ensomhed og ved, hvor de kan henvise til fællesskaber.",
        Role.EMPLOYEE,
    ),
    (
        "Fællesspisning med flygtningefamilier",
        "Ældre og nye familier i byen laver mad fra hver deres køkken – to grupper, der begge savner netværk.",
        Role.ASSOCIATION,
    ),
]
CLIMATE_IDEAS = [
    (
        "Regnbede i villavejene",
        "Grundejerforeninger kan anlægge regnbede med kommunens hjælp, så vandet bliver på vejen i stedet for i kælderen.",
        Role.CITIZEN,
    ),
    (
        "Skybrudsplads ved skolen",
        "Skolegården kan sænkes, så den samler vand ved skybrud og er en skaterbane resten af året.",
        Role.MANAGER,
    ),
    (
        "Grønne tage på kommunens bygninger",
        "Start med kommunens egne tage: de holder på regnvandet og giver bedre indeklima.",
        Role.BUSINESS,
    ),
]
YOUTH_IDEAS = [
    (
        "Gratis prøvetimer i alle klubber",
        "Alle foreninger tilbyder tre gratis prøvetimer til unge, der ikke går til noget.",
        Role.ASSOCIATION,
    ),
    (
        "Et sted at være uden at skulle noget",
        "Vi mangler et varmt sted om aftenen, hvor man bare kan hænge ud med vennerne.",
        Role.CITIZEN,
    ),
]
COMMENTS = [
    "Godt forslag! Vi har prøvet noget lignende i vores afdeling, og det virkede.",
    "Hvem skal stå for det, når de første frivillige stopper?",
    "Det kan vores forening godt hjælpe med.",
    "Jeg tror, det er vigtigt at spørge de ældre selv, hvad de har lyst til.",
]


def _challenge(space, actor, title, description, phase, ideas, people) -> Challenge:
    existing = Challenge.objects.filter(space=space, title=title).first()
    if existing is not None:
        return existing
    challenge = services.pose_challenge(space, actor, title=title, description=description)
    for idea_title, body, role in ideas:
        Idea.objects.create(
            municipality=space.municipality,
            challenge=challenge,
            author=people[role],
            title=idea_title,
            body=body,
        )
    challenge.phase = phase
    challenge.save(update_fields=["phase"])
    return challenge


def add_demo(demo) -> None:  # type: ignore[no-untyped-def]
    people = demo.people
    spaces = demo.spaces
    facilitator = people[Role.FACILITATOR]
    if not Challenge.objects.filter(
        space__movement=demo.movement, title=str(services.MAYOR_QUESTION)
    ).exists():
        services.start_with_mayor_question(demo.movement, people[Role.MAYOR])
    elderly = _challenge(
        spaces["Ensomhed blandt ældre"],
        facilitator,
        "Hvordan kan vi sammen skabe flere gode fællesskaber for ældre, der føler sig alene?",
        "Vi vil gerne høre fra alle: ældre, pårørende, naboer, foreninger, butikker og "
        "medarbejdere. **Hvad skal der til**, og hvem kan være med?",
        Phase.PRIORITISATION,
        ELDERLY_IDEAS,
        people,
    )
    _challenge(
        spaces["Klimatilpasning i byen"],
        facilitator,
        "Hvor skal regnvandet hen, når skybruddet kommer?",
        "Kommunen kan ikke løse det alene. Hvad kan grundejere, virksomheder og foreninger gøre?",
        Phase.IDEAS,
        CLIMATE_IDEAS,
        people,
    )
    _challenge(
        spaces["Unges fritid"],
        facilitator,
        "Hvad ville få dig til at gå til noget i din fritid?",
        "Vi spørger de unge selv – og alle, der kender dem.",
        Phase.IDEAS,
        YOUTH_IDEAS,
        people,
    )
    ideas = list(Idea.objects.filter(challenge=elderly).order_by("pk"))
    if not Support.objects.filter(idea__challenge=elderly).exists():
        rng = random.Random(7)  # noqa: S311 - demo data, not security
        for person in people.values():
            # Nobody supports their own idea.
            others = [i for i in ideas if i.author_id != person.pk]
            for idea in rng.sample(others, 3):
                Support.objects.create(municipality=elderly.municipality, idea=idea, person=person)
        for idea in ideas:
            idea.support_count = idea.supports.count()
            idea.save(update_fields=["support_count"])
        first = None
        for n, text in enumerate(COMMENTS):
            author = list(people.values())[n + 1]
            comment = Comment.objects.create(
                municipality=elderly.municipality,
                idea=ideas[0],
                author=author,
                body=text,
                parent=first if n == 1 else None,
            )
            first = first or comment
        ideas[0].comment_count = len(COMMENTS)
        ideas[0].save(update_fields=["comment_count"])
        # Pairwise votes from every demo person: a believable order with some noise.
        strength = {idea.pk: len(ideas) - i for i, idea in enumerate(ideas)}
        for person in people.values():
            answered: set[frozenset[int]] = set()
            for _ in range(12):
                left, right = rng.sample(ideas, 2)
                # One vote per person per pair (a database constraint): skip a repeated draw.
                if frozenset((left.pk, right.pk)) in answered:
                    rng.random()  # keep the draws that follow as they were
                    continue
                answered.add(frozenset((left.pk, right.pk)))
                p_left = strength[left.pk] / (strength[left.pk] + strength[right.pk])
                choice = "left" if rng.random() < p_left else "right"
                Comparison.objects.create(
                    municipality=elderly.municipality,
                    challenge=elderly,
                    person=person,
                    left=left,
                    right=right,
                    choice=choice,
                )
    compute_ranking(elderly)
