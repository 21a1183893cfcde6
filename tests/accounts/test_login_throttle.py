"""Wrong passwords slow the one who types them; they do not lock the owner out."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import make_person

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _login(address: str, email: str, password: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("account_login"), {"login": email, "password": password})
    return client


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere():
    owner = make_person("ejer@example.dk")
    for _n in range(8):
        _login("198.51.100.66", owner.email, "forkert")
    assert _logged_in(_login("203.0.113.7", owner.email, PASSWORD))


@pytest.mark.django_db
def test_the_guesser_is_slowed_even_with_the_right_password():
    owner = make_person("ejer@example.dk")
    for _n in range(5):
        _login("198.51.100.66", owner.email, "forkert")
    assert not _logged_in(_login("198.51.100.66", owner.email, PASSWORD))


@pytest.mark.django_db
def test_the_password_reset_page_does_not_say_whether_an_address_has_an_account():
    make_person("ejer@example.dk")
    client = Client()
    known = client.post(reverse("account_reset_password"), {"email": "ejer@example.dk"})
    unknown = client.post(reverse("account_reset_password"), {"email": "ingen@example.dk"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
