"""A space's page and a person's profile cost the same queries however much they list."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.challenges import services as challenge_services
from samskab.municipalities.models import Municipality
from samskab.opinions import services as opinion_services
from tests.conftest import give_role
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def test_space_page_is_flat_in_challenges_and_conversations(town_a, client):
    space = town_a.public_space
    counter = iter(range(1000))
    client.force_login(town_a.owner)

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for _ in range(n):
                i = next(counter)
                challenge_services.pose_challenge(
                    space, town_a.owner, title=f"Udfordring {i}", description="…"
                )
                opinion_services.create_conversation(
                    space, town_a.owner, title=f"Samtale {i}", question="Hvad mener du?"
                )

    def fetch():
        assert client.get(space.get_absolute_url()).status_code == 200

    assert_flat_query_count(fetch, add)


def test_profile_page_is_flat_in_memberships(town_a, client):
    person = town_a.member
    client.force_login(person)
    codes = iter(
        Municipality.objects.exclude(pk=town_a.municipality.pk)
        .order_by("code")
        .values_list("pk", flat=True)
    )

    def add(n: int) -> None:
        with scopes_disabled():
            for _ in range(n):
                give_role(person, Municipality.objects.get(pk=next(codes)), Role.CITIZEN)

    def fetch():
        assert client.get("/konto/profil/").status_code == 200

    assert_flat_query_count(fetch, add)
