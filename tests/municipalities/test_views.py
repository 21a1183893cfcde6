"""Opening a movement, creating spaces and inviting people, through the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from samskab.core.models import AuditEvent
from samskab.municipalities import services
from samskab.municipalities.models import Movement, Municipality, Space, SpaceInvitation
from tests.conftest import give_role, make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db
CPR = "010190-1234"


def test_administrator_opens_a_movement(kommuner, client):
    municipality = Municipality.objects.get(code="0147")
    admin = make_person("admin@frb.test")
    give_role(admin, municipality, "administrator")
    client.force_login(admin)
    page = client.get("/kommuner/frederiksberg/")
    assert "Start bevægelsen" in page.content.decode()
    response = client.post(
        "/kommuner/frederiksberg/start/", {"title": "Fælles Frederiksberg", "description": "Alle"}
    )
    assert response.status_code == 302
    with scope(municipality=municipality):
        movement = Movement.objects.get()
        assert movement.title == "Fælles Frederiksberg"
        assert AuditEvent.objects.filter(action="movement.opened").count() == 1


def test_bad_movement_input_is_refused_in_danish_and_kept(kommuner, client):
    municipality = Municipality.objects.get(code="0147")
    admin = make_person("admin@frb.test")
    give_role(admin, municipality, "administrator")
    client.force_login(admin)
    typed = f"Min tekst med {CPR}"
    response = client.post("/kommuner/frederiksberg/start/", {"title": "", "description": typed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Udfyld venligst dette felt." in html or "Dette felt er påkrævet." in html
    assert "CPR-nummer" in html
    assert typed in html  # what the person wrote is still in the form
    with scopes_disabled():
        assert not Movement.objects.filter(municipality=municipality).exists()


def test_bad_input_is_answered_in_english_when_chosen(kommuner, client):
    municipality = Municipality.objects.get(code="0147")
    admin = make_person("admin@frb.test")
    give_role(admin, municipality, "administrator")
    client.force_login(admin)
    client.cookies["samskab_language"] = "en"
    html = client.post("/kommuner/frederiksberg/start/", {"title": ""}).content.decode()
    assert "This field is required." in html
    assert '<html lang="en">' in html


def test_citizen_cannot_open_a_movement(kommuner, client):
    municipality = Municipality.objects.get(code="0147")
    citizen = make_person("borger@frb.test")
    give_role(citizen, municipality, "borger")
    client.force_login(citizen)
    assert "Start bevægelsen" not in client.get("/kommuner/frederiksberg/").content.decode()
    response = client.post("/kommuner/frederiksberg/start/", {"title": "Min bevægelse"})
    assert response.status_code == 403
    assert "Du har ikke adgang" in response.content.decode()
    with scopes_disabled():
        assert not Movement.objects.exists()


def test_anonymous_is_sent_to_login(kommuner, client):
    response = client.get("/kommuner/frederiksberg/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_facilitator_creates_a_space_with_a_unique_address(town_a, client):
    facilitator = make_person("facilitator@kbh.test")
    give_role(facilitator, town_a.municipality, "facilitator")
    client.force_login(facilitator)
    url = f"/kommuner/{town_a.municipality.slug}/rum/nyt/"
    for _ in range(2):
        response = client.post(
            url, {"title": "Ældre og fællesskab", "description": "", "visibility": "public"}
        )
        assert response.status_code == 302
    with scope(municipality=town_a.municipality):
        slugs = sorted(
            Space.objects.filter(title="Ældre og fællesskab").values_list("slug", flat=True)
        )
    assert slugs == ["aeldre-og-faellesskab", "aeldre-og-faellesskab-2"]


def test_space_with_unknown_visibility_is_refused(town_a, client):
    client.force_login(town_a.owner)
    url = f"/kommuner/{town_a.municipality.slug}/rum/nyt/"
    response = client.post(url, {"title": "Hemmeligt", "visibility": "secret"})
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    with scope(municipality=town_a.municipality):
        assert not Space.objects.filter(title="Hemmeligt").exists()


def test_invitation_lets_a_person_in_and_sends_an_email(
    town_a, client, django_capture_on_commit_callbacks
):
    guest = make_person("gæst@kbh.test".replace("æ", "ae"))
    client.force_login(guest)
    space_url = town_a.invite_space.get_absolute_url()
    assert client.get(space_url).status_code == 404
    client.force_login(town_a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{space_url}inviter/", {"email": "GAEST@kbh.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["gaest@kbh.test"]
    assert space_url in mail.outbox[0].body
    client.force_login(guest)
    assert client.get(space_url).status_code == 200


def test_inviting_an_unknown_email_changes_nothing(town_a, client):
    client.force_login(town_a.owner)
    space_url = town_a.invite_space.get_absolute_url()
    response = client.post(f"{space_url}inviter/", {"email": "ingen@findes.test"})
    assert response.status_code == 200
    assert "Der er ingen profil med den e-mail" in response.content.decode()
    assert "ingen@findes.test" in response.content.decode()
    with scope(municipality=town_a.municipality):
        assert not SpaceInvitation.objects.exists()
    assert mail.outbox == []


def test_municipality_page_query_count_is_flat_in_spaces(town_a, client):
    client.force_login(town_a.member)
    url = f"/kommuner/{town_a.municipality.slug}/"

    def fetch():
        response = client.get(url)
        assert response.status_code == 200

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            movement = Movement.objects.get()
            for i in range(n):
                services.create_space(movement, town_a.owner, title=f"Rum {i}")

    assert_flat_query_count(fetch, add)


def test_opening_a_movement_offers_the_mayors_question(kommuner, client):
    from samskab.challenges.models import Challenge

    municipality = Municipality.objects.get(code="0147")
    mayor = make_person("borgmester@frb.test")
    give_role(mayor, municipality, "borgmester")
    client.force_login(mayor)
    form = client.get("/kommuner/frederiksberg/start/").content.decode()
    assert "Hvordan kan bevægelsen starte i vores kommune?" in form
    client.post(
        "/kommuner/frederiksberg/start/",
        {"title": "Fælles Frederiksberg", "mayor_question": "on"},
    )
    with scope(municipality=municipality):
        challenge = Challenge.objects.get()
    assert challenge.title == "Hvordan kan bevægelsen starte i vores kommune?"
    assert challenge.posed_by == mayor
    assert client.get(challenge.get_absolute_url()).status_code == 200
