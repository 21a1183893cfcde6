"""The big screen counts each person once: a phone that joins again (the form sent twice, a new
name, the QR code scanned again) and a person on two phones are one participant each."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from samskab.workshops.models import WorkshopParticipant

pytestmark = pytest.mark.django_db


def _join(client, workshop, pseudonym):
    response = client.post(
        reverse("workshops:join"), {"code": workshop.code, "pseudonym": pseudonym}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _shown(client, workshop) -> int:
    slug = workshop.municipality.slug
    html = client.get(reverse("workshops:screen_live", args=[slug, workshop.pk])).content.decode()
    found = re.search(r"(\d+) deltagere?\b", html)
    assert found, html[:500]
    return int(found.group(1))


def test_joining_twice_from_one_phone_counts_once(client, town_a, facilitator, workshop):
    screen = client.__class__()
    screen.force_login(facilitator)
    _join(client, workshop, "Anna")
    assert _shown(screen, workshop) == 1
    _join(client, workshop, "Anna")  # the form sent again
    _join(client, workshop, "Anna B.")  # a new name on the same phone
    client.get(reverse("workshops:join") + f"?kode={workshop.code}")  # the QR code again
    assert _shown(screen, workshop) == 1
    with scopes_disabled():
        (participant,) = WorkshopParticipant.objects.filter(session=workshop)
    assert participant.pseudonym == "Anna B."


def test_four_people_joining_again_are_four(client, town_a, facilitator, workshop):
    screen = client.__class__()
    screen.force_login(facilitator)
    guests = [client.__class__() for _ in range(3)]
    for n, phone in enumerate(guests):
        _join(phone, workshop, f"Gæst {n}")
    member = client.__class__()
    member.force_login(town_a.member)
    _join(member, workshop, "Mette")
    # Two of them join again, and the logged-in person from a second phone too.
    _join(guests[0], workshop, "Gæst 0")
    _join(guests[1], workshop, "Gæst 1")
    second_phone = client.__class__()
    second_phone.force_login(town_a.member)
    _join(second_phone, workshop, "Mette")
    assert _shown(screen, workshop) == 4
    html = screen.get(
        reverse("workshops:screen", args=[workshop.municipality.slug, workshop.pk])
    ).content.decode()
    assert "4 deltagere" in html


def test_another_phones_token_is_not_taken_over(client, town_a, facilitator, workshop):
    """A browser only reuses its own participant: another session's token means nothing."""
    screen = client.__class__()
    screen.force_login(facilitator)
    _join(client, workshop, "Anna")
    other = client.__class__()
    _join(other, workshop, "Bo")
    assert _shown(screen, workshop) == 2
    with scopes_disabled():
        names = sorted(WorkshopParticipant.objects.values_list("pseudonym", flat=True))
    assert names == ["Anna", "Bo"]
