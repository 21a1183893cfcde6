"""Logging in through OpenID Connect against a real provider (panva's oidc-provider on Node.js,
started by the tests): the browser's part is played by `requests`, Samskab's by Django's test
client, and the token exchange between them is real HTTP to the provider."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.messages import get_messages
from django_scopes import scopes_disabled

from samskab.accounts.models import (
    Affiliation,
    DepartmentLevel,
    ExternalLogin,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    StaffLevel,
    User,
)
from samskab.accounts.oidc import meets_assurance
from samskab.core.models import AuditEvent
from tests.conftest import give_role, make_person
from tests.oidc.fixtures import PROVIDER_ID, free_port, provider_app, start_provider, use_provider

CALLBACK = f"http://testserver/konto/oidc/{PROVIDER_ID}/login/callback/"
LOGIN = f"/konto/oidc/{PROVIDER_ID}/login/"


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with start_provider(tmp_path_factory.mktemp("idp"), [CALLBACK]) as provider:
        yield provider


@pytest.fixture
def configured(idp, settings, kommuner):
    use_provider(settings, provider_app(idp.issuer))
    people = json.loads(idp.accounts_file.read_text(encoding="utf-8"))
    yield idp
    idp.accounts_file.write_text(json.dumps(people), encoding="utf-8")  # as it was


def _form(html: str) -> tuple[str, dict[str, str]]:
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', html).group(1))
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    return action, fields


def at_provider(location: str, login: str = "anna") -> str:
    """Play the person's browser at the provider: log in, consent, and return the URL the
    provider sends the browser back to (Samskab's callback)."""
    browser = requests.Session()
    url = location
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["Location"])
        elif 'name="login"' in response.text:
            action, fields = _form(response.text)
            response = browser.post(
                urljoin(url, action),
                data={**fields, "login": login, "password": "hvad som helst"},
                allow_redirects=False,
                timeout=10,
            )
            url = urljoin(url, response.headers["Location"])
        elif 'value="consent"' in response.text:
            action, fields = _form(response.text)
            response = browser.post(
                urljoin(url, action), data=fields, allow_redirects=False, timeout=10
            )
            url = urljoin(url, response.headers["Location"])
        else:
            raise AssertionError(f"unexpected page at the provider: {response.text[:500]}")
        if url.startswith(CALLBACK):
            return url
    raise AssertionError("the provider never sent the browser back")


def log_in(client, login: str = "anna"):
    """The whole round: button, provider, callback. Returns Samskab's last response."""
    start = client.post(LOGIN)
    assert start.status_code == 302, start
    assert start["Location"].startswith("http://127.0.0.1:")
    back = at_provider(start["Location"], login)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def roles_of(person: User) -> set[str]:
    with scopes_disabled():
        return set(Membership.objects.filter(person=person).values_list("role", flat=True))


def refusals(reason: str) -> int:
    with scopes_disabled():
        return AuditEvent.objects.filter(action="login.refused", detail__reason=reason).count()


def test_the_request_to_the_provider_asks_for_no_cpr_and_uses_pkce(configured, client):
    start = client.post(LOGIN)
    query = urlsplit(start["Location"]).query
    assert "code_challenge=" in query and "code_challenge_method=S256" in query
    assert "cpr" not in query.lower()
    assert set(parse_qs(query)["scope"][0].split()) == {"openid", "profile", "email"}


def test_first_login_creates_the_person_with_the_role_from_the_groups_claim(configured, client):
    with scopes_disabled():
        unit = Organisation.objects.create(
            municipality_id=_kbh(),
            name="Teknik- og Miljøforvaltningen",
            kind=OrganisationKind.DEPARTMENT,
            level=DepartmentLevel.ADMINISTRATION,
        )
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/mig/"
    person = User.objects.get(email="anna@kbh.test")
    assert response.wsgi_request.user == person
    assert person.display_name == "Anna Ansat"
    assert roles_of(person) == {Role.EMPLOYEE}
    login = ExternalLogin.objects.get(person=person)
    assert login.provider_id == PROVIDER_ID and login.assurance == "substantial"
    assert meets_assurance(response.wsgi_request, "substantial")
    assert not meets_assurance(response.wsgi_request, "high")
    with scopes_disabled():
        affiliation = Affiliation.objects.get(person=person)
        assert affiliation.organisation == unit
        assert affiliation.staff_level == StaffLevel.MANAGER
        assert AuditEvent.objects.filter(
            action="membership.granted_by_login", detail__role="medarbejder"
        ).exists()


def test_no_cpr_number_is_stored_or_audited(configured, client):
    assert configured.person("anna")["cpr"] == "0101901234"  # the provider does send one
    log_in(client)
    account = SocialAccount.objects.get(provider=PROVIDER_ID)
    stored = json.dumps(account.extra_data)
    assert "0101901234" not in stored and "cpr" not in stored.lower()
    assert account.extra_data["userinfo"]["groups"] == ["samskab-medarbejdere"]
    with scopes_disabled():
        audited = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert "0101901234" not in audited


def test_every_login_makes_the_roles_match_the_claims(configured, client):
    log_in(client)
    person = User.objects.get(email="anna@kbh.test")
    with scopes_disabled():
        give_role(person, Membership.objects.get(person=person).municipality, Role.FACILITATOR)
    # The provider moves Anna from employees to managers.
    configured.set_person("anna", **{**configured.person("anna"), "groups": ["samskab-ledere"]})
    client.post("/konto/logout/")
    log_in(client)
    # A role granted by hand (facilitator) is not the provider's to take away.
    assert roles_of(person) == {Role.MANAGER, Role.FACILITATOR}
    configured.set_person("anna", **{**configured.person("anna"), "groups": []})
    client.post("/konto/logout/")
    response = log_in(client)
    assert response.wsgi_request.user == person
    assert roles_of(person) == {Role.FACILITATOR}
    with scopes_disabled():
        removed = AuditEvent.objects.filter(action="membership.removed_by_login")
        assert sorted(removed.values_list("detail__role", flat=True)) == ["leder", "medarbejder"]


def test_claimed_role_gives_exactly_the_rights_of_the_same_role_by_hand(configured, client, town_a):
    """The rules see a membership, however it came: a claimed employee and a hand-made one
    hold the same rights, and losing the claim loses them at the next login."""
    perms = [
        "municipalities.view_space",
        "municipalities.add_space",
        "municipalities.change_space",
        "municipalities.invite_to_space",
    ]
    spaces = [town_a.public_space, town_a.staff_space, town_a.invite_space]

    def rights(person):
        fresh = User.objects.get(pk=person.pk)
        with scopes_disabled():
            return [fresh.has_perm(p, s) for p in perms for s in spaces]

    log_in(client)
    claimed = User.objects.get(email="anna@kbh.test")
    assert rights(claimed) == rights(town_a.member)  # town_a.member: employee by hand
    assert rights(claimed) != rights(town_a.outsider)
    configured.set_person("anna", **{**configured.person("anna"), "groups": []})
    client.post("/konto/logout/")
    log_in(client)
    assert rights(claimed) == rights(make_person("nobody@kbh.test"))


def test_a_missing_email_is_refused_with_a_danish_message(configured, client):
    claims = configured.person("anna")
    del claims["email"]
    configured.set_person("anna", **claims)
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    assert any("ingen e-mailadresse" in m for m in message_texts(response))
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert refusals("missing_email") == 1


def test_an_address_of_an_existing_profile_is_never_merged_silently(configured, client):
    existing = make_person("anna@kbh.test", "Anna med adgangskode")
    configured.set_person("anna", **{**configured.person("anna"), "email_verified": False})
    response = log_in(client)
    assert response["Location"] == "/konto/login/"
    assert any("findes allerede en profil" in m for m in message_texts(response))
    assert not response.wsgi_request.user.is_authenticated
    assert not SocialAccount.objects.exists()
    assert roles_of(existing) == set()
    assert User.objects.get(pk=existing.pk).display_name == "Anna med adgangskode"
    assert refusals("email_taken") == 1
    # A verified address is not merged either: the owner links it, logged in.
    configured.set_person("anna", **{**configured.person("anna"), "email_verified": True})
    log_in(client)
    assert not SocialAccount.objects.exists() and refusals("email_taken") == 2


def test_an_unknown_group_is_refused(configured, client):
    configured.set_person("anna", **{**configured.person("anna"), "groups": ["hemmelig-gruppe"]})
    response = log_in(client)
    assert any("rolle, som Samskab ikke kender" in m for m in message_texts(response))
    assert not User.objects.exists()
    assert refusals("unknown_group") == 1


def test_an_unknown_group_is_ignored_where_the_provider_says_so(configured, settings, client):
    use_provider(settings, provider_app(configured.issuer, unknown_groups="ignore"))
    configured.set_person(
        "anna", **{**configured.person("anna"), "groups": ["alle-ansatte", "samskab-medarbejdere"]}
    )
    log_in(client)
    assert roles_of(User.objects.get(email="anna@kbh.test")) == {Role.EMPLOYEE}


def test_a_wrong_state_is_refused(configured, client):
    response = client.get(f"/konto/oidc/{PROVIDER_ID}/login/callback/?code=abc&state=forkert")
    assert response["Location"] == "/konto/login/"
    assert any("Prøv at logge ind igen" in m for m in message_texts(response))
    assert not User.objects.exists()
    assert refusals("bad_state") == 1


def test_a_spent_code_is_refused(configured, client):
    start = client.post(LOGIN)
    back = urlsplit(at_provider(start["Location"]))
    code = dict(p.split("=", 1) for p in back.query.split("&"))["code"]
    client.get(f"{back.path}?{back.query}")
    client.post("/konto/logout/")
    # A new login, answered with the old code: the provider refuses to swap it again.
    start = client.post(LOGIN)
    state = dict(p.split("=", 1) for p in urlsplit(start["Location"]).query.split("&"))["state"]
    response = client.get(f"{back.path}?code={code}&state={state}")
    assert response["Location"] == "/konto/login/"
    assert any("lykkedes ikke" in m for m in message_texts(response))
    assert not response.wsgi_request.user.is_authenticated
    assert refusals("provider_error") == 1


def test_a_wrong_client_secret_is_refused(configured, settings, client):
    use_provider(settings, provider_app(configured.issuer, secret="forkert"))
    response = log_in(client)
    assert any("lykkedes ikke" in m for m in message_texts(response))
    assert not User.objects.exists()


def test_a_provider_that_is_down_gets_a_danish_message(configured, settings, client):
    use_provider(settings, provider_app(f"http://127.0.0.1:{free_port()}"))
    response = client.post(LOGIN)
    assert response.status_code == 302 and response["Location"] == "/konto/login/"
    assert any("kunne ikke få forbindelse" in m for m in message_texts(response))
    assert refusals("provider_unreachable") == 1


def test_the_login_page_shows_the_button_per_municipality(configured, client):
    page = client.get("/konto/login/").content.decode()
    assert "Log ind som medarbejder" in page
    assert "Københavns Kommune" in page
    assert f'action="{LOGIN}?process=login"' in page


def _kbh() -> int:
    from samskab.municipalities.models import Municipality

    return Municipality.objects.get(code="0101").pk


def test_deleting_the_profile_keeps_nothing_of_the_login(configured, client):
    from samskab.accounts.personal_data import anonymise, export_personal_data

    log_in(client)
    person = User.objects.get(email="anna@kbh.test")
    exported = export_personal_data(person)["external_logins"]
    assert exported[0]["provider"] == PROVIDER_ID and exported[0]["assurance"] == "substantial"
    anonymise(person)
    assert not SocialAccount.objects.exists() and not ExternalLogin.objects.exists()
    # The same login later starts a new, empty profile, not the anonymised one.
    client.logout()
    response = log_in(client)
    assert response.wsgi_request.user.pk != person.pk
    assert response.wsgi_request.user.email == "anna@kbh.test"


def test_the_owner_of_an_email_profile_links_the_login_and_gets_the_claimed_role(
    configured, client
):
    existing = make_person("anna@kbh.test", "Anna med adgangskode")
    client.force_login(existing)
    start = client.post(f"{LOGIN}?process=connect")
    parts = urlsplit(at_provider(start["Location"]))
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == existing
    assert roles_of(existing) == {Role.EMPLOYEE}
    # From now on the provider's login reaches that same profile.
    client.post("/konto/logout/")
    assert log_in(client).wsgi_request.user == existing


def test_a_provider_that_names_the_person_by_cpr_number_is_refused(configured, client, caplog):
    configured.set_person("0101901234", email="cpr@kbh.test", email_verified=True, groups=[])
    response = log_in(client, login="0101901234")
    assert response["Location"] == "/konto/login/"
    assert any("CPR-nummer som id" in m for m in message_texts(response))
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert refusals("cpr_subject") == 1
    assert "0101901234" not in caplog.text


def test_a_provider_that_goes_down_before_the_code_is_swapped(settings, kommuner, client, tmp_path):
    with start_provider(tmp_path, [CALLBACK]) as short_lived:
        use_provider(settings, provider_app(short_lived.issuer))
        start = client.post(LOGIN)
        back = urlsplit(at_provider(start["Location"]))
    # The provider is gone now; Samskab cannot swap the code for tokens.
    response = client.get(f"{back.path}?{back.query}")
    assert response["Location"] == "/konto/login/"
    assert any("kunne ikke få forbindelse" in m for m in message_texts(response))
    assert not User.objects.exists()


def test_logging_out_logs_out_at_the_provider_too(configured, client):
    log_in(client)
    response = client.post("/konto/logout/")
    assert not response.wsgi_request.user.is_authenticated
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}" == configured.issuer
    query = parse_qs(end.query)
    assert query["client_id"] == ["samskab-test"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]
    # The provider knows the way back: its logout page answers, not an error.
    page = requests.get(response["Location"], timeout=10)
    assert page.ok and "invalid_request" not in page.text and "not registered" not in page.text


def test_a_password_login_logs_out_here_only_and_has_no_assurance_level(configured, client):
    person = make_person("ida@kbh.test")
    assert (
        client.post(
            "/konto/login/", {"login": "ida@kbh.test", "password": "correct horse battery"}
        ).status_code
        == 302
    )
    request = client.get("/").wsgi_request
    assert request.user == person
    assert meets_assurance(request, "") and not meets_assurance(request, "low")
    assert client.post("/konto/logout/")["Location"] == "/"
