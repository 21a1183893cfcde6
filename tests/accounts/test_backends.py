"""Who a session belongs to is read by hand (samskab.accounts.backends); it must answer as
Django's own backend does: the active person, and no one for a deactivated, deleted or
garbled id."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from samskab.accounts.backends import AuthenticationBackend, ModelBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_the_session_person_is_read_as_django_reads_them(backend):
    User = get_user_model()
    person = User.objects.create_user("anne@example.test", "et-langt-kodeord-1")
    found = backend.get_user(person.pk)
    assert found == person
    assert found.email == "anne@example.test" and found.check_password("et-langt-kodeord-1")
    assert backend.get_user(str(person.pk)) == person
    assert backend.get_user(person.pk + 1000) is None
    assert backend.get_user("ikke-et-tal") is None
    assert backend.get_user(2**70) is None
    person.is_active = False
    person.save()
    assert backend.get_user(person.pk) is None


def test_a_logged_in_person_reaches_their_page(client):
    User = get_user_model()
    person = User.objects.create_user("bo@example.test", "et-langt-kodeord-2")
    client.force_login(person)
    response = client.get("/mig/")
    assert response.status_code == 200
    assert response.wsgi_request.user == person
