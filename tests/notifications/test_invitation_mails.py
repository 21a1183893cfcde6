"""Invitations to a space and to a reflection room go out the one way every notice does: a mail
signed with the municipality's and Samskab's name, a working link to what it is about, in the
invited person's language, and an entry in their in-app list."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.municipalities import services as municipality_services
from samskab.reflection import services as reflection_services
from tests.reflection.conftest import make_circle, person_with_role

pytestmark = pytest.mark.django_db

INBOX = "/konto/notifikationer/"


def _link_in(body: str) -> str:
    links = re.findall(re.escape(settings.SITE_URL) + r"(/\S*)", body)
    assert links, body
    return links[0]


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _check_mail(message, person, municipality_name: str, title: str) -> str:
    assert message.to == [person.email]
    assert title in message.subject
    assert municipality_name in message.body
    assert "Samskab" in message.body
    # The link is the first address on this site in the mail (the unsubscribe link comes last).
    path = _link_in(message.body.split("\n-- \n")[0])
    assert _client(person).get(path).status_code == 200
    return path


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_space_invitation_is_signed_links_to_the_space_and_is_in_my_list(
    town_a, language, django_capture_on_commit_callbacks
):
    guest = town_a.outsider
    guest.language = language
    guest.save(update_fields=["language"])
    space = town_a.invite_space
    with scope(municipality=town_a.municipality), django_capture_on_commit_callbacks(execute=True):
        municipality_services.invite_to_space(space, town_a.owner, email=guest.email)
    [message] = mail.outbox
    path = _check_mail(message, guest, town_a.municipality.name, space.title)
    assert path == space.get_absolute_url()
    if language == "en":
        assert message.subject.startswith("You are invited to")
        assert "Hello " in message.body and "Kind regards" in message.body
        assert "Du er" not in message.body
    else:
        assert message.subject.startswith("Du er inviteret til")
        assert "Venlig hilsen" in message.body
    inbox = _client(guest).get(INBOX).content.decode()
    assert space.title in inbox
    assert f'href="{path}"' in inbox


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_room_invitation_is_signed_links_to_the_room_and_is_in_my_list(
    town_a, language, django_capture_on_commit_callbacks
):
    circle = make_circle(town_a)
    colleague = person_with_role(town_a, "kollega@kbh.test", Role.EMPLOYEE)
    colleague.language = language
    colleague.save(update_fields=["language"])
    room = circle.room
    with scope(municipality=town_a.municipality), django_capture_on_commit_callbacks(execute=True):
        reflection_services.invite_member(
            room, circle.facilitator, email=colleague.email, role=Role.EMPLOYEE
        )
    [message] = mail.outbox
    path = _check_mail(message, colleague, town_a.municipality.name, room.title)
    assert path == room.get_absolute_url()
    assert circle.facilitator.public_name in message.body
    if language == "en":
        assert "has invited you to the reflection room" in message.body
        assert "Kind regards" in message.body
    else:
        assert "har inviteret dig til refleksionsrummet" in message.body
    inbox = _client(colleague).get(INBOX).content.decode()
    assert room.title in inbox
    assert f'href="{path}"' in inbox


def test_no_invitation_leaves_no_entry_for_an_unknown_or_foreign_address(
    towns, django_capture_on_commit_callbacks
):
    a, b = towns
    circle = make_circle(a)
    elsewhere = person_with_role(b, "fremmed@aarhus.test", Role.EMPLOYEE)
    with scope(municipality=a.municipality), django_capture_on_commit_callbacks(execute=True):
        reflection_services.invite_member(
            circle.room, circle.facilitator, email=elsewhere.email, role=Role.EMPLOYEE
        )
    assert mail.outbox == []
    assert circle.room.title not in _client(elsewhere).get(INBOX).content.decode()
