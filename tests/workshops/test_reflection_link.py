"""Issue 9, finding 1: a workshop shows a reflection room's entries only to those the room lets in,
and its big screen shows only what was written in the workshop itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.reflection import services as reflection_services
from samskab.workshops import services
from samskab.workshops.models import Activity, ActivityKind, LiveSession
from tests.conftest import give_role, make_person
from tests.workshops.conftest import open_workshop

pytestmark = pytest.mark.django_db

ROOM_SECRET = "Det her siger jeg kun i rummet."
ROOM_SHARED = "Delt i rummet med mit navn."


def _leader(town):
    """A leder who may run workshops on the challenge but is no member of its room."""
    person = make_person("leder-uden-rum@ws.test", "Lars Leder")
    with scopes_disabled():
        give_role(person, town.municipality, Role.MANAGER)
    return person


def _room_writes(town, reflection):
    """The room's own members write, outside any workshop."""
    with scope(municipality=town.municipality):
        for text, visibility in ((ROOM_SECRET, "anonymous"), (ROOM_SHARED, "shared")):
            reflection_services.write_entry(
                reflection, town.owner, prompt_index=0, text=text, visibility=visibility
            )


def test_a_leader_outside_the_room_is_not_offered_its_meeting(client, town_a, setup):
    challenge, _conversation, reflection = setup
    _room_writes(town_a, reflection)
    leader = _leader(town_a)
    client.force_login(leader)
    url = reverse("workshops:create", args=[town_a.municipality.slug, challenge.pk])
    page = client.get(url).content.decode()
    assert reflection.title not in page
    assert "intet åbent refleksionsmøde" in page
    response = client.post(url, {"title": "W", "kinds": ["stacey", "reflection"], "hours": "2"})
    assert response.status_code == 400
    assert "intet åbent refleksionsmøde" in response.content.decode()
    with scopes_disabled():
        assert not LiveSession.objects.exists()


def test_the_service_refuses_a_meeting_the_facilitator_may_not_see(town_a, setup):
    challenge, conversation, reflection = setup
    leader = _leader(town_a)
    with pytest.raises(services.ServiceError, match="intet åbent refleksionsmøde"):
        open_workshop(town_a, leader, challenge, conversation, reflection, kinds=["reflection"])
    with scopes_disabled():
        assert not LiveSession.objects.exists()


def test_a_room_member_who_leads_may_link_the_meeting(client, town_a, setup):
    challenge, conversation, reflection = setup
    leader = _leader(town_a)
    with scope(municipality=town_a.municipality):
        reflection_services.add_member(reflection.room, town_a.owner, leader, role=Role.MANAGER)
    session = open_workshop(town_a, leader, challenge, conversation, reflection)
    with scopes_disabled():
        assert Activity.objects.get(session=session, kind="reflection").reflection_session_id


def test_big_screen_shows_only_what_was_written_in_the_workshop(
    client, town_a, facilitator, workshop, setup
):
    _room_writes(town_a, setup[2])
    with scopes_disabled():
        activity = Activity.objects.select_related("session").get(
            session=workshop, kind=ActivityKind.REFLECTION
        )
        LiveSession.objects.filter(pk=workshop.pk).update(current=activity)
    with scope(municipality=town_a.municipality):
        phone = services.join(workshop, AnonymousUser(), pseudonym="Gitte")
        phone.session = workshop
        services.answer(
            activity, phone, {"text": "Skrevet i workshoppen.", "visibility": "anonymous"}
        )
    client.force_login(facilitator)
    slug = town_a.municipality.slug
    for name in ("workshops:screen_live", "workshops:screen"):
        html = client.get(reverse(name, args=[slug, workshop.pk])).content.decode()
        assert "Skrevet i workshoppen." in html
        assert ROOM_SECRET not in html and ROOM_SHARED not in html
    api = client.get(f"/api/municipalities/{town_a.municipality.code}/workshops/{workshop.pk}")
    assert api.status_code == 200 and api.json()["answers"] == 1


def test_the_service_refuses_someone_who_may_not_run_workshops(town_a, setup):
    challenge, conversation, reflection = setup
    with pytest.raises(services.ServiceError, match="ikke adgang til at holde workshops"):
        open_workshop(town_a, town_a.member, challenge, conversation, reflection, kinds=["stacey"])
    with scopes_disabled():
        assert not LiveSession.objects.exists()
