"""Logging in through a municipality's identity provider, in Chromium, against a real OpenID
provider (panva's oidc-provider on Node.js, started by the test on 127.0.0.1): the button, the
provider's own login and consent pages, and back to Samskab with the roles the claims give."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from samskab.accounts.models import Membership, Role, User
from samskab.core.models import AuditEvent
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.e2e.conftest import assert_accessible
from tests.oidc.fixtures import PROVIDER_ID, provider_app, start_provider, use_provider


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory):
    callback = f"{live_server.url}/konto/oidc/{PROVIDER_ID}/login/callback/"
    with start_provider(tmp_path_factory.mktemp("idp-e2e"), [callback]) as provider:
        yield provider


@pytest.fixture
def site(transactional_db, live_server, idp, settings):
    load_municipalities(Municipality)
    use_provider(settings, provider_app(idp.issuer))
    people = idp.accounts_file.read_text(encoding="utf-8")
    yield live_server.url
    idp.accounts_file.write_text(people, encoding="utf-8")  # the provider's people as they were


@pytest.fixture
def tab(page):
    # The provider's development pages link a web font; this machine has no internet.
    page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    return page


def roles_of(email: str) -> set[str]:
    with scopes_disabled():
        return set(Membership.objects.filter(person__email=email).values_list("role", flat=True))


def test_employee_logs_in_at_the_provider_and_gets_the_role_from_the_groups_claim(site, idp, tab):
    tab.goto(f"{site}/konto/login/")
    assert_accessible(tab)
    tab.get_by_role("button", name="Log ind som medarbejder").click()
    # At the provider: its own login page, then its consent page.
    tab.wait_for_url(f"{idp.issuer}/**")
    tab.locator("input[name=login]").fill("anna")
    tab.locator("input[name=password]").fill("hvad som helst")
    tab.get_by_role("button", name="Sign-in").click()
    tab.get_by_role("button", name="Continue").click()
    tab.wait_for_url(f"{site}/mig/")
    assert tab.get_by_role("button", name="Log ud").is_visible()
    assert roles_of("anna@kbh.test") == {Role.EMPLOYEE}
    # Where a person sees (and could link) their logins.
    tab.goto(f"{site}/konto/3rdparty/")
    assert tab.get_by_text("Københavns Kommune").first.is_visible()
    assert_accessible(tab)
    tab.goto(f"{site}/")

    # Logging out logs out at the provider too (RP-initiated logout), and comes back.
    tab.get_by_role("button", name="Log ud").click()
    tab.wait_for_url(f"{idp.issuer}/**")
    tab.get_by_role("button", name="Yes, sign me out").click()
    tab.wait_for_url(f"{site}/")
    assert tab.get_by_role("link", name="Log ind").first.is_visible()

    # The provider takes Anna out of the group; her next login takes the role away.
    idp.set_person("anna", **{**idp.person("anna"), "groups": []})
    tab.goto(f"{site}/konto/login/")
    tab.get_by_role("button", name="Log ind som medarbejder").click()
    tab.wait_for_url(f"{idp.issuer}/**")  # logged out there too: the provider asks again
    tab.locator("input[name=login]").fill("anna")
    tab.locator("input[name=password]").fill("hvad som helst")
    tab.get_by_role("button", name="Sign-in").click()
    tab.get_by_role("button", name="Continue").click()  # logging out there ended the grant
    tab.wait_for_url(f"{site}/mig/")
    assert tab.get_by_role("button", name="Log ud").is_visible()
    assert roles_of("anna@kbh.test") == set()
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="membership.removed_by_login").count() == 1


def test_a_wrong_state_shows_a_danish_message_and_creates_no_account(site, tab):
    tab.goto(f"{site}/konto/oidc/{PROVIDER_ID}/login/callback/?code=abc&state=forkert")
    tab.wait_for_url(f"{site}/konto/login/")
    assert tab.get_by_text("Prøv at logge ind igen").is_visible()
    assert_accessible(tab)
    assert not User.objects.exists()


def test_an_unknown_group_is_refused_in_danish(site, idp, tab):
    idp.set_person("anna", **{**idp.person("anna"), "groups": ["hemmelig-gruppe"]})
    tab.goto(f"{site}/konto/login/")
    tab.get_by_role("button", name="Log ind som medarbejder").click()
    tab.wait_for_url(f"{idp.issuer}/**")
    tab.locator("input[name=login]").fill("anna")
    tab.locator("input[name=password]").fill("hvad som helst")
    tab.get_by_role("button", name="Sign-in").click()
    tab.get_by_role("button", name="Continue").click()
    tab.wait_for_url(f"{site}/konto/login/")
    assert tab.get_by_text("rolle, som Samskab ikke kender").is_visible()
    assert not User.objects.exists()


def _password_login(tab, site: str) -> User:
    from tests.conftest import make_person

    person = make_person("ida@kbh.test", "Ida Borger")
    tab.goto(f"{site}/konto/login/")
    tab.get_by_label("E-mail").fill("ida@kbh.test")
    tab.get_by_label("Adgangskode").fill("correct horse battery")
    tab.get_by_role("button", name="Log ind", exact=True).click()
    tab.wait_for_url(f"{site}/mig/")
    return person


def _no_sideways_scroll(tab) -> None:
    width = tab.evaluate("() => document.documentElement.scrollWidth")
    assert width <= tab.viewport_size["width"], f"{tab.url} is {width} px wide"


@pytest.mark.parametrize("width", [1200, 390])
def test_the_profile_leads_to_the_connections_page(site, tab, width):
    tab.set_viewport_size({"width": width, "height": 900})
    _password_login(tab, site)
    tab.goto(f"{site}/konto/profil/")
    assert tab.get_by_role("heading", name="Kontoforbindelser").is_visible()
    assert tab.get_by_text("forbinde dit medarbejderlogin eller dit MitID").is_visible()
    assert_accessible(tab)
    _no_sideways_scroll(tab)
    tab.get_by_role("link", name="Se og forbind dine logins under Kontoforbindelser").click()
    tab.wait_for_url(f"{site}/konto/3rdparty/")
    # The page offers the municipality's provider to link.
    assert tab.get_by_text("Københavns Kommune").first.is_visible()
    assert_accessible(tab)
    _no_sideways_scroll(tab)


@pytest.mark.parametrize("width", [1200, 390])
def test_a_space_that_needs_mitid_says_so_to_a_password_login(site, tab, width):
    from samskab.challenges import services as challenge_services
    from samskab.municipalities import services as space_services
    from tests.conftest import give_role, make_person

    with scopes_disabled():
        kbh = Municipality.objects.get(code="0101")
        owner = make_person("ejer@kbh.test", "Ejer")
        give_role(owner, kbh, Role.ADMINISTRATOR)
        movement = space_services.open_movement(kbh, owner, title="Bevægelsen")
        space = space_services.create_space(
            movement, owner, title="Borgerbudget", min_assurance="substantial"
        )
        challenge = challenge_services.pose_challenge(
            space, owner, title="Hvad skal borgerbudgettet bruges til?"
        )
    tab.set_viewport_size({"width": width, "height": 900})
    _password_login(tab, site)
    tab.goto(f"{site}{challenge.get_absolute_url()}")
    assert tab.get_by_text(
        "Dette rum kræver, at du logger ind med MitID på betydeligt niveau."
    ).is_visible()
    assert tab.get_by_role("button", name="Log ind som medarbejder").is_visible()
    assert tab.get_by_role("link", name="Foreslå en idé").count() == 0
    assert_accessible(tab)
    _no_sideways_scroll(tab)
