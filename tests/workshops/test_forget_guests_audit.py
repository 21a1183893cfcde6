"""Issue 9, finding 7: forgetting workshop guests leaves an audit event in each municipality."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.core.models import AuditEvent
from samskab.workshops import services
from samskab.workshops.models import LiveSession, WorkshopParticipant

pytestmark = pytest.mark.django_db


def test_forgetting_guests_is_audited(town_a, workshop):
    with scope(municipality=town_a.municipality):
        for name in ("Gitte", "Gorm"):
            services.join(workshop, AnonymousUser(), pseudonym=name)
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(
            is_open=False, expires_at=timezone.now() - timedelta(days=40)
        )
        assert services.forget_guests() == 2
        assert not WorkshopParticipant.objects.exists()
        event = AuditEvent.objects.get(action="workshop.guests_forgotten")
        assert event.municipality_id == town_a.municipality.pk
        assert event.actor_id is None
        assert event.detail["n"] == 2
        # Nothing left to forget: no event saying nothing happened.
        assert services.forget_guests() == 0
        assert AuditEvent.objects.filter(action="workshop.guests_forgotten").count() == 1
