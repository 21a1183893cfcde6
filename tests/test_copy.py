"""Copy a person reads: counts in the right number, no doubled words or signs, plain sentences,
one spelling, and the real reason when the phase has closed (issue 12, "Copy")."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenges
from samskab.challenges.phases import Phase
from samskab.complexity import services as complexity
from samskab.reflection import services as reflection
from tests.conftest import give_role, make_person
from tests.helpers import assert_flat_query_count
from tests.reflection.conftest import make_circle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def person(town, email, role=Role.CITIZEN):
    found = make_person(email, email.split("@")[0].title())
    with scopes_disabled():
        give_role(found, town.municipality, role)
    return found


@pytest.fixture
def challenge(town_a):
    with scope(municipality=town_a.municipality):
        return challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Hvordan får vi flere med?", description="…"
        )


def today() -> str:
    return date_format(timezone.localdate(), "j. F Y")


# --- counts --------------------------------------------------------------------------------


def test_support_counts_read_right_in_singular_and_plural(client, town_a, challenge):
    author = person(town_a, "forfatter@kbh.test")
    with scope(municipality=town_a.municipality):
        one = challenges.submit_idea(challenge, author, title="Én støtte", body="Sådan gør vi.")
        three = challenges.submit_idea(challenge, author, title="Tre støtter", body="Sådan.")
        for k in range(3):
            fan = person(town_a, f"fan{k}@kbh.test")
            challenges.support(three, fan)
            if k == 0:
                challenges.support(one, fan)
    html = main(client.get(challenge.get_absolute_url()))
    assert "1 person støtter" in html
    assert "3 personer støtter" in html
    assert "1 støtter" not in html


# --- complexity ------------------------------------------------------------------------------


def test_a_question_title_gets_no_second_question_mark(client, town_a, challenge):
    client.force_login(town_a.owner)
    html = main(client.get(challenge.get_absolute_url() + "kompleksitet/"))
    assert "?«?" not in html
    assert "Hvor kompleks er udfordringen?" in html
    assert "»Hvordan får vi flere med?«" in html


def test_the_zone_limits_are_said_in_plain_danish(client, town_a, challenge):
    rater = person(town_a, "rater@kbh.test")
    with scope(municipality=town_a.municipality):
        round_ = complexity.open_round(challenge, town_a.owner)
        complexity.rate(round_, rater, agreement=3, certainty=3, role=Role.CITIZEN)
    client.force_login(town_a.owner)
    html = main(client.get(round_.get_absolute_url()))
    assert "Grænser i denne kommune" not in html
    assert "Ved 70 % eller mere er I enige (eller sikre)." in html
    assert "Er både enighed og sikkerhed under 30 %, kalder vi det kaos." in html


# --- reflection ------------------------------------------------------------------------------


def test_a_facilitators_role_is_not_said_twice(client, town_a):
    circle = make_circle(town_a)
    client.force_login(circle.facilitator)
    html = main(client.get(circle.room.get_absolute_url()))
    assert "Facilitator (facilitator)" not in html
    assert f"{circle.facilitator.public_name} – Facilitator<" in html
    # A facilitator of the room holding another role is still shown as leading it.
    with scope(municipality=town_a.municipality):
        member = circle.room.members.get(person=circle.leader)
        member.is_facilitator = True
        member.save()
    html = main(client.get(circle.room.get_absolute_url()))
    assert "Leder, leder møderne i rummet" in html or "leder møderne i rummet" in html


def test_one_spelling_of_inviter(client, town_a):
    circle = make_circle(town_a)
    client.force_login(circle.facilitator)
    room = main(client.get(circle.room.get_absolute_url()))
    assert "Invitér" not in room and "Inviter en person" in room
    client.force_login(town_a.owner)
    space = town_a.public_space
    page = main(client.get(f"/kommuner/{town_a.municipality.slug}/rum/{space.slug}/inviter/"))
    assert "Invitér" not in page and "Inviter en person" in page


def test_the_room_list_counts_every_member(client, town_a):
    circle = make_circle(town_a)
    with scope(municipality=town_a.municipality):
        n = circle.room.members.count()
    assert n == 5
    # A member (not a facilitator, who sees every room) sees the room's real size.
    client.force_login(circle.leader)
    html = main(client.get(f"/kommuner/{town_a.municipality.slug}/refleksion/"))
    assert f"<td>{n}</td>" in html
    assert "<td>1</td>" not in html


def test_the_room_list_query_count_is_flat(client, town_a):
    circle = make_circle(town_a)
    url = f"/kommuner/{town_a.municipality.slug}/refleksion/"
    client.force_login(circle.leader)

    def fetch():
        assert client.get(url).status_code == 200

    made = [0]

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for _k in range(n):
                made[0] += 1
                room = reflection.create_room(
                    town_a.municipality,
                    circle.facilitator,
                    title=f"Rum {made[0]}",
                    movement=town_a.public_space.movement,
                )
                reflection.add_member(room, circle.facilitator, circle.leader, role=Role.MANAGER)

    assert_flat_query_count(fetch, add, more=5)


# --- the phase has closed: say so, and since when --------------------------------------------


def test_proposing_an_idea_after_the_idea_phase_says_it_closed_and_when(client, town_a, challenge):
    citizen = person(town_a, "sen@kbh.test")
    with scope(municipality=town_a.municipality):
        challenges.set_phase(challenge, town_a.owner, Phase.PRIORITISATION)
    client.force_login(citizen)
    url = challenge.get_absolute_url() + "ny-ide/"
    for response in (client.get(url), client.post(url, {"title": "For sent", "body": "Ak."})):
        assert response.status_code == 403
        html = main(response)
        assert "Du har ikke lov til at gøre dette" not in html
        assert f"Idéfasen sluttede den {today()}, så der kan ikke længere komme nye idéer." in html
    # The challenge page says it where the button was.
    assert "så der kan ikke længere komme nye idéer" in main(
        client.get(challenge.get_absolute_url())
    )
    # The API too.
    api = f"/api/municipalities/{town_a.municipality.code}/challenges/{challenge.pk}/ideas"
    answer = client.post(
        api, {"title": "For sent her", "body": "Alt for sent."}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert f"Idéfasen sluttede den {today()}" in answer.json()["detail"]


def test_support_after_the_prioritisation_says_it_closed(client, town_a, challenge):
    author, fan = person(town_a, "a@kbh.test"), person(town_a, "b@kbh.test")
    with scope(municipality=town_a.municipality):
        idea = challenges.submit_idea(challenge, author, title="Bænke ved åen", body="Til hvil.")
        challenges.set_phase(challenge, town_a.owner, Phase.PRIORITISATION)
        challenges.set_phase(challenge, town_a.owner, Phase.DECISION)
    client.force_login(fan)
    response = client.post(idea.get_absolute_url() + "stoet/", follow=True)
    html = response.content.decode()
    assert f"Prioriteringen sluttede den {today()}, så støtten kan ikke længere ændres." in html


def test_comparing_before_and_after_the_prioritisation_says_why(client, town_a, challenge):
    citizen = person(town_a, "c@kbh.test")
    client.force_login(citizen)
    url = challenge.get_absolute_url() + "sammenlign/"
    early = client.get(url)
    assert early.status_code == 403
    assert "Den parvise sammenligning er ikke begyndt endnu." in main(early)
    with scope(municipality=town_a.municipality):
        challenges.set_phase(challenge, town_a.owner, Phase.PRIORITISATION)
        challenges.set_phase(challenge, town_a.owner, Phase.DECISION)
    late = client.get(url)
    assert late.status_code == 403
    assert f"Prioriteringen sluttede den {today()}" in main(late)
