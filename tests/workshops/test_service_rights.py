"""Issue 9: steering a workshop is checked in the service itself, free text goes through the
one shared cleaning, and a phone is thanked for its answer without the server remembering it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.core.validators import CPR_MESSAGE
from samskab.reflection.models import AnonymousEntry
from samskab.workshops import services
from samskab.workshops.models import Activity, ActivityKind, LiveSession
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


def _events() -> int:
    with scopes_disabled():
        return AuditEvent.objects.count()


def test_a_citizen_may_not_steer_a_workshop(town_a, workshop):
    citizen = make_person("borger@ws.test", "Borger")
    with scopes_disabled():
        give_role(citizen, town_a.municipality, Role.CITIZEN)
        current = workshop.current_id
        activity = Activity.objects.get(pk=current)
    before = _events()
    with scope(municipality=town_a.municipality):
        for attempt in (
            lambda: services.move(workshop, citizen, step=1),
            lambda: services.set_activity_open(activity, citizen, is_open=False),
            lambda: services.set_session_open(workshop, citizen, is_open=False),
            lambda: services.move(workshop, AnonymousUser(), step=1),
        ):
            with pytest.raises(ServiceError, match="ikke adgang til at styre"):
                attempt()
    with scopes_disabled():
        fresh = LiveSession.objects.get(pk=workshop.pk)
        assert fresh.is_open and fresh.current_id == current
        assert Activity.objects.get(pk=current).is_open
    assert _events() == before


def test_the_facilitator_steers_and_it_is_audited(town_a, facilitator, workshop):
    with scope(municipality=town_a.municipality):
        services.move(workshop, facilitator, step=1)
        services.set_session_open(workshop, facilitator, is_open=False)
    with scopes_disabled():
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"workshop.moved", "workshop.closed"} <= actions


def test_a_pseudonym_or_answer_with_a_cpr_number_gets_the_shared_message(town_a, workshop):
    with scope(municipality=town_a.municipality), pytest.raises(ServiceError) as caught:
        services.join(workshop, AnonymousUser(), pseudonym="Anna 010190-1234")
    assert str(caught.value) == str(CPR_MESSAGE)
    with scope(municipality=town_a.municipality), pytest.raises(ServiceError) as caught:
        services.create_session(
            workshop.challenge, workshop.facilitator, title="   ", kinds=["stacey"]
        )
    assert str(caught.value) == "Giv workshoppen en titel."


def _join(client, workshop):
    client.post(reverse("workshops:join"), {"code": workshop.code, "pseudonym": "Anna"})
    return reverse("workshops:play", args=[workshop.code])


def _reflection(workshop) -> Activity:
    with scopes_disabled():
        activity = Activity.objects.get(session=workshop, kind=ActivityKind.REFLECTION)
        LiveSession.objects.filter(pk=workshop.pk).update(current=activity)
    return activity


@pytest.mark.parametrize("htmx", [False, True])
def test_an_anonymous_answer_is_thanked_in_a_cookie_only(client, workshop, htmx):
    play = _join(client, workshop)
    activity = _reflection(workshop)
    stored_before = dict(client.session.items())
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(
        play,
        {"activity": activity.pk, "text": "Vi lyttede.", "visibility": "anonymous"},
        headers=headers,
    )
    assert response.status_code == (204 if htmx else 302)
    with scopes_disabled():
        assert AnonymousEntry.objects.count() == 1
    # The flash travels in the browser's cookie; the server-side session is unchanged.
    assert "messages" in response.cookies
    assert dict(client.session.items()) == stored_before
    page = client.get(play).content.decode()
    assert "Tak for dit svar." in page
    assert "Vi lyttede." not in page
    # Shown once.
    assert "Tak for dit svar." not in client.get(play).content.decode()


def test_a_refused_answer_is_not_thanked(client, workshop):
    play = _join(client, workshop)
    activity = _reflection(workshop)
    response = client.post(play, {"activity": activity.pk, "text": " ", "visibility": "anonymous"})
    assert response.status_code == 400
    assert "Tak for dit svar." not in response.content.decode()
    assert "messages" not in response.cookies
