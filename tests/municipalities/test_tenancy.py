"""Tenancy cannot leak: another municipality's objects answer exactly like missing ones."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import ScopeError, scope

from samskab.municipalities.models import Space
from tests.conftest import Town

pytestmark = pytest.mark.django_db


def main_content(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def page(client: Client, town: Town, space_slug: str):
    return client.get(f"/kommuner/{town.municipality.slug}/rum/{space_slug}/")


def test_member_of_one_municipality_gets_404_on_anothers_staff_space(towns, client):
    a, b = towns
    client.force_login(a.member)
    assert page(client, a, a.staff_space.slug).status_code == 200
    response = page(client, b, b.staff_space.slug)
    assert response.status_code == 404


def test_foreign_space_answers_with_the_same_page_as_a_missing_one(towns, client):
    a, b = towns
    client.force_login(a.owner)  # even an administrator of A
    foreign = page(client, b, b.staff_space.slug)
    missing = page(client, b, "findes-ikke")
    assert foreign.status_code == missing.status_code == 404
    assert main_content(foreign) == main_content(missing)


def test_space_of_one_municipality_is_not_found_under_anothers_address(towns, client):
    a, b = towns
    # A's public space, asked for under B's address: 404, not A's page.
    assert page(client, b, a.public_space.slug).status_code == 404
    assert page(client, a, a.public_space.slug).status_code == 200


def test_staff_space_is_hidden_from_citizens_and_anonymous(towns, client):
    a, _ = towns
    assert page(client, a, a.staff_space.slug).status_code == 404
    client.force_login(a.outsider)  # a citizen of B, no role in A
    assert page(client, a, a.staff_space.slug).status_code == 404
    assert page(client, a, a.public_space.slug).status_code == 200


def test_municipality_page_lists_only_what_the_person_may_see(towns, client):
    a, b = towns
    client.force_login(a.member)
    own = client.get(f"/kommuner/{a.municipality.slug}/").content.decode()
    assert a.staff_space.title in own
    assert a.invite_space.title not in own
    other = client.get(f"/kommuner/{b.municipality.slug}/").content.decode()
    assert b.public_space.title in other
    assert b.staff_space.title not in other
    assert b.invite_space.title not in other


def test_api_lists_only_visible_spaces_of_the_asked_municipality(towns, client):
    a, b = towns
    client.force_login(a.member)
    own = {
        s["slug"] for s in client.get(f"/api/municipalities/{a.municipality.code}/spaces").json()
    }
    assert own == {a.public_space.slug, a.staff_space.slug}
    other = {
        s["slug"] for s in client.get(f"/api/municipalities/{b.municipality.code}/spaces").json()
    }
    assert other == {b.public_space.slug}


def test_unknown_municipality_is_404_on_pages_and_api(client, kommuner):
    assert client.get("/kommuner/atlantis/").status_code == 404
    assert client.get("/api/municipalities/9999").status_code == 404
    assert client.get("/api/municipalities/9999/spaces").status_code == 404


def test_scoped_models_refuse_queries_without_a_municipality_scope(towns):
    a, b = towns
    with pytest.raises(ScopeError):
        list(Space.objects.all())
    with scope(municipality=a.municipality):
        titles = set(Space.objects.values_list("title", flat=True))
    assert a.public_space.title in titles
    assert b.public_space.title not in titles
