"""Issue 9: each reflection service checks the right itself, and the library search survives
characters a database refuses."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.reflection import search, services
from samskab.reflection.models import ReflectionTemplate, Room, Session
from tests.reflection.conftest import Circle

pytestmark = pytest.mark.django_db


def _events() -> int:
    with scopes_disabled():
        return AuditEvent.objects.count()


def test_a_citizen_may_not_save_templates_create_rooms_or_run_meetings(circle: Circle):
    municipality = circle.town.municipality
    with scope(municipality=municipality):
        template = services.get_template(municipality, "stacey")
        before = _events()
        rooms = Room.objects.count()
        sessions = Session.objects.count()
        attempts = {
            "skabeloner": lambda: services.save_template(
                municipality, circle.citizen, key="ny", name="Ny", description="", prompts=["Hvad?"]
            ),
            "refleksionsrum": lambda: services.create_room(
                municipality,
                circle.citizen,
                title="Mit rum",
                movement=circle.town.public_space.movement,
            ),
            "starte et møde": lambda: services.start_session(
                circle.room, circle.citizen, template=template
            ),
            "lukke mødet": lambda: services.set_session_open(
                circle.session, circle.citizen, is_open=False
            ),
        }
        for words, attempt in attempts.items():
            with pytest.raises(ServiceError, match=words):
                attempt()
        assert not ReflectionTemplate.objects.filter(key="ny").exists()
        assert Room.objects.count() == rooms and Session.objects.count() == sessions
        circle.session.refresh_from_db()
        assert circle.session.is_open
    assert _events() == before


def test_a_facilitator_may_and_it_is_audited(circle: Circle):
    municipality = circle.town.municipality
    with scope(municipality=municipality):
        services.save_template(
            municipality, circle.facilitator, key="ny", name="Ny", description="", prompts=["Hvad?"]
        )
        services.set_session_open(circle.session, circle.facilitator, is_open=False)
    with scopes_disabled():
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"reflection.template_saved", "reflection.session.closed"} <= actions


@pytest.mark.parametrize("raw", ["cykel%00", "%00cykel", "%ED%A0%80%00cykel"])
def test_library_search_drops_nul_and_broken_characters(circle: Circle, client, raw):
    municipality = circle.town.municipality
    with scope(municipality=municipality):
        services.create_learning(
            municipality, circle.facilitator, title="Om cykler", text="Cykelstier"
        )
    client.force_login(circle.employee)
    response = client.get(f"/kommuner/{municipality.slug}/laering/?q={raw}")
    assert response.status_code == 200
    assert "Om cykler" in response.content.decode()
    assert client.get(f"/kommuner/laering/?q={raw}").status_code == 200


def test_search_query_loses_nul_and_lone_surrogates():
    assert search.clean_query("a\x00b\ud800c\td") == "abc d"
    with scopes_disabled():
        assert list(services.shared_library("\x00\ud800")) == []
