"""A reflection room and the learning library cost the same number of queries however many
meetings, members and learnings they list."""

from __future__ import annotations

from itertools import count

import pytest
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.reflection import services
from tests.helpers import assert_flat_query_count
from tests.reflection.conftest import make_circle, person_with_role

pytestmark = pytest.mark.django_db


def test_room_page_is_flat_in_meetings_members_and_learnings(town_a, client):
    circle = make_circle(town_a)
    numbers = count()
    template = None

    def add(n: int) -> None:
        nonlocal template
        with scope(municipality=town_a.municipality):
            template = template or services.get_template(town_a.municipality, "stacey")
            for _ in range(n):
                k = next(numbers)
                services.start_session(circle.room, circle.facilitator, template=template)
                person = person_with_role(town_a, f"deltager{k}@kbh.test", Role.EMPLOYEE)
                services.add_member(circle.room, circle.facilitator, person, role=Role.EMPLOYEE)
                services.create_learning(
                    town_a.municipality,
                    circle.facilitator,
                    title=f"Læring {k}",
                    text="Sådan gjorde vi.",
                    room=circle.room,
                )

    client.force_login(circle.facilitator)

    def fetch() -> None:
        response = client.get(circle.room.get_absolute_url())
        assert response.status_code == 200

    assert_flat_query_count(fetch, add)


def test_library_page_is_flat_in_learnings_and_consent_requests(town_a, client):
    circle = make_circle(town_a)
    numbers = count()

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for _ in range(n):
                shared = services.write_entry(
                    circle.session, circle.leader, prompt_index=0, text="Mod.", visibility="shared"
                )
                learning = services.create_learning(
                    town_a.municipality,
                    circle.facilitator,
                    title=f"Læring {next(numbers)}",
                    text="Sådan gjorde vi.",
                    tags=["mod", "tillid"],
                    room=circle.room,
                    source_entries=[shared],
                )
                services.ask_consent(learning, circle.facilitator)

    client.force_login(circle.leader)

    def fetch() -> None:
        response = client.get(f"/kommuner/{town_a.municipality.slug}/laering/")
        assert response.status_code == 200

    assert_flat_query_count(fetch, add)
