"""The daily digest tells each person only what they may see on the day it is sent, and costs
the same number of queries however many people and challenges it covers."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from samskab.accounts.models import Membership, Role
from samskab.challenges.digest import compose_digests, send_digests
from samskab.challenges.models import Challenge, Comment
from samskab.initiatives.models import Initiative, InitiativeIdea, Update
from tests.challenges.conftest import add_idea
from tests.complexity.conftest import make_challenge
from tests.conftest import give_role, make_person
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

STAFF_TITLE = "Intern omlægning af hjemmeplejens ruter"


def _mail_to(person) -> list[str]:
    return [m.body for m in mail.outbox if m.to == [person.email]]


def test_a_person_who_lost_the_staff_role_no_longer_hears_of_a_staff_only_challenge(town_a):
    staff_only = make_challenge(town_a, space=town_a.staff_space, title=STAFF_TITLE)
    former = make_person("tidligere@kbh.test", "Tidligere medarbejder")
    with scopes_disabled():
        give_role(former, town_a.municipality, Role.EMPLOYEE)
    add_idea(staff_only, former, "Min gamle idé")
    add_idea(staff_only, town_a.member, "Kollegaens idé")
    with scopes_disabled():
        Membership.objects.filter(person=former).delete()
        Comment.objects.create(
            municipality=town_a.municipality,
            idea=add_idea(staff_only, town_a.owner, "Ejerens idé"),
            author=town_a.owner,
            body="Vi prøver det.",
        )
    send_digests()
    # The colleague who still works there hears of it, so the news is real …
    assert any(STAFF_TITLE in body for body in _mail_to(town_a.member))
    # … and the one who left does not, not even the title.
    assert not any(STAFF_TITLE in body for body in _mail_to(former))


def test_a_challenge_awaiting_approval_stays_out_of_a_citizens_digest(town_a):
    published = make_challenge(town_a, title="Hvor skal regnvandet hen?")
    citizen = make_person("karen@borger.test", "Karen")
    with scopes_disabled():
        give_role(citizen, town_a.municipality, Role.CITIZEN)
    add_idea(published, citizen, "Regnbede")
    add_idea(published, town_a.member, "Grønne tage")
    with scopes_disabled():
        published.status = "pending"
        published.save(update_fields=["status"])
    send_digests()
    assert not any("regnvandet" in body for body in _mail_to(citizen))


def _world(town, people: int, challenges: int, prefix: str) -> None:
    """`people` participants, each taking part in `challenges` challenges (public and staff-only)
    where someone else wrote something new, and an initiative carrying their ideas there whose
    status changed."""
    participants = []
    for k in range(people):
        person = make_person(f"{prefix}{k}@kbh.test", f"Deltager {k}")
        with scopes_disabled():
            give_role(person, town.municipality, Role.EMPLOYEE)
        participants.append(person)
    for k in range(challenges):
        space = town.staff_space if k % 2 else town.public_space
        challenge = make_challenge(town, space=space, title=f"Udfordring {k}")
        news = add_idea(challenge, town.owner, f"Nyt {k}")
        with scopes_disabled():
            initiative = Initiative.objects.create(
                municipality=town.municipality,
                space=space,
                challenge=challenge,
                title=f"Tiltag {k}",
            )
            Update.objects.create(
                municipality=town.municipality,
                initiative=initiative,
                status="started",
                progress=25,
                by=town.owner,
            )
        for person in participants:
            idea = add_idea(challenge, person, f"Idé {k}")
            with scopes_disabled():
                InitiativeIdea.objects.create(
                    municipality=town.municipality, initiative=initiative, idea=idea
                )
            with scopes_disabled():
                Comment.objects.create(
                    municipality=town.municipality, idea=news, author=person, body="Godt."
                )


def _compose_queries(town, people: int, challenges: int, prefix: str) -> tuple[int, int]:
    _world(town, people, challenges, prefix)
    queries, digests = count_queries(compose_digests)
    # Every participant hears of the initiatives too, so their section is counted.
    assert all(
        "Tiltag" in digest.body for digest in digests if digest.person.email.startswith(prefix)
    )
    return queries, len(digests)


@pytest.mark.parametrize(("people", "challenges"), [(12, 2), (2, 12)])
def test_the_digest_costs_the_same_queries_for_more_people_or_challenges(
    town_a, people, challenges
):
    small, sent_small = _compose_queries(town_a, 2, 2, "small")
    with scopes_disabled():
        Initiative.objects.all().delete()
        Challenge.objects.all().delete()
    large, sent_large = _compose_queries(town_a, people, challenges, "large")
    assert sent_small >= 2 and sent_large >= 2
    assert large == small, f"{small} queries for 2 × 2, {large} for {people} × {challenges}"
