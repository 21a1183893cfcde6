"""A space that requires a minimum NSIS assurance level (Space.min_assurance): who may take part
there depends on how this session logged in. Logins are real: the password login form, or the
whole OpenID Connect round through a real provider (tests/oidc) that reports an `acr` level.

Reading stays as the space's visibility says; taking part (ideas, comments, votes, statements,
proposals) asks `municipalities.take_part_in_space`, on the pages and through the API alike."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from samskab.challenges import services as challenge_services
from samskab.challenges.models import Idea
from samskab.municipalities import services as space_services
from samskab.municipalities.models import Space
from samskab.opinions import services as opinion_services
from samskab.opinions.models import Statement, Vote
from tests.conftest import Town, give_role, make_person
from tests.oidc.fixtures import (
    PROVIDER_ID,
    at_provider,
    log_in,
    provider_app,
    start_provider,
    use_provider,
)

CALLBACK = f"http://testserver/konto/oidc/{PROVIDER_ID}/login/callback/"
LOA = "https://data.gov.dk/concept/core/nsis/loa/"
NEEDS_SUBSTANTIAL = "Dette rum kræver, at du logger ind med MitID på betydeligt niveau."
TAKE_PART = [
    "challenges.submit_idea",
    "challenges.comment",
    "challenges.support",
    "challenges.propose_challenge",
    "opinions.vote",
    "opinions.add_statement",
]


@pytest.fixture(scope="module")
def idp(tmp_path_factory):
    with start_provider(tmp_path_factory.mktemp("idp-assurance"), [CALLBACK]) as provider:
        yield provider


@pytest.fixture
def configured(idp, settings, town_a):
    use_provider(settings, provider_app(idp.issuer))
    people = json.loads(idp.accounts_file.read_text(encoding="utf-8"))
    yield idp
    idp.accounts_file.write_text(json.dumps(people), encoding="utf-8")


@pytest.fixture
def secure(town_a: Town):
    """A public space that asks for MitID at level substantial, with a challenge collecting
    ideas and an open conversation."""
    with scopes_disabled():
        space = space_services.create_space(
            town_a.public_space.movement,
            town_a.owner,
            title="Borgerbudget",
            min_assurance="substantial",
        )
        challenge = challenge_services.pose_challenge(
            space, town_a.owner, title="Hvad skal borgerbudgettet bruges til?"
        )
        conversation = opinion_services.create_conversation(
            space,
            town_a.owner,
            title="Borgerbudgettet",
            statements=["Flere bænke i parken.", "Længere åbent på biblioteket."],
        )
    return space, challenge, conversation


def with_level(idp, level: str) -> None:
    idp.set_person("anna", **{**idp.person("anna"), "loa": LOA + level})


def password_login(client, town_a: Town):
    person = make_person("ida@kbh.test", "Ida Borger")
    with scopes_disabled():
        give_role(person, town_a.municipality, "borger")
    response = client.post(
        "/konto/login/", {"login": "ida@kbh.test", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    return person


def rights(client, secure) -> dict[str, bool]:
    """What the person of the client's session may do, as the rules see them in a request."""
    space, challenge, conversation = secure
    user = client.get("/").wsgi_request.user
    with scopes_disabled():
        objects = {
            "challenges.submit_idea": challenge,
            "challenges.comment": challenge,
            "challenges.support": challenge,
            "challenges.propose_challenge": space,
            "opinions.vote": conversation,
            "opinions.add_statement": conversation,
        }
        found = {perm: user.has_perm(perm, obj) for perm, obj in objects.items()}
        found["view"] = user.has_perm("challenges.view_challenge", challenge) and user.has_perm(
            "opinions.view_conversation", conversation
        )
        found["take_part"] = user.has_perm("municipalities.take_part_in_space", space)
    return found


def api_idea(client, challenge):
    return client.post(
        f"/api/municipalities/{challenge.municipality.code}/challenges/{challenge.pk}/ideas",
        {"title": "Et legeområde", "body": "Ved skolen, til de mindste."},
        content_type="application/json",
    )


def api_vote(client, conversation):
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
    return client.post(
        f"/api/municipalities/{conversation.municipality.code}/conversations/"
        f"{conversation.pk}/votes",
        {"statement": statement.pk, "value": 1},
        content_type="application/json",
    )


def created() -> tuple[int, int]:
    with scopes_disabled():
        return Idea.objects.count(), Vote.objects.count()


def test_a_password_login_reads_but_does_not_take_part(configured, client, town_a, secure):
    space, challenge, conversation = secure
    password_login(client, town_a)
    found = rights(client, secure)
    assert found.pop("view") is True
    assert not any(found.values()), found
    page = client.get(challenge.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert NEEDS_SUBSTANTIAL in html
    assert "Foreslå en idé" not in html
    # A way in: the provider's button, and the way to link an MitID login to this profile.
    assert f'action="/konto/oidc/{PROVIDER_ID}/login/?process=login"' in html
    assert 'href="/konto/3rdparty/"' in html
    # Through the API too: refused, and nothing is stored.
    refused = api_idea(client, challenge)
    assert refused.status_code in (400, 403) and refused.json()["detail"]
    assert api_vote(client, conversation).status_code in (400, 403)
    assert created() == (0, 0)


@pytest.mark.parametrize(
    ("level", "allowed"), [("Low", False), ("Substantial", True), ("High", True)]
)
def test_a_provider_login_takes_part_from_the_required_level(
    configured, client, secure, level, allowed
):
    space, challenge, conversation = secure
    with_level(configured, level)
    assert log_in(client)["Location"] == "/mig/"
    found = rights(client, secure)
    assert found.pop("view") is True
    assert found == {perm: allowed for perm in [*TAKE_PART, "take_part"]}
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert (NEEDS_SUBSTANTIAL in html) is not allowed
    assert ("Foreslå en idé" in html) is allowed
    idea = api_idea(client, challenge)
    vote = api_vote(client, conversation)
    if allowed:
        assert idea.status_code == 201 and vote.status_code == 200, (idea.content, vote.content)
        assert created() == (1, 1)
    else:
        assert idea.status_code in (400, 403) and vote.status_code in (400, 403)
        assert created() == (0, 0)


def test_the_idea_page_says_why_too(configured, client, town_a, secure):
    space, challenge, conversation = secure
    with scopes_disabled():
        idea = Idea.objects.create(
            municipality=challenge.municipality,
            challenge=challenge,
            author=town_a.owner,
            title="Bænke",
            body="Flere bænke.",
        )
    password_login(client, town_a)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert NEEDS_SUBSTANTIAL in html


def test_anyone_may_still_read_and_sees_what_is_needed(client, configured, secure):
    space, challenge, conversation = secure
    page = client.get(challenge.get_absolute_url())
    assert page.status_code == 200 and NEEDS_SUBSTANTIAL in page.content.decode()
    space_page = client.get(space.get_absolute_url()).content.decode()
    assert NEEDS_SUBSTANTIAL in space_page and "Kræver MitID: Betydelig" in space_page


def test_a_space_without_a_minimum_is_as_before(configured, client, town_a):
    with scopes_disabled():
        challenge = challenge_services.pose_challenge(
            town_a.public_space, town_a.owner, title="Hvordan får vi flere på cykel?"
        )
    password_login(client, town_a)
    assert api_idea(client, challenge).status_code == 201
    assert "Dette rum kræver" not in client.get(challenge.get_absolute_url()).content.decode()


def test_the_minimum_is_chosen_when_the_space_is_made(client, town_a):
    client.force_login(town_a.owner)
    response = client.post(
        f"/kommuner/{town_a.municipality.slug}/rum/nyt/",
        {
            "title": "Sikkert rum",
            "description": "",
            "visibility": "public",
            "min_assurance": "high",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        assert Space.objects.get(title="Sikkert rum").min_assurance == "high"
    response = client.post(
        f"/kommuner/{town_a.municipality.slug}/rum/nyt/",
        {"title": "Andet rum", "description": "", "visibility": "public", "min_assurance": "max"},
    )
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()


def test_a_password_profile_links_mitid_and_then_takes_part(configured, client, town_a, secure):
    """The way the page points: connect the provider's login under Kontoforbindelser, then log
    in through it (still the same profile) to take part."""
    space, challenge, conversation = secure
    person = password_login(client, town_a)
    configured.set_person("anna", **{**configured.person("anna"), "email": "ida@kbh.test"})
    start = client.post(f"/konto/oidc/{PROVIDER_ID}/login/?process=connect")
    back = urlsplit(at_provider(start["Location"], CALLBACK))
    client.get(f"{back.path}?{back.query}")
    assert client.get("/").wsgi_request.user == person
    # Connected, but this session's login is still the password one.
    assert rights(client, secure)["take_part"] is False
    # The provider button on the page, pressed while logged in: the same profile, now at
    # level substantial.
    response = log_in(client)
    assert response.wsgi_request.user == person
    assert rights(client, secure)["take_part"] is True
    assert api_idea(client, challenge).status_code == 201
