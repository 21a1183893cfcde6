"""Unsubscribing, saving one's mail choices and deleting one's account leave a line in the
municipality's log, written in the same transaction as the change."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.accounts.models import Role
from samskab.accounts.personal_data import anonymise
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.notifications import services
from samskab.notifications.models import EmailPreference, Kind
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db


def _log(action: str) -> list[AuditEvent]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action).order_by("municipality_id"))


def test_one_click_unsubscribe_is_logged(client, towns):
    a, b = towns
    person = a.outsider  # a citizen of B
    token = services.unsubscribe_token(person.pk, Kind.DIGEST)
    assert client.post(f"/konto/afmeld/{token}/").status_code == 200
    assert EmailPreference.objects.get(person=person).digest is False
    [event] = _log("notifications.unsubscribed")
    assert event.municipality_id == b.municipality.pk
    assert event.actor == person
    assert event.detail == {"kind": "digest"}


def test_an_unknown_kind_is_refused_and_changes_nothing(town_a):
    with pytest.raises(ServiceError):
        services.unsubscribe(town_a.member.pk, "alt")
    assert not EmailPreference.objects.filter(person=town_a.member).exists()
    assert _log("notifications.unsubscribed") == []


def test_saving_preferences_is_logged_and_only_for_oneself(client, town_a):
    client.force_login(town_a.member)
    response = client.post("/konto/beskeder/", {"replies": "on", "status": "on"})
    assert response.status_code == 302
    pref = EmailPreference.objects.get(person=town_a.member)
    assert (pref.replies, pref.moderation, pref.status, pref.digest) == (True, False, True, False)
    [event] = _log("notifications.preferences_saved")
    assert event.municipality_id == town_a.municipality.pk
    assert event.detail["digest"] is False
    with pytest.raises(ServiceError):
        services.save_preferences(
            town_a.member, town_a.owner, replies=False, moderation=False, status=False, digest=True
        )
    pref.refresh_from_db()
    assert pref.digest is False
    assert len(_log("notifications.preferences_saved")) == 1


def test_deleting_an_account_is_logged_in_each_municipality_without_who_it_was(towns):
    a, b = towns
    person = make_person("forsvinder@test.dk", "Fie Forsvinder")
    with scopes_disabled():
        give_role(person, a.municipality, Role.CITIZEN)
        give_role(person, b.municipality, Role.EMPLOYEE)
    anonymise(person)
    events = _log("account.anonymised")
    assert [e.municipality_id for e in events] == sorted([a.municipality.pk, b.municipality.pk])
    for event in events:
        assert "forsvinder" not in str(event.detail).lower()
        assert "Fie" not in str(event.detail)
