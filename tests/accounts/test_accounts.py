"""Signing up, logging in with email, and one's own profile."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from samskab.accounts.models import Membership, User
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "ny@borger.dk",
    "password1": "en-lang-god-kode-42",
    "password2": "en-lang-god-kode-42",
}


def test_signup_with_name_and_pseudonym(client):
    response = client.post(
        "/konto/signup/", {**SIGNUP, "display_name": "Ny Borger", "pseudonym": "Fjordfan"}
    )
    assert response.status_code == 302
    person = User.objects.get(email="ny@borger.dk")
    assert (person.display_name, person.pseudonym) == ("Ny Borger", "Fjordfan")


def test_signup_refuses_a_cpr_number_and_keeps_what_was_typed(client):
    response = client.post(
        "/konto/signup/", {**SIGNUP, "display_name": "Ny Borger 010190-1234", "pseudonym": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "CPR-nummer" in html
    assert 'value="ny@borger.dk"' in html
    assert not User.objects.filter(email="ny@borger.dk").exists()


def test_signup_with_mismatched_passwords_is_refused_in_danish(client):
    response = client.post("/konto/signup/", {**SIGNUP, "password2": "noget-andet-123"})
    assert response.status_code == 200
    assert "samme adgangskode" in response.content.decode()
    assert not User.objects.exists()


def test_login_with_email_in_any_case(client):
    make_person("karen@borger.dk")
    response = client.post(
        "/konto/login/", {"login": "Karen@Borger.dk", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get("/konto/profil/").status_code == 200


def test_wrong_password_is_refused_in_danish(client):
    make_person("karen@borger.dk")
    response = client.post("/konto/login/", {"login": "karen@borger.dk", "password": "forkert"})
    assert response.status_code == 200
    assert "adgangskode er ikke korrekt" in response.content.decode()


def test_profile_shows_roles_in_several_municipalities(client, kommuner):
    from samskab.municipalities.models import Municipality

    person = make_person("flere@roller.dk")
    give_role(person, Municipality.objects.get(code="0101"), "borger")
    give_role(person, Municipality.objects.get(code="0751"), "medarbejder")
    give_role(person, Municipality.objects.get(code="0751"), "leder")
    client.force_login(person)
    html = client.get("/konto/profil/").content.decode()
    for text in ("København Kommune", "Aarhus Kommune", "Borger", "Medarbejder", "Leder"):
        assert text in html
    with scopes_disabled():
        assert Membership.objects.filter(person=person).count() == 3


def test_profile_edit_keeps_input_on_error_and_saves_language(client):
    person = make_person("karen@borger.dk", "Karen")
    client.force_login(person)
    response = client.post(
        "/konto/profil/", {"display_name": "Karen 0101901234", "pseudonym": "", "language": "en"}
    )
    assert "CPR-nummer" in response.content.decode()
    assert "Karen 0101901234" in response.content.decode()
    person.refresh_from_db()
    assert person.display_name == "Karen"
    response = client.post(
        "/konto/profil/", {"display_name": "Karen J.", "pseudonym": "", "language": "en"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.language) == ("Karen J.", "en")
    assert '<html lang="en">' in client.get("/konto/profil/").content.decode()


def test_email_is_never_shown_as_a_name():
    person = User(email="hemmelig@borger.dk")
    assert "hemmelig" not in person.public_name


def test_export_of_own_data_holds_profile_roles_and_contributions(client, town_a):
    import json

    from samskab.challenges import services

    with scopes_disabled():
        challenge = services.pose_challenge(town_a.public_space, town_a.owner, title="Hvad nu?")
        services.submit_idea(
            challenge, town_a.member, title="Min idé her", body="Sådan gør vi det."
        )
    client.force_login(town_a.member)
    response = client.get("/konto/mine-data/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["email"] == town_a.member.email
    assert data["profile"]["roles"] == [{"municipality": "0101", "role": "medarbejder"}]
    assert [i["title"] for i in data["challenges"]["ideas"]] == ["Min idé her"]
    assert "owner@kbh.test" not in response.content.decode()


def test_deleting_the_account_anonymises_but_keeps_contributions(client, town_a):
    from samskab.challenges import services

    with scopes_disabled():
        challenge = services.pose_challenge(town_a.public_space, town_a.owner, title="Hvad nu?")
        idea = services.submit_idea(
            challenge, town_a.member, title="Min idé her", body="Sådan gør vi det."
        )
    client.force_login(town_a.member)
    wrong = client.post("/konto/slet/", {"password": "forkert"})
    assert "Adgangskoden er forkert." in wrong.content.decode()
    assert User.objects.get(pk=town_a.member.pk).is_active
    response = client.post("/konto/slet/", {"password": "correct horse battery"})
    assert response.status_code == 302
    person = User.objects.get(pk=town_a.member.pk)
    assert not person.is_active and person.display_name == "" and "member@" not in person.email
    with scopes_disabled():
        assert not Membership.objects.filter(person=person).exists()
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Min idé her" in html
    assert "Slettet deltager" in html
    assert "Medarbejder kbh" not in html
    assert not client.login(email="member@kbh.test", password="correct horse battery")


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_signup_does_not_tell_whether_an_address_is_registered(mailoutbox):
    """Finding 14: sign-up said "already registered". Now both answers are the same page, and
    only the owner of the address learns, by mail, that an account exists."""
    make_person("karen@borger.dk", "Karen")
    answers = []
    for email in ("ny@borger.dk", "karen@borger.dk"):
        client = Client()
        response = client.post("/konto/signup/", {**SIGNUP, "email": email, "display_name": "X"})
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"], without_csrf(page), email))
    (fresh, taken) = answers
    assert fresh[:2] == taken[:2]
    assert fresh[2].replace(fresh[3], "") == taken[2].replace(taken[3], "")
    assert "Bekræft" in taken[2]
    assert User.objects.filter(email="karen@borger.dk").count() == 1
    assert User.objects.get(email="karen@borger.dk").display_name == "Karen"
    assert [m.to for m in mailoutbox] == [["ny@borger.dk"], ["karen@borger.dk"]]
    assert "konto" in mailoutbox[1].body.lower()


def test_a_new_account_logs_in_once_its_address_is_confirmed(client, mailoutbox):
    client.post("/konto/signup/", {**SIGNUP, "display_name": "Ny Borger"})
    assert client.get("/konto/profil/").status_code == 302
    login = {"login": "ny@borger.dk", "password": SIGNUP["password1"]}
    client.post("/konto/login/", login)
    assert client.get("/konto/profil/").status_code == 302
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mailoutbox[0].body).group(0)
    client.post(link.split("testserver", 1)[-1])
    client.post("/konto/login/", login)
    assert client.get("/konto/profil/").status_code == 200
