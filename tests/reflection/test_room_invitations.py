"""Inviting someone to a reflection room by email: the answer never tells whether the address
belongs to anyone, a person of another municipality is never let in, and the person invited
hears of it by mail."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.reflection import services
from samskab.reflection.models import RoomMember
from tests.conftest import make_person
from tests.reflection.conftest import make_circle, person_with_role

pytestmark = pytest.mark.django_db


def _invite(client, circle, email: str, capture) -> tuple[int, list[str]]:
    with capture(execute=True):
        response = client.post(
            circle.room.get_absolute_url() + "medlemmer/",
            {"email": email, "role": Role.EMPLOYEE.value},
            follow=True,
        )
    return response.redirect_chain[0][1], [str(m) for m in response.context["messages"]]


def _is_member(circle, person) -> bool:
    with scopes_disabled():
        return RoomMember.objects.filter(room=circle.room, person=person).exists()


def test_the_answer_is_the_same_whether_or_not_the_address_belongs_to_someone(
    towns, client, django_capture_on_commit_callbacks
):
    a, b = towns
    circle = make_circle(a)
    colleague = person_with_role(a, "kollega@kbh.test", Role.EMPLOYEE)
    elsewhere = person_with_role(b, "fremmed@aarhus.test", Role.EMPLOYEE)
    no_role = make_person("ingenrolle@test.dk")
    client.force_login(circle.facilitator)
    answers = {}
    for email in (
        "kollega@kbh.test",
        "ingen@test.dk",
        "fremmed@aarhus.test",
        "ingenrolle@test.dk",
        circle.leader.email,  # already in the room
    ):
        status, messages = _invite(
            client, circle, email.upper(), django_capture_on_commit_callbacks
        )
        assert status == 302
        # Only the address given differs between the answers.
        answers[email] = [m.replace(email, "…") for m in messages]
        assert "ingen person" not in " ".join(messages).lower()
    assert len({tuple(v) for v in answers.values()}) == 1, answers
    assert "invitation" in answers["ingen@test.dk"][0]
    assert _is_member(circle, colleague)
    assert not _is_member(circle, elsewhere)
    assert not _is_member(circle, no_role)
    # Only the colleague got a mail: nothing went to an unknown address or another municipality.
    assert [m.to for m in mail.outbox] == [["kollega@kbh.test"]]
    invitation = mail.outbox[0]
    assert circle.room.title in invitation.subject + invitation.body
    assert circle.room.get_absolute_url() in invitation.body


def test_a_person_of_another_municipality_is_never_added(towns):
    a, b = towns
    circle = make_circle(a)
    elsewhere = person_with_role(b, "fremmed@aarhus.test", Role.MANAGER)
    with scope(municipality=a.municipality), pytest.raises(services.ServiceError):
        services.add_member(circle.room, circle.facilitator, elsewhere, role=Role.MANAGER)
    assert not _is_member(circle, elsewhere)


def test_only_those_who_run_the_room_may_invite(town_a, django_capture_on_commit_callbacks):
    circle = make_circle(town_a)
    colleague = person_with_role(town_a, "kollega@kbh.test", Role.EMPLOYEE)
    with scope(municipality=town_a.municipality):
        with pytest.raises(services.ServiceError):
            services.add_member(circle.room, circle.leader, colleague, role=Role.EMPLOYEE)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ServiceError):
            services.invite_member(
                circle.room, circle.leader, email=colleague.email, role=Role.EMPLOYEE
            )
    assert not _is_member(circle, colleague)
    assert mail.outbox == []


def test_a_wrong_role_or_address_gets_a_form_error_not_a_500(town_a, client):
    circle = make_circle(town_a)
    client.force_login(circle.facilitator)
    url = circle.room.get_absolute_url() + "medlemmer/"
    for data in ({"email": "ikke en adresse", "role": "medarbejder"}, {"email": "a@b.dk"}):
        response = client.post(url, data)
        assert response.status_code == 400
