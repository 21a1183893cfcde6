"""Taking a learning out of the shared library, publishing it and asking its authors are for
the person who wrote it and for those who run processes; the services check this themselves,
so the API and the CLI cannot forget to."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.core.models import AuditEvent
from samskab.reflection import services
from samskab.reflection.models import Learning
from tests.reflection.conftest import make_circle

pytestmark = pytest.mark.django_db


def _published(circle) -> Learning:
    with scope(municipality=circle.town.municipality):
        learning = services.create_learning(
            circle.town.municipality, circle.facilitator, title="Mod", text="Sig det højt."
        )
        Learning.objects.filter(pk=learning.pk).update(published_at=timezone.now())
        learning.refresh_from_db()
    return learning


def _log(action: str) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action=action).count()


def test_a_member_who_did_not_write_it_cannot_unpublish_a_learning(town_a):
    circle = make_circle(town_a)
    learning = _published(circle)
    with scope(municipality=town_a.municipality):
        for someone in (circle.leader, circle.citizen, town_a.outsider, None):
            with pytest.raises(services.ServiceError):
                services.unpublish_learning(learning, someone)
        learning.refresh_from_db()
        assert learning.published_at is not None
        assert _log("reflection.learning_unpublished") == 0
        services.unpublish_learning(learning, circle.facilitator)
        learning.refresh_from_db()
        assert learning.published_at is None
        assert _log("reflection.learning_unpublished") == 1


def test_publishing_and_asking_for_consent_are_refused_to_others(town_a):
    circle = make_circle(town_a)
    learning = _published(circle)
    with scope(municipality=town_a.municipality):
        with pytest.raises(services.ServiceError):
            services.ask_consent(learning, circle.leader)
        with pytest.raises(services.ServiceError):
            services.publish_learning(learning, circle.citizen)
        assert _log("reflection.consent_asked") == 0
        assert services.ask_consent(learning, circle.facilitator) == 1
