from __future__ import annotations

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Membership, Role
from samskab.demo.content import DEMO_PASSWORD, demo_email, load_demo
from samskab.municipalities.models import Space, Visibility

pytestmark = pytest.mark.django_db


def test_demo_has_a_person_for_every_role_and_every_kind_of_space(kommuner, client):
    demo = load_demo()
    with scope(municipality=demo.municipality):
        roles = set(Membership.objects.values_list("role", flat=True))
        visibilities = set(Space.objects.values_list("visibility", flat=True))
    assert roles == {r.value for r in Role}
    assert visibilities == {v.value for v in Visibility}
    assert client.login(email=demo_email("borger"), password=DEMO_PASSWORD)


def test_demo_can_be_loaded_twice_without_duplicates(kommuner, capsys):
    from django.apps import apps

    def counts() -> dict[str, int]:
        # Every model the demo (and each capability's demo extension) fills.
        with scopes_disabled():
            return {
                m._meta.label: m._base_manager.count()
                for m in apps.get_models()
                if m._meta.app_label not in {"sessions", "contenttypes", "auth", "admin"}
            }

    call_command("demo")
    first = counts()
    call_command("demo")
    assert counts() == first
    out = capsys.readouterr().out
    assert "administrator@demo.samskab.dk" in out
    demo = load_demo()
    with scope(municipality=demo.municipality):
        assert Space.objects.filter(created_by=demo.people["administrator"]).count() == 5
        demo_roles = Membership.objects.filter(person__email__endswith="@demo.samskab.dk")
        assert set(demo_roles.values_list("role", flat=True)) == {r.value for r in Role}


def test_demo_pages_show_content_to_each_role(kommuner, client):
    demo = load_demo()
    url = demo.municipality.get_absolute_url()
    anonymous = client.get(url).content.decode()
    assert "Ensomhed blandt ældre" in anonymous
    assert "Medarbejdernes værksted" not in anonymous
    client.login(email=demo_email("medarbejder"), password=DEMO_PASSWORD)
    assert "Medarbejdernes værksted" in client.get(url).content.decode()
    client.login(email=demo_email("borgmester"), password=DEMO_PASSWORD)
    assert "Styregruppen for samskabelse" in client.get(url).content.decode()
